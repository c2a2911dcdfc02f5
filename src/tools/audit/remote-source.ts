/**
 * @module tools/audit/remote-source
 * The audit source over a Vigil log's public HTTP API, as any monitor or verifier sees it
 * (core/log-client): the checkpoint and its chain, the tlog-tiles hash tiles and entry bundles,
 * and the routes served from the entry rows — `/log/entries` (each leaf's entry and leaf hash)
 * and the k-anonymous `/log/lookup` — plus the proofs and receipts, so whatever a client could be
 * misled by is held to the tiles. `fetch` is injected (tests pass the app's own request handler).
 */

import type { LogEntryView } from '../../core/api-types/index.ts'
import { fromBase64, fromHex, toHex } from '../../core/codec/index.ts'
import { encodeEntry, type LogEntry } from '../../core/leaf/index.ts'
import {
  createLogClient,
  type LogClient,
  LogClientError,
  type LogFetch,
} from '../../core/log-client/index.ts'
import { formatSignatureLine, parseCheckpoint, parseNote } from '../../core/note/index.ts'
import type { AuditCheckpoint, AuditLeaf, AuditRoutes, AuditSource } from './types.ts'

export interface RemoteSourceOptions {
  /** The service's base URL (the log is under `<url>/log/`). */
  url: string
  fetch?: LogFetch
  /** Requests in flight at once (default 8). */
  concurrency?: number
  /** The log's path under `url` (default `log`; `log/<id>` for shard id, docs/LEDGER.md "Shards"). */
  prefix?: string
}

export type RemoteSource = AuditSource & {
  routes: AuditRoutes
  key(): Promise<string>
  /** The client every read goes through (the monitor asks it for consistency proofs). */
  log: LogClient
}

const CHECKPOINT_PAGE = 500
const ENTRIES_PAGE = 256

/** A 5xx other than 503 (an outage, to retry later) is the log failing to serve what it holds. */
const failedToServe = (e: unknown): e is LogClientError =>
  e instanceof LogClientError && e.status !== undefined && e.status >= 500 && e.status !== 503

/** A tile or bundle not found, or that the server fails to serve, is as good as absent. */
async function stored(read: Promise<Uint8Array>): Promise<Uint8Array | undefined> {
  try {
    return await read
  } catch (e) {
    if ((e instanceof LogClientError && e.status === 404) || failedToServe(e)) return undefined
    throw e
  }
}

export function remoteSource(options: RemoteSourceOptions): RemoteSource {
  const log = createLogClient(
    options.url,
    options.fetch ?? ((url: string) => fetch(url)),
    options.prefix,
  )
  const limit = options.concurrency ?? 8
  const chainPage = (before: bigint) => log.checkpoints({ before, limit: CHECKPOINT_PAGE })

  /** `/log/entries` for [start, start+count): halves a range the server fails on, to the index. */
  async function served(start: bigint, count: number): Promise<AuditLeaf[]> {
    try {
      return (await log.entries(start, count)).map(fromServed)
    } catch (e) {
      if (!failedToServe(e)) throw e
      if (count === 1) return [{ index: start, entry: new Uint8Array(0), problem: e.message }]
      const half = Math.floor(count / 2)
      const tail = await served(start + BigInt(half), count - half)
      return [...(await served(start, half)), ...tail]
    }
  }

  /** One bucket, or its sixteen longer ones when the log wants a longer prefix. */
  async function* lookupBuckets(prefix: string): AsyncGenerator<LookupPage> {
    const answer = await log.lookup(prefix)
    if (answer === 'too-many') {
      for (const digit of HEX) yield* lookupBuckets(prefix + digit)
      return
    }
    yield {
      prefix,
      pairs: answer.matches.map((m) => ({ index: BigInt(m.index), leafHash: fromHex(m.leafHash) })),
    }
  }

  const routes: AuditRoutes = {
    async *lookupAll() {
      for (const digit of HEX) yield* lookupBuckets(digit)
    },
    inclusion: (index, size) => log.inclusionProof(index, size),
    consistency: (first, second) => log.consistencyProof(first, second),
    receipt: (index) => log.receipt(index),
  }

  return {
    log,
    key: () => log.key(),
    routes,
    async head() {
      // As the log signed it: the chain stores checkpoints without the witnesses' cosignature
      // lines, which the served one carries once witnesses answered.
      const parsed = parseNote(await log.checkpoint())
      const { size, origin } = parseCheckpoint(parsed.text)
      const own = parsed.signatures.filter((sig) => sig.name === origin)
      return { size, note: `${parsed.text}\n${own.map(formatSignatureLine).join('')}` }
    },
    async entries(start, end) {
      const chunks: { start: bigint; count: number }[] = []
      for (let at = start; at < end; at += BigInt(ENTRIES_PAGE)) {
        const left = end - at
        chunks.push({ start: at, count: left < ENTRIES_PAGE ? Number(left) : ENTRIES_PAGE })
      }
      return (await mapLimit(chunks, limit, (c) => served(c.start, c.count))).flat()
    },
    tiles: (tiles) => mapLimit(tiles, limit, (t) => stored(log.tileBytes(t))),
    bundles: (bundles) =>
      mapLimit(bundles, limit, (b) => stored(log.entryBundle(b.index, b.width))),
    async locate(leafHash) {
      const hex = toHex(leafHash)
      const answer = await log.lookup(hex.slice(0, 6))
      const matches = answer === 'too-many' ? [] : answer.matches
      return matches.filter((m) => m.leafHash === hex).map((m) => BigInt(m.index))
    },
    // A row past the signed size shows in /log/entries (or the lookup: `seen`); the log may have
    // grown since the head was read, so only one past the newest checkpoint now is extra.
    async beyond(size, seen) {
      const next = (await served(size, ENTRIES_PAGE))[0]?.index
      const first = next === undefined || (seen !== undefined && seen < next) ? seen : next
      if (first === undefined) return undefined
      const [latest] = (await log.checkpoints({ limit: 1 })).checkpoints
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

/** A served entry, encoded again (the leaf format is canonical, so this is its stored bytes). */
function fromServed(e: LogEntryView): AuditLeaf {
  const index = BigInt(e.index)
  try {
    const entry = encodeEntry({
      kind: e.kind as LogEntry['kind'],
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
