/**
 * @module tools/audit/remote-source
 * The audit source over a Vigil log's public HTTP API, as any monitor or verifier sees it: the
 * checkpoint and its chain, the tlog-tiles hash tiles and entry bundles, and the routes served
 * from the entry rows — `/log/entries` (each leaf's entry and leaf hash) and the k-anonymous
 * `/log/lookup` — plus the proofs and receipts, so whatever a client could be misled by is held
 * to the tiles. `fetch` is injected (tests pass the app's own request handler).
 */
import { fromBase64, fromHex, toHex } from '../../core/codec/index.ts'
import { encodeEntry, type LogEntry } from '../../core/leaf/index.ts'
import { entriesPath, tilePath } from '../../core/merkle/index.ts'
import { parseCheckpoint, parseNote } from '../../core/note/index.ts'
import { RouteStatusError } from './routes.ts'
import type { AuditCheckpoint, AuditLeaf, AuditRoutes, AuditSource } from './types.ts'

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

  /** The body, or undefined on 404 ("not in the log"); any other failure is a status error. */
  async function get(path: string): Promise<Response | undefined> {
    const res = await doFetch(`${base}${path}`)
    if (res.status === 404) return undefined
    if (!res.ok) throw new RouteStatusError(`${base}${path}`, res.status)
    return res
  }
  const bytes = async (path: string) => {
    const res = await get(path)
    return res === undefined ? undefined : new Uint8Array(await res.arrayBuffer())
  }
  const text = async (path: string) => {
    const res = await get(path)
    if (res === undefined) throw new RouteStatusError(`${base}${path}`, 404)
    return res.text()
  }
  const json = async <T>(path: string) => JSON.parse(await text(path)) as T
  /** A tile or bundle the server fails to serve (not 503: an outage) is as good as absent. */
  const stored = (path: string) =>
    bytes(path).catch((e) => {
      if (e instanceof RouteStatusError && e.status >= 500 && e.status !== 503) return undefined
      throw e
    })
  const chainPage = (before: bigint) =>
    json<ChainPage>(`checkpoints?limit=${CHECKPOINT_PAGE}&before=${before}`)

  /** `/log/entries` for [start, start+count): halves a range the server fails on, to the index. */
  async function served(start: bigint, count: number): Promise<AuditLeaf[]> {
    try {
      const page = await json<EntriesPage>(`entries?start=${start}&limit=${count}`)
      return page.entries.map(fromServed)
    } catch (e) {
      if (!(e instanceof RouteStatusError) || e.status < 500 || e.status === 503) throw e
      if (count === 1) return [{ index: start, entry: new Uint8Array(0), problem: e.message }]
      const half = Math.floor(count / 2)
      const tail = await served(start + BigInt(half), count - half)
      return [...(await served(start, half)), ...tail]
    }
  }

  const routes: AuditRoutes = {
    async *lookupAll() {
      for (const digit of HEX) yield* lookupBuckets(digit)
    },
    inclusion: async (index, size) =>
      proofOf(await json<{ proof: string[] }>(`proof/inclusion?index=${index}&size=${size}`)),
    consistency: async (first, second) =>
      proofOf(await json<{ proof: string[] }>(`proof/consistency?first=${first}&second=${second}`)),
    receipt: (index) => text(`receipt?index=${index}`),
  }
  /** One bucket, or its sixteen longer ones when the log wants a longer prefix. */
  async function* lookupBuckets(prefix: string): AsyncGenerator<LookupPage> {
    const res = await doFetch(`${base}lookup/${prefix}`)
    if (res.status === 400 && prefix.length < 6) {
      const problem = (await res.json().catch(() => ({}))) as { field?: unknown }
      if (problem.field === 'prefix') {
        for (const digit of HEX) yield* lookupBuckets(prefix + digit)
        return
      }
    }
    if (!res.ok) throw new RouteStatusError(`${base}lookup/${prefix}`, res.status)
    const body = (await res.json()) as { matches: { leafHash: string; index: string }[] }
    yield {
      prefix,
      pairs: body.matches.map((m) => ({ index: BigInt(m.index), leafHash: fromHex(m.leafHash) })),
    }
  }

  return {
    key: async () => (await text('key')).trim(),
    routes,
    async head() {
      const note = await text('checkpoint')
      return { size: parseCheckpoint(parseNote(note).text).size, note }
    },
    async entries(start, end) {
      const chunks: { start: bigint; count: number }[] = []
      for (let at = start; at < end; at += 256n)
        chunks.push({ start: at, count: Number(end - at < 256n ? end - at : 256n) })
      return (await mapLimit(chunks, limit, (c) => served(c.start, c.count))).flat()
    },
    tiles: (tiles) => mapLimit(tiles, limit, (t) => stored(tilePath(t))),
    bundles: (bundles) => mapLimit(bundles, limit, (b) => stored(entriesPath(b.index, b.width))),
    async locate(leafHash) {
      const hex = toHex(leafHash)
      const res = await get(`lookup/${hex.slice(0, 6)}`)
      const body = (await res?.json()) as { matches?: { leafHash: string; index: string }[] }
      return (body?.matches ?? []).filter((m) => m.leafHash === hex).map((m) => BigInt(m.index))
    },
    // A row past the signed size shows in /log/entries (or the lookup: `seen`); the log may have
    // grown since the head was read, so only one past the newest checkpoint now is extra.
    async beyond(size, seen) {
      const next = (await served(size, 256))[0]?.index
      const first = next === undefined || (seen !== undefined && seen < next) ? seen : next
      if (first === undefined) return undefined
      const [latest] = (await json<ChainPage>('checkpoints?limit=1')).checkpoints
      return latest === undefined || first >= BigInt(latest.size) ? first : undefined
    },
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

const HEX = '0123456789abcdef'

interface LookupPage {
  prefix: string
  pairs: { index: bigint; leafHash: Uint8Array }[]
}

interface EntriesPage {
  entries: {
    index: string
    leafHash: string
    kind: LogEntry['kind']
    artefactHash: string
    keyId: string
    time: string
  }[]
}

const proofOf = (body: { proof: string[] }) => body.proof.map((h) => fromBase64(h))

/** A served entry, encoded again (the leaf format is canonical, so this is its stored bytes). */
function fromServed(e: EntriesPage['entries'][number]): AuditLeaf {
  const index = BigInt(e.index)
  try {
    const entry = encodeEntry({
      kind: e.kind,
      artefactHash: fromHex(e.artefactHash),
      keyId: e.keyId,
      time: Date.parse(e.time) / 1000,
    })
    return { index, entry, leafHash: fromHex(e.leafHash) }
  } catch (err) {
    const problem = `/log/entries serves no valid entry (${err instanceof Error ? err.message : err})`
    return { index, entry: new Uint8Array(0), problem }
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
