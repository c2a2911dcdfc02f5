/**
 * @module core/shl/client
 * A SMART Health Links receiving application's steps (IG §Receiving Application processes a
 * SMART Health Link): read the link, POST the manifest request (or GET the single file of a `U`
 * link), fetch each `location`, decrypt every file with the link's key, and read it as its
 * content type. The fetch is passed in (the verifier page, the CLI and the tests each give
 * theirs); nothing here verifies a card: the caller verifies each SHC as it verifies any other.
 */
import { fromUtf8 } from '../codec/index.ts'
import { parseHealthCardFile, ShcError } from '../shc/index.ts'
import { ShlError } from './errors.ts'
import { decryptShlFile, MAX_SHL_FILE_LENGTH } from './jwe.ts'
import { parseShlManifest, type ShlManifestRequest } from './manifest.ts'
import { parseShlink, readShlKey, type ShlFlags, type ShlPayload } from './payload.ts'

export type ShlFetch = (url: string, init?: RequestInit) => Promise<Response>

export interface OpenShlinkOptions {
  readonly fetch: ShlFetch
  /** Shown to the sharer in their access log: who is opening the link. */
  readonly recipient: string
  readonly passcode?: string
  readonly embeddedLengthMax?: number
  /** POSIX seconds: a link whose `exp` has passed is refused without a request. */
  readonly now: number
}

/** A decrypted file, read as its content type. */
export type ShlContent =
  | { readonly kind: 'shc'; readonly jws: readonly string[] }
  | { readonly kind: 'fhir'; readonly resource: Record<string, unknown> }
  | { readonly kind: 'other' }

export interface OpenedShlFile {
  readonly contentType: string
  readonly source: 'embedded' | 'location' | 'direct'
  /** The decrypted text, as the sharer encrypted it. */
  readonly text: string
  readonly content: ShlContent
  readonly lastUpdated?: string
}

export interface OpenedShl {
  readonly payload: ShlPayload & { readonly flags: ShlFlags }
  readonly files: readonly OpenedShlFile[]
}

async function request(fetcher: ShlFetch, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetcher(url, init)
  } catch (cause) {
    throw new ShlError('SHL_HTTP', `could not reach ${new URL(url).origin}`, {
      field: 'url',
      cause,
    })
  }
}

/** 404 and 401 have meanings of their own (§Manifest Request); anything else is SHL_HTTP. */
async function refuse(res: Response, field: string): Promise<never> {
  if (res.status === 404) {
    throw new ShlError('SHL_NOT_FOUND', 'the link is no longer active', { field })
  }
  if (res.status === 401) {
    let remaining: number | undefined
    try {
      const body = (await res.json()) as { remainingAttempts?: unknown }
      if (typeof body.remainingAttempts === 'number') remaining = body.remainingAttempts
    } catch {
      // a 401 without the JSON body still means a wrong passcode
    }
    throw new ShlError('SHL_PASSCODE_WRONG', 'the passcode is not right', {
      field: 'passcode',
      ...(remaining === undefined ? {} : { remainingAttempts: remaining }),
    })
  }
  throw new ShlError('SHL_HTTP', `the server answered ${res.status}`, { field })
}

async function boundedText(res: Response, field: string): Promise<string> {
  const text = await res.text()
  if (text.length > MAX_SHL_FILE_LENGTH) {
    throw new ShlError('SHL_TOO_LARGE', 'the answer is too large', { field })
  }
  return text
}

/** Reads decrypted text as its content type (SHC file JSON, a FHIR resource). */
export function readShlContent(contentType: string, text: string, field = 'file'): ShlContent {
  if (contentType === 'application/smart-health-card') {
    try {
      return { kind: 'shc', jws: parseHealthCardFile(text).jws }
    } catch (cause) {
      const detail = cause instanceof ShcError ? ` (${cause.code})` : ''
      throw new ShlError('SHL_CONTENT', `not a SMART Health Card file${detail}`, { field, cause })
    }
  }
  if (contentType === 'application/fhir+json') {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw new ShlError('SHL_CONTENT', 'the FHIR file is not JSON', { field, cause })
    }
    if (
      json === null ||
      typeof json !== 'object' ||
      Array.isArray(json) ||
      typeof (json as { resourceType?: unknown }).resourceType !== 'string'
    ) {
      throw new ShlError('SHL_CONTENT', 'the FHIR file is not a FHIR resource', { field })
    }
    return { kind: 'fhir', resource: json as Record<string, unknown> }
  }
  return { kind: 'other' }
}

async function open(
  jwe: string,
  key: Uint8Array,
  declared: string | undefined,
  source: OpenedShlFile['source'],
  field: string,
  lastUpdated?: string,
): Promise<OpenedShlFile> {
  const { contentType: cty, plaintext } = await decryptShlFile(jwe, key)
  const contentType = declared ?? cty ?? 'application/octet-stream'
  let text: string
  try {
    text = fromUtf8(plaintext)
  } catch (cause) {
    throw new ShlError('SHL_CONTENT', 'the decrypted file is not UTF-8 text', { field, cause })
  }
  return {
    contentType,
    source,
    text,
    content: readShlContent(contentType, text, field),
    ...(lastUpdated === undefined ? {} : { lastUpdated }),
  }
}

/**
 * Opens a link end to end. Throws ShlError: SHL_EXPIRED before any request, SHL_PASSCODE_REQUIRED
 * when flagged P without a passcode, SHL_NOT_FOUND / SHL_PASSCODE_WRONG / SHL_HTTP from the
 * server, SHL_MANIFEST, SHL_JWE_*, SHL_DECRYPT or SHL_CONTENT from what it sent.
 */
export async function openShlink(text: string, options: OpenShlinkOptions): Promise<OpenedShl> {
  const payload = parseShlink(text)
  const key = readShlKey(payload.key)
  if (payload.exp !== undefined && payload.exp <= options.now) {
    throw new ShlError('SHL_EXPIRED', 'the link has expired', { field: 'exp' })
  }
  if (payload.flags.single) {
    // §Direct File Request: GET with the recipient as a query parameter, no manifest.
    const url = new URL(payload.url)
    url.searchParams.set('recipient', options.recipient)
    const res = await request(options.fetch, url.toString(), { method: 'GET' })
    if (!res.ok) await refuse(res, 'url')
    const jwe = await boundedText(res, 'url')
    return { payload, files: [await open(jwe, key, undefined, 'direct', 'url')] }
  }
  if (payload.flags.passcode && (options.passcode === undefined || options.passcode === '')) {
    throw new ShlError('SHL_PASSCODE_REQUIRED', 'this link needs a passcode', { field: 'passcode' })
  }
  const body: ShlManifestRequest = {
    recipient: options.recipient,
    ...(payload.flags.passcode ? { passcode: options.passcode as string } : {}),
    ...(options.embeddedLengthMax === undefined
      ? {}
      : { embeddedLengthMax: options.embeddedLengthMax }),
  }
  const res = await request(options.fetch, payload.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) await refuse(res, 'url')
  let json: unknown
  try {
    json = JSON.parse(await boundedText(res, 'url'))
  } catch (cause) {
    if (cause instanceof ShlError) throw cause
    throw new ShlError('SHL_MANIFEST', 'the manifest is not JSON', { field: 'manifest', cause })
  }
  const manifest = parseShlManifest(json)
  const files: OpenedShlFile[] = []
  // One at a time: single-use locations expire, and a receiver need not hurry a sharer's server.
  for (const [i, file] of manifest.files.entries()) {
    const field = `files.${i}`
    if ('embedded' in file) {
      files.push(
        await open(file.embedded, key, file.contentType, 'embedded', field, file.lastUpdated),
      )
      continue
    }
    const got = await request(options.fetch, file.location, { method: 'GET' })
    if (!got.ok) await refuse(got, `${field}.location`)
    const jwe = await boundedText(got, `${field}.location`)
    files.push(await open(jwe, key, file.contentType, 'location', field, file.lastUpdated))
  }
  return { payload, files }
}
