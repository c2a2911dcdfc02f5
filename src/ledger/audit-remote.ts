/**
 * @module ledger/audit-remote
 * The audit source over a Vigil log's public HTTP API, as any monitor sees it: the checkpoint, the
 * tlog-tiles hash tiles and entry bundles, and the checkpoint chain. Entries come from the
 * bundles and their stored leaf hashes from the level-0 tiles (each fetched once: the walk asks
 * for a page's entries and its tiles together). `fetch` is injected (tests pass the app's own
 * request handler).
 */
import { fromBase64 } from '../core/codec/base64.ts'
import {
  decodeEntryBundle,
  entriesPath,
  HASH_SIZE,
  type Tile,
  tilePath,
} from '../core/merkle/index.ts'
import { parseCheckpoint, parseNote } from '../core/note/index.ts'
import type { AuditCheckpoint, AuditLeaf, AuditSource } from './audit-types.ts'

export type Fetch = (url: string) => Response | Promise<Response>

export interface RemoteSourceOptions {
  /** The service's base URL (the log is under `<url>/log/`). */
  url: string
  fetch?: Fetch
  /** Requests in flight at once (default 8). */
  concurrency?: number
}

const CHECKPOINT_PAGE = 500

interface ChainPage {
  checkpoints: { size: string; note: string; hash: string }[]
  next?: string
}

export function remoteSource(
  options: RemoteSourceOptions,
): AuditSource & { key(): Promise<string> } {
  const base = `${options.url.replace(/\/+$/, '')}/log/`
  const doFetch = options.fetch ?? ((url: string) => fetch(url))
  const limit = options.concurrency ?? 8

  /** The body, or undefined on 404 ("not in the log"); anything else is the source failing. */
  async function get(path: string): Promise<Response | undefined> {
    const res = await doFetch(`${base}${path}`)
    if (res.status === 404) return undefined
    if (!res.ok) throw new Error(`GET ${base}${path}: HTTP ${res.status}`)
    return res
  }
  const bytes = async (path: string) => {
    const res = await get(path)
    return res === undefined ? undefined : new Uint8Array(await res.arrayBuffer())
  }
  const text = async (path: string) => {
    const res = await get(path)
    if (res === undefined) throw new Error(`GET ${base}${path}: HTTP 404`)
    return res.text()
  }
  /** Level-0 tiles by index, shared by `entries` and `tiles`; pages behind the walk are dropped. */
  const level0 = new Map<bigint, Promise<Uint8Array | undefined>>()
  const leafTile = (t: Tile) => {
    const tile = level0.get(t.index) ?? bytes(tilePath(t))
    level0.set(t.index, tile)
    return tile
  }
  const chainPage = async (before: bigint): Promise<ChainPage> =>
    JSON.parse(await text(`checkpoints?limit=${CHECKPOINT_PAGE}&before=${before}`)) as ChainPage

  return {
    key: async () => (await text('key')).trim(),
    async head() {
      const note = await text('checkpoint')
      return { size: parseCheckpoint(parseNote(note).text).size, note }
    },
    async entries(start, end) {
      for (const k of level0.keys()) if (k < start >> 8n) level0.delete(k)
      const bundles: Tile[] = []
      for (let b = start >> 8n; b << 8n < end; b++) {
        const stop = end - (b << 8n) < 256n ? end - (b << 8n) : 256n
        bundles.push({ level: 0, index: b, width: Number(stop) })
      }
      const data = await mapLimit(bundles, limit, async (b) => {
        const [bundle, tile] = [bytes(entriesPath(b.index, b.width)), leafTile(b)]
        return [await bundle, await tile] as const
      })
      return bundles.flatMap((b, i): AuditLeaf[] => {
        const [raw, tile] = data[i] ?? []
        let entries: Uint8Array[] = []
        try {
          if (raw !== undefined) entries = decodeEntryBundle(raw, b.width)
        } catch {
          // An undecodable bundle holds no entries the audit can trust: they count as missing.
        }
        return entries.map((entry, k) => ({
          index: (b.index << 8n) + BigInt(k),
          entry,
          ...(tile?.length === b.width * HASH_SIZE
            ? { leafHash: tile.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE) }
            : {}),
        }))
      })
    },
    tiles: (tiles) =>
      mapLimit(tiles, limit, (t) => (t.level === 0 ? leafTile(t) : bytes(tilePath(t)))),
    // The chain is served newest first; walk it once for the page cursors, then replay them
    // oldest first, so memory holds one page whatever the chain's length.
    async *checkpoints(size) {
      const cursors = [size + 1n]
      let page = await chainPage(size + 1n)
      while (page.next !== undefined) {
        cursors.push(BigInt(page.next))
        page = await chainPage(BigInt(page.next))
      }
      // The oldest page is in hand; the newer ones are fetched again on the way back up.
      for (const [i, before] of cursors.reverse().entries()) {
        const { checkpoints } = i === 0 ? page : await chainPage(before)
        yield checkpoints.reverse().map(
          (c): AuditCheckpoint => ({
            size: BigInt(c.size),
            note: c.note,
            noteHash: fromBase64(c.hash),
          }),
        )
      }
    },
  }
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
