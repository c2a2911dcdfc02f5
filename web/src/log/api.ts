/**
 * The public log API as the page reads it (src/http/routes/log.ts). Everything the server says is
 * untrusted until checked: the checkpoint by its signature, tiles by the verified root.
 */

import type { Tile } from '../../../src/core/merkle/index.ts'
import { tilePath } from '../../../src/core/merkle/index.ts'

/** A failed request or check, with the stable `code` a person can quote (RFC 9457 `code`). */
export class PageError extends Error {
  readonly code: string
  readonly field: string | undefined
  readonly status: number | undefined

  constructor(code: string, message: string, options: { field?: string; status?: number } = {}) {
    super(message)
    this.name = 'PageError'
    this.code = code
    this.field = options.field
    this.status = options.status
  }
}

/** Any thrown value as `{ code, message }`: core errors carry a code, network errors get one. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return { code: err.code, message: err instanceof Error ? err.message : String(err) }
  }
  return { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) }
}

async function request(path: string): Promise<Response> {
  let res: Response
  try {
    res = await fetch(path, { headers: { accept: 'application/json, text/plain, */*' } })
  } catch {
    throw new PageError('NETWORK', `the service did not answer (${path.split('?')[0]})`)
  }
  if (res.ok) return res
  let code = `HTTP_${res.status}`
  let message = `${path.split('?')[0]} answered ${res.status}`
  let field: string | undefined
  try {
    const problem = (await res.json()) as { code?: unknown; detail?: unknown; field?: unknown }
    if (typeof problem.code === 'string') code = problem.code
    if (typeof problem.detail === 'string') message = problem.detail
    if (typeof problem.field === 'string') field = problem.field
  } catch {}
  throw new PageError(code, message, { field, status: res.status })
}

export async function getText(path: string): Promise<string> {
  return (await request(path)).text()
}

export async function getJson<T>(path: string): Promise<T> {
  try {
    return (await (await request(path)).json()) as T
  } catch (err) {
    if (err instanceof PageError) throw err
    throw new PageError('BAD_RESPONSE', `${path.split('?')[0]} did not answer JSON`)
  }
}

export async function getBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await request(path)).arrayBuffer())
}

/** A decoded entry as `/log/entries` lists it (no personal data exists in the log). */
export interface ListedEntry {
  index: string
  leafHash: string
  kind: string
  artefactHash: string
  keyId: string
  time: string
}

export async function listEntries(start: bigint, limit: number): Promise<ListedEntry[]> {
  const body = await getJson<{ entries?: ListedEntry[] }>(
    `/log/entries?start=${start}&limit=${limit}`,
  )
  if (!Array.isArray(body.entries)) throw new PageError('BAD_RESPONSE', 'no entries in the answer')
  return body.entries
}

/** A k-anonymous bucket: every (leaf hash, index) whose leaf hash starts with `prefix`. */
export async function lookupBucket(prefix: string): Promise<{ leafHash: string; index: string }[]> {
  const body = await getJson<{ matches?: { leafHash: string; index: string }[] }>(
    `/log/lookup/${prefix}`,
  )
  if (!Array.isArray(body.matches)) throw new PageError('BAD_RESPONSE', 'no matches in the answer')
  return body.matches
}

/**
 * Fetches tiles for core's tileHashReader (one request per tile, in parallel); the URLs come from
 * core's `tilePath`, so they are the canonical, cacheable ones. `fetched` collects the paths.
 */
export function fetchTiles(fetched: string[]) {
  return (tiles: Tile[]): Promise<Uint8Array[]> =>
    Promise.all(
      tiles.map((tile) => {
        const path = tilePath(tile)
        fetched.push(path)
        return getBytes(`/log/${path}`)
      }),
    )
}
