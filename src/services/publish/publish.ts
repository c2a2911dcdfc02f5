/**
 * @module services/publish/publish
 * Publishes the log's static copy (c2sp.org/tlog-tiles: hash tiles, entry bundles, and the
 * checkpoint as /log/checkpoint serves it, cosignatures included) to an object store.
 *
 * Rules (docs/LEDGER.md "Published copy"):
 * - every object is retried until the store holds it, and read back (its size, or for the
 *   checkpoint its bytes) before it counts as durable;
 * - the checkpoint is written last, only once every tile and bundle it covers is durable, so a
 *   reader of the copy never finds a checkpoint ahead of its tiles;
 * - it resumes from the size of the checkpoint the store holds (that checkpoint is the record of
 *   what is durable), and an object already stored at its size is not written again, so a run
 *   after a crash repairs what is missing and writes nothing twice; `repair` checks from size 0.
 * Tiles and bundles are immutable resources: a partial `.p/W` is the first W items of the row,
 * so what was published never changes (tlog-tiles: partial tiles are never rewritten).
 */
import { and, gte, lte } from 'drizzle-orm'
import { equalBytes, utf8 } from '../../core/codec/index.ts'
import { entriesPath, newTiles, type Tile, tilePath } from '../../core/merkle/index.ts'
import { parseCheckpoint, parseNote } from '../../core/note/index.ts'
import type { Logger, ServiceContext } from '../../platform/context/index.ts'
import { logBundles } from '../../platform/db/index.ts'
import type { ObjectStore } from '../../platform/object-store/index.ts'
import { readTiles, servedCheckpoint } from '../ledger/index.ts'

export const CHECKPOINT_KEY = 'checkpoint'
/** Objects read from the database and written per round (bounded memory for a long catch-up). */
const CHUNK = 512
/** Puts in flight at once. */
const PARALLEL = 16

export interface PublishOptions {
  /** Check every object from size 0, not only those past the stored checkpoint. */
  repair?: boolean
  /** Objects to write again whatever the store holds (an audit named them wrong). */
  rewrite?: ReadonlySet<string>
  /** Tries per object before the run fails (default 6); the next run starts again. */
  attempts?: number
  /** First retry delay in ms, doubled per try (default 100). */
  backoffMs?: number
  logger?: Pick<Logger, 'warn'>
  /**
   * The checkpoint to publish instead of the served one: a frozen shard's final checkpoint
   * (docs/LEDGER.md "Shards"), which its own tables do not hold.
   */
  checkpoint?: { text: string; size: bigint }
}

export interface PublishResult {
  /** The tree size of the checkpoint the store now holds. */
  size: bigint
  /** Where this run started checking. */
  from: bigint
  /** Objects written (tiles, bundles, and the checkpoint if it changed). */
  written: number
  /** Objects found already stored at their size (not written again). */
  present: number
}

/** A run that could not make an object durable; the stored checkpoint was left as it was. */
export class PublishError extends Error {
  readonly code = 'PUBLISH_FAILED'
  readonly key: string
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PublishError'
    this.key = key
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The tree size a checkpoint note names, or undefined when the bytes are not one. */
export function checkpointSize(bytes: Uint8Array): bigint | undefined {
  try {
    return parseCheckpoint(parseNote(new TextDecoder().decode(bytes)).text).size
  } catch {
    return undefined
  }
}

export async function publishLog(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
  store: ObjectStore,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const attempts = options.attempts ?? 6
  const backoff = options.backoffMs ?? 100
  const result = { written: 0, present: 0 }

  async function retried<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await fn()
      } catch (e) {
        if (i >= attempts) {
          const reason = e instanceof Error ? e.message : String(e)
          throw new PublishError(key, `${what} ${key} failed ${i} times: ${reason}`, { cause: e })
        }
        options.logger?.warn('publish: retrying', { key, attempt: i, error: String(e) })
        await sleep(backoff * 2 ** (i - 1))
      }
    }
  }

  /** Stores an immutable object unless it is stored already; durable once its size reads back. */
  async function ensure(key: string, bytes: Uint8Array): Promise<void> {
    const held = options.rewrite?.has(key)
      ? undefined
      : await retried(key, 'head', () => store.head(key))
    if (held?.size === bytes.length) {
      result.present++
      return
    }
    await retried(key, 'put', async () => {
      await store.put(key, bytes, { immutable: true })
      const back = await store.head(key)
      if (back?.size !== bytes.length)
        throw new Error(`read back ${back?.size ?? 'nothing'} bytes, wrote ${bytes.length}`)
    })
    result.written++
  }

  const served = options.checkpoint ?? (await servedCheckpoint(ctx))
  const stored = await retried(CHECKPOINT_KEY, 'get', () => store.get(CHECKPOINT_KEY))
  const storedSize = stored === undefined ? undefined : checkpointSize(stored)
  if (storedSize !== undefined && storedSize > served.size)
    throw new PublishError(
      CHECKPOINT_KEY,
      `the store holds a checkpoint of size ${storedSize}, beyond this log's ${served.size}: another log's copy?`,
    )
  const from = options.repair === true || storedSize === undefined ? 0n : storedSize
  const tiles = newTiles(from, served.size)
  for (let at = 0; at < tiles.length; at += CHUNK) {
    const chunk = tiles.slice(at, at + CHUNK)
    const objects = await readObjects(ctx, chunk)
    await forEachLimit(objects, PARALLEL, (o) => ensure(o.key, o.bytes))
  }
  // Every object the checkpoint covers is durable: now (and only now) the checkpoint.
  const text = utf8(served.text)
  // Another run (an overlapping cron, a second lead) may have published a larger tree meanwhile:
  // never move the copy's checkpoint back. (A narrow window remains between this read and the
  // put; both checkpoints are signed and consistent, so a reader sees an older head, no fork.)
  const now = await retried(CHECKPOINT_KEY, 'get', () => store.get(CHECKPOINT_KEY))
  const nowSize = now === undefined ? undefined : checkpointSize(now)
  if (nowSize !== undefined && nowSize > served.size) return { size: nowSize, from, ...result }
  if (now === undefined || !equalBytes(now, text)) {
    await retried(CHECKPOINT_KEY, 'put', async () => {
      await store.put(CHECKPOINT_KEY, text, { immutable: false })
      const back = await store.get(CHECKPOINT_KEY)
      if (back === undefined || !equalBytes(back, text))
        throw new Error('the checkpoint read back differs from the one written')
    })
    result.written++
  }
  return { size: served.size, from, ...result }
}

/** The tiles' bytes and, for level-0 tiles, their entry bundles at the same width. */
async function readObjects(
  ctx: Pick<ServiceContext, 'db'>,
  tiles: readonly Tile[],
): Promise<{ key: string; bytes: Uint8Array }[]> {
  const hashes = await readTiles(ctx.db, tiles)
  const out = tiles.map((t, i) => ({ key: tilePath(t), bytes: hashes[i] as Uint8Array }))
  const level0 = tiles.filter((t) => t.level === 0)
  if (level0.length === 0) return out
  const first = level0[0] as Tile
  const last = level0[level0.length - 1] as Tile
  const rows = await ctx.db
    .select()
    .from(logBundles)
    .where(and(gte(logBundles.idx, first.index), lte(logBundles.idx, last.index)))
  const byIndex = new Map(rows.map((r) => [r.idx, r]))
  for (const t of level0) {
    const row = byIndex.get(t.index)
    if (row === undefined || row.width < t.width)
      throw new Error(`entry bundle ${t.index} width ${t.width} is not stored`)
    out.push({
      key: entriesPath(t.index, t.width),
      bytes: row.data.slice(0, bundlePrefix(row.data, t.width)),
    })
  }
  return out
}

/** Entries are length-prefixed (uint16): the byte length of the first `width` of them. */
function bundlePrefix(data: Uint8Array, width: number): number {
  let end = 0
  for (let i = 0; i < width; i++)
    end += 2 + (((data[end] as number) << 8) | (data[end + 1] as number))
  return end
}

async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
