/**
 * What the verifier's service worker knows about the release it runs, kept in Cache Storage
 * (shared with the page, which shows it in its footer and settings): the release installed
 * with its proof summary, and the last update it refused and why. docs/RELEASES.md.
 */
export const RELEASE_CACHE = 'vigil-verify-release-v1'
export const STATE_URL = '/verify/release-state.json'

export interface InstalledRelease {
  readonly release: number
  readonly sha256: string
  readonly leafIndex: number
  /** Tree size of the checkpoint the inclusion proof led to. */
  readonly size: string
  readonly cosignatures: number
  readonly version: string
  readonly commit: string
}

export interface RefusedRelease {
  readonly sha256: string
  /** The release number the feed claimed, when it listed it. */
  readonly release: number | null
  /** `RELEASE_NOT_LOGGED`, `RELEASE_PROOF`, `RELEASE_ASSET_MISMATCH`, `RELEASE_MANIFEST_INVALID`… */
  readonly code: string
  readonly message: string
  /** POSIX seconds. */
  readonly at: number
}

export interface ReleaseState {
  readonly installed?: InstalledRelease
  readonly refused?: RefusedRelease
  /** The log key first seen (trust on first use): a later key is refused, not followed. */
  readonly vkey?: string
}

export async function readReleaseState(): Promise<ReleaseState> {
  try {
    const res = await (await caches.open(RELEASE_CACHE)).match(STATE_URL)
    return res === undefined ? {} : ((await res.json()) as ReleaseState)
  } catch {
    return {}
  }
}

export async function writeReleaseState(state: ReleaseState): Promise<void> {
  const cache = await caches.open(RELEASE_CACHE)
  await cache.put(
    STATE_URL,
    new Response(JSON.stringify(state), { headers: { 'content-type': 'application/json' } }),
  )
}
