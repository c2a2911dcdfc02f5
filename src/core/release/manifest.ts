/**
 * @module core/release/manifest
 * The release manifest of the web pages (`vigil-release/v1`): every file the build serves with
 * its SHA-256, the Content-Security-Policy the pages are served with, the service worker's hash,
 * the package version and the git commit. Its SHA-256 (of the exact bytes served at
 * /release.json) is what the ledger commits to, as a `verifier-release` entry with key id
 * `web:<release>` (docs/RELEASES.md). The text is canonical — sorted paths, fixed key order, two
 * spaces, one final newline — so two builds of one commit give the same bytes.
 */
import { CoreError } from '../errors.ts'

export const RELEASE_FORMAT = 'vigil-release/v1'
/** Where a deployment serves the manifest of the pages it serves. */
export const RELEASE_MANIFEST_PATH = '/release.json'

export interface ReleaseAsset {
  /** Served path, from the site root (`/assets/verify-ZC-4zgJZ.js`). */
  readonly path: string
  /** Lower-case hex SHA-256 of the served bytes. */
  readonly sha256: string
}

export interface ReleaseManifest {
  readonly format: typeof RELEASE_FORMAT
  readonly version: string
  /** The git commit built (40 hex), or `unknown` outside a git checkout. */
  readonly commit: string
  /** The policy of every page but the verifier's (RFC-free: CSP Level 3 serialisation). */
  readonly csp: string
  /** The verifier page's policy: it may also reach other deployments (connect-src https:). */
  readonly verifierCsp: string
  readonly serviceWorker: ReleaseAsset
  readonly assets: readonly ReleaseAsset[]
}

export type ReleaseErrorCode = 'RELEASE_MANIFEST_INVALID' | 'RELEASE_ASSET_MISMATCH'

export class ReleaseError extends CoreError<ReleaseErrorCode> {}

const HEX64 = /^[0-9a-f]{64}$/
const PATH = /^\/[\x21-\x7e]{1,300}$/
const COMMIT = /^([0-9a-f]{40}|unknown)$/

function invalid(message: string, field: string): ReleaseError {
  return new ReleaseError('RELEASE_MANIFEST_INVALID', message, { field })
}

function asset(value: unknown, field: string): ReleaseAsset {
  if (typeof value !== 'object' || value === null) throw invalid('must be an object', field)
  const { path, sha256 } = value as Record<string, unknown>
  if (typeof path !== 'string' || !PATH.test(path)) throw invalid('bad path', `${field}.path`)
  if (typeof sha256 !== 'string' || !HEX64.test(sha256)) {
    throw invalid('sha256 must be 64 lower-case hex digits', `${field}.sha256`)
  }
  return { path, sha256 }
}

/** The canonical text of a manifest (what is served, hashed and logged). */
export function serializeReleaseManifest(m: ReleaseManifest): string {
  const assets = [...m.assets]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((a) => ({ path: a.path, sha256: a.sha256 }))
  const ordered = {
    format: RELEASE_FORMAT,
    version: m.version,
    commit: m.commit,
    csp: m.csp,
    verifierCsp: m.verifierCsp,
    serviceWorker: { path: m.serviceWorker.path, sha256: m.serviceWorker.sha256 },
    assets,
  }
  return `${JSON.stringify(ordered, null, 2)}\n`
}

/**
 * Reads a manifest, refusing anything but the canonical text of a well-formed one (a
 * manifest that would serialise differently is not the one a build wrote).
 */
export function parseReleaseManifest(text: string): ReleaseManifest {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw invalid('not JSON', 'manifest')
  }
  if (typeof value !== 'object' || value === null) throw invalid('must be an object', 'manifest')
  const v = value as Record<string, unknown>
  if (v.format !== RELEASE_FORMAT) throw invalid(`format must be ${RELEASE_FORMAT}`, 'format')
  for (const key of ['version', 'csp', 'verifierCsp'] as const) {
    if (typeof v[key] !== 'string' || (v[key] as string).length > 4096) {
      throw invalid('must be a string', key)
    }
  }
  if (typeof v.commit !== 'string' || !COMMIT.test(v.commit)) {
    throw invalid('must be 40 hex digits or unknown', 'commit')
  }
  if (!Array.isArray(v.assets) || v.assets.length > 10_000)
    throw invalid('must be a list', 'assets')
  const manifest: ReleaseManifest = {
    format: RELEASE_FORMAT,
    version: v.version as string,
    commit: v.commit,
    csp: v.csp as string,
    verifierCsp: v.verifierCsp as string,
    serviceWorker: asset(v.serviceWorker, 'serviceWorker'),
    assets: v.assets.map((a, i) => asset(a, `assets[${i}]`)),
  }
  if (serializeReleaseManifest(manifest) !== text) {
    throw invalid('not in canonical form (sorted paths, two-space JSON, final newline)', 'manifest')
  }
  return manifest
}

/** The ledger key id of web release N. */
export const webReleaseKeyId = (release: number) => `web:${release}`

/** The listed hash of a served path, or undefined when the manifest does not list it. */
export function assetHash(m: ReleaseManifest, path: string): string | undefined {
  if (path === m.serviceWorker.path) return m.serviceWorker.sha256
  return m.assets.find((a) => a.path === path)?.sha256
}
