/**
 * @module core/shl/manifest
 * The manifest exchange (IG §SMART Health Link Manifest Request, §Manifest File): the request
 * body a receiver POSTs and the JSON the server answers, shared by the server (which builds it)
 * and by receivers (which read an untrusted one).
 */
import { ShlError } from './errors.ts'

export const SHL_CONTENT_TYPES = [
  'application/smart-health-card',
  'application/fhir+json',
  'application/smart-api-access',
] as const
export type ShlContentType = (typeof SHL_CONTENT_TYPES)[number]

/** `status` of a file entry (§files array). */
export const SHL_FILE_STATUSES = [
  'finalized',
  'can-change',
  'entered-in-error',
  'no-longer-valid',
  'retracted',
] as const

/** `recipient` is required, `passcode` when flagged P, `embeddedLengthMax` optional. */
export interface ShlManifestRequest {
  readonly recipient: string
  readonly passcode?: string
  readonly embeddedLengthMax?: number
}

export type ShlManifestFile = {
  readonly contentType: string
  readonly lastUpdated?: string
  readonly status?: string
  readonly fhirVersion?: string
} & ({ readonly embedded: string } | { readonly location: string })

export interface ShlManifest {
  readonly files: readonly ShlManifestFile[]
  readonly list?: unknown
}

/** Files one manifest may list before a receiver stops reading (a bound, not a spec rule). */
export const MAX_MANIFEST_FILES = 200

const bad = (message: string, field: string) => new ShlError('SHL_MANIFEST', message, { field })

/**
 * Reads a manifest from an untrusted server. Unknown properties are ignored (Design Note
 * "Protocol Versioning"); each file must name its content type and carry exactly one of
 * `embedded` (a string) or `location` (an http(s) URL). Unknown content types are kept: the
 * caller decides what it can show.
 */
export function parseShlManifest(json: unknown): ShlManifest {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw bad('the manifest is not a JSON object', 'manifest')
  }
  const files = (json as { files?: unknown }).files
  if (!Array.isArray(files)) throw bad('the manifest has no files array', 'files')
  if (files.length > MAX_MANIFEST_FILES) {
    throw bad(`the manifest lists more than ${MAX_MANIFEST_FILES} files`, 'files')
  }
  const out = files.map((f, i): ShlManifestFile => {
    const field = `files.${i}`
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw bad('not an object', field)
    const entry = f as Record<string, unknown>
    if (typeof entry.contentType !== 'string' || entry.contentType === '') {
      throw bad('contentType is missing', `${field}.contentType`)
    }
    const hasEmbedded = entry.embedded !== undefined
    const hasLocation = entry.location !== undefined
    if (hasEmbedded === hasLocation) {
      throw bad('a file has exactly one of embedded and location', field)
    }
    const extra = {
      ...(typeof entry.lastUpdated === 'string' ? { lastUpdated: entry.lastUpdated } : {}),
      ...(typeof entry.status === 'string' ? { status: entry.status } : {}),
      ...(typeof entry.fhirVersion === 'string' ? { fhirVersion: entry.fhirVersion } : {}),
    }
    if (hasEmbedded) {
      if (typeof entry.embedded !== 'string')
        throw bad('embedded is not a string', `${field}.embedded`)
      return { contentType: entry.contentType, embedded: entry.embedded, ...extra }
    }
    if (typeof entry.location !== 'string' || !/^https?:\/\//i.test(entry.location)) {
      throw bad('location is not an http(s) URL', `${field}.location`)
    }
    return { contentType: entry.contentType, location: entry.location, ...extra }
  })
  const list = (json as { list?: unknown }).list
  return { files: out, ...(list === undefined ? {} : { list }) }
}
