/**
 * @module services/ledger/storage
 * Reading and growing tiles and entry bundles. A stored row holds the widest version of a tile;
 * the `.p/W` resource is its first W items, which never change once written.
 */
import { and, eq, sql } from 'drizzle-orm'
import { concatBytes } from '../../core/codec/index.ts'
import {
  hashChildren,
  parseEntriesPath,
  parseTilePath,
  type StoredHash,
  type Tile,
} from '../../core/merkle/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { type Db, logBundles, logPending, logTiles, rowsOf } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { bundleKey, etagOf, type Immutable, immutableCache, partialKey, tileKey } from './memory.ts'

const HASH = 32
type Tx = Pick<Db, 'select' | 'insert' | 'execute'>

const key = (level: number, idx: bigint) => `${level}/${idx}`

/**
 * Stored node hashes (perfect subtrees) never change once complete, so one cache per database
 * serves every tree size. The sequencer seeds it with the nodes each committed step produced
 * (`rememberNodes`), so a fresh receipt rarely reads a tile or hashes; other nodes are read from
 * tiles and computed once. Two generations: when the young one fills, it becomes the old one and
 * the previous old one is dropped (O(1), unlike evicting from the front of a Map).
 */
const NODE_GENERATION = 1 << 16

/** A cache in two generations: when the young one fills, it becomes the old one (O(1)). */
class Generations<T> {
  readonly #max: number
  #young = new Map<string, T>()
  #old = new Map<string, T>()

  constructor(max: number) {
    this.#max = max
  }

  get(key: string): T | undefined {
    const young = this.#young.get(key)
    if (young !== undefined) return young
    const old = this.#old.get(key)
    if (old !== undefined) this.set(key, old)
    return old
  }

  set(key: string, value: T): void {
    if (this.#young.size >= this.#max) {
      this.#old = this.#young
      this.#young = new Map()
    }
    this.#young.set(key, value)
  }
}

const nodeCaches = new WeakMap<Db, Generations<Uint8Array>>()

export function nodeCache(db: Db): Generations<Uint8Array> {
  let cache = nodeCaches.get(db)
  if (cache === undefined) {
    cache = new Generations(NODE_GENERATION)
    nodeCaches.set(db, cache)
  }
  return cache
}

export const nodeKey = (level: number, index: bigint) => `${level}/${index}`

/** Drops the stored nodes held for `db` (its stored log was rewritten). */
export function forgetNodes(db: Db): void {
  nodeCaches.delete(db)
}

/** Records stored nodes of a committed integration step (call only after COMMIT). */
export function rememberNodes(db: Db, stored: readonly StoredHash[]): void {
  const cache = nodeCache(db)
  // Only the newest generation's worth would survive anyway.
  for (const s of stored.slice(-NODE_GENERATION)) cache.set(nodeKey(s.level, s.index), s.hash)
}

/** Offset, in hashes, of in-tile depth `depth` (1..7) in computeTileInternals' output. */
export const internalsOffset = (depth: number) => 256 - (512 >> depth)

/** The hashes of every in-tile node of a full tile (256 hashes), depth by depth, left to right. */
export function computeTileInternals(tile: Uint8Array): Uint8Array {
  if (tile.length !== 256 * HASH) throw new Error('not a full tile')
  const out = new Uint8Array(254 * HASH)
  let below = tile
  let at = 0
  for (let count = 128; count >= 2; count >>= 1) {
    const start = at
    for (let j = 0; j < count; j++) {
      const left = below.subarray(2 * j * HASH, (2 * j + 1) * HASH)
      const right = below.subarray((2 * j + 1) * HASH, (2 * j + 2) * HASH)
      out.set(hashChildren(left, right), at)
      at += HASH
    }
    below = out.subarray(start, at)
  }
  return out
}

/** concatBytes for any number of parts (no spread into call arguments). */
function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** The most a signed 64-bit id can be: no bound on the entries waiting. */
const UNBOUNDED = (1n << 63n) - 1n

/**
 * Inserts entries into log_pending in one statement with two parameters (the entries back to back
 * and their lengths), not a bind parameter per row, and returns their ids in the order given. Ids
 * come from the identity sequence as rows are inserted, in `ordinality` order, so ascending ids
 * are the entries' order (other sessions' ids may fall in between, never out of order).
 *
 * Back-pressure: with `maxPending`, the same statement first reads how many entries are waiting
 * and inserts nothing when `maxPending` or more are, throwing LEDGER_BUSY (as Tessera's
 * ErrPushback). The count is max(id) − min(id) + 1 over log_pending: two index probes, no scan,
 * and never below the true count (ids skipped by rolled-back inserts only make it larger).
 */
export async function insertPending(
  db: Tx,
  entries: readonly Uint8Array[],
  maxPending?: number,
): Promise<bigint[]> {
  if (entries.length === 0) return []
  const lengths = `{${entries.map((e) => e.length).join(',')}}`
  const bound = maxPending === undefined ? UNBOUNDED : BigInt(maxPending)
  const [row] = rowsOf<{ count: unknown; ids: unknown; waiting: unknown }>(
    await db.execute(sql`
      with waiting as (
        select coalesce(max(${logPending.id}) - min(${logPending.id}) + 1, 0) as n
        from ${logPending}
      ), inserted as (
        insert into ${logPending} (entry)
        select substring(${joinBytes(entries)}::bytea from e.start for e.len)
        from (
          select len, n, (sum(len) over (order by n) - len + 1)::int4 as start
          from unnest(${lengths}::int4[]) with ordinality as l(len, n)
        ) e
        where (select n from waiting) < ${String(bound)}::int8
        order by e.n
        returning id
      )
      select count(*)::int4 as count, string_agg(id::text, ',' order by id) as ids,
        (select n from waiting)::text as waiting
      from inserted`),
  )
  const waiting = BigInt(String(row?.waiting ?? '0'))
  if (waiting >= bound) {
    throw new ServiceError(
      'LEDGER_BUSY',
      `${waiting} entries are waiting for the ledger (at most ${bound}): try again shortly`,
      { retryAfter: 1 },
    )
  }
  const ids = String(row?.ids ?? '').split(',')
  if (Number(row?.count) !== entries.length || ids.length !== entries.length) {
    throw new Error('log_pending insert lost rows')
  }
  return ids.map((id) => BigInt(id))
}

/** Reads tiles for a tile hash reader; a tile stored narrower than asked for is an error. */
export async function readTiles(db: Tx, tiles: readonly Tile[]): Promise<Uint8Array[]> {
  if (tiles.length === 0) return []
  // Two array parameters, not a row constructor per tile: PGlite (0.5) returns no rows for long
  // `(a, b) in ((…), …)` lists, and Postgres caps bind parameters.
  const levels = `{${tiles.map((t) => t.level).join(',')}}`
  const indices = `{${tiles.map((t) => t.index).join(',')}}`
  const rows = await db
    .select()
    .from(logTiles)
    .where(
      sql`(${logTiles.level}, ${logTiles.idx}) in (
        select * from unnest(${levels}::int2[], ${indices}::int8[]))`,
    )
  const byKey = new Map(rows.map((r) => [key(r.level, r.idx), r]))
  return tiles.map((t) => {
    const row = byKey.get(key(t.level, t.index))
    if (row === undefined || row.width < t.width) {
      throw new Error(`tile ${t.level}/${t.index} width ${t.width} is not stored`)
    }
    return row.hashes.subarray(0, t.width * HASH)
  })
}

/** A tile or bundle resource as served: its bytes and a strong ETag. */
export interface TileBytes {
  bytes: Uint8Array
  etag: string
}

/**
 * The full hash tile `level/index` from memory or the database (cached once read: a full tile is
 * final), or undefined while the tile is not full.
 */
export async function fullTile(
  db: Db,
  level: number,
  index: bigint,
): Promise<Immutable | undefined> {
  const cache = immutableCache(db)
  const k = tileKey(level, index)
  const hit = cache.get(k)
  if (hit !== undefined) return hit
  const [row] = await db
    .select({ width: logTiles.width, hashes: logTiles.hashes })
    .from(logTiles)
    .where(and(eq(logTiles.level, level), eq(logTiles.idx, index)))
  if (row === undefined || row.width < 256) return undefined
  return rememberFullTile(db, level, index, row.hashes)
}

/** Keeps a full tile's bytes (read or written by this process) in the immutable cache. */
export function rememberFullTile(db: Db, level: number, index: bigint, hashes: Uint8Array) {
  // Its own copy: a driver's buffer may be a view into a larger one it reuses or keeps alive.
  const bytes = hashes.slice(0, 256 * HASH)
  const value: Immutable = { bytes, etag: etagOf(bytes) }
  immutableCache(db).set(tileKey(level, index), value, bytes.length + 254 * HASH)
  return value
}

/**
 * Keeps a full tile or full entry bundle read from the published copy in the immutable cache, as
 * one read from the database would be, so the hot reads answer it from memory next time.
 */
export function rememberPublished(db: Db, path: string, bytes: Uint8Array): void {
  if (path.includes('.p/')) return
  if (path.startsWith('tile/entries/')) {
    const kept = bytes.slice()
    immutableCache(db).set(
      bundleKey(parseEntriesPath(path).index),
      { bytes: kept, etag: etagOf(kept) },
      kept.length,
    )
    return
  }
  const tile = parseTilePath(path)
  if (bytes.length === 256 * HASH) rememberFullTile(db, tile.level, tile.index, bytes)
}

/** One tile resource (c2sp.org/tlog-tiles), or undefined when that width does not exist (yet). */
export async function readTile(
  ctx: Pick<ServiceContext, 'db'>,
  { level, index, width }: Tile,
): Promise<TileBytes | undefined> {
  const cache = immutableCache(ctx.db)
  const full = cache.get(tileKey(level, index))
  if (full !== undefined) return width === 256 ? full : partOf(full.bytes, width * HASH)
  const [row] = await ctx.db
    .select({ width: logTiles.width, hashes: logTiles.hashes })
    .from(logTiles)
    .where(and(eq(logTiles.level, level), eq(logTiles.idx, index)))
  if (row === undefined || row.width < width) return undefined
  if (row.width === 256) {
    const kept = rememberFullTile(ctx.db, level, index, row.hashes)
    return width === 256 ? kept : partOf(kept.bytes, width * HASH)
  }
  return partOf(row.hashes, width * HASH)
}

/** Keeps the widest prefix read of a partial tile (see heldPartialTile); returns `width` of it. */
export function rememberPartialTile(
  db: Db,
  level: number,
  index: bigint,
  hashes: Uint8Array,
  width: number,
): Uint8Array {
  const cache = immutableCache(db)
  const k = partialKey(level, index)
  const held = cache.get(k)
  if (held === undefined || held.bytes.length < hashes.length) {
    const bytes = hashes.slice()
    cache.set(k, { bytes, etag: '' }, bytes.length)
  }
  return hashes.subarray(0, width * HASH)
}

function partOf(bytes: Uint8Array, length: number): TileBytes {
  const part = bytes.subarray(0, length)
  return { bytes: part, etag: etagOf(part) }
}

/** One entry bundle (c2sp.org/tlog-tiles `tile/entries/N`), or undefined when not (yet) there. */
export async function readBundle(
  ctx: Pick<ServiceContext, 'db'>,
  { index, width }: { index: bigint; width: number },
): Promise<TileBytes | undefined> {
  const cache = immutableCache(ctx.db)
  const k = bundleKey(index)
  const full = cache.get(k)
  if (full !== undefined)
    return width === 256 ? full : partOf(full.bytes, bundlePrefix(full.bytes, width))
  const [row] = await ctx.db.select().from(logBundles).where(eq(logBundles.idx, index))
  if (row === undefined || row.width < width) return undefined
  if (row.width === 256) {
    const bytes = row.data.slice()
    const kept: Immutable = { bytes, etag: etagOf(bytes) }
    cache.set(k, kept, bytes.length)
    if (width === 256) return kept
  }
  return partOf(row.data, bundlePrefix(row.data, width))
}

/** Entries are length-prefixed: the length of the first `width` of them. */
function bundlePrefix(data: Uint8Array, width: number): number {
  let end = 0
  for (let i = 0; i < width; i++)
    end += 2 + (((data[end] as number) << 8) | (data[end + 1] as number))
  return end
}

/**
 * Appends the stored hashes that land on tile levels (tree levels 0, 8, 16, …) to their tiles in
 * one upsert that concatenates in the database (no read of the old bytes). Each tile must grow
 * from exactly the width the new hashes start at: the returned widths prove it, and a mismatch
 * throws, rolling the step back.
 */
export async function growTiles(tx: Tx, stored: readonly StoredHash[]): Promise<void> {
  const groups = new Map<
    string,
    { level: number; idx: bigint; first: number; hashes: Uint8Array[] }
  >()
  for (const s of stored) {
    if (s.level % 8 !== 0) continue
    const level = s.level / 8
    const idx = s.index >> 8n
    const k = key(level, idx)
    let g = groups.get(k)
    if (g === undefined) {
      g = { level, idx, first: Number(s.index & 255n), hashes: [] }
      groups.set(k, g)
    }
    g.hashes.push(s.hash)
  }
  if (groups.size === 0) return
  const rows = [...groups.values()].map((g) => ({
    level: g.level,
    idx: g.idx,
    width: g.hashes.length,
    hashes: concatBytes(...g.hashes),
  }))
  const grown = await tx
    .insert(logTiles)
    .values(rows)
    .onConflictDoUpdate({
      target: [logTiles.level, logTiles.idx],
      set: {
        width: sql`${logTiles.width} + excluded.width`,
        hashes: sql`${logTiles.hashes} || excluded.hashes`,
      },
    })
    .returning({ level: logTiles.level, idx: logTiles.idx, width: logTiles.width })
  const widths = new Map(grown.map((r) => [key(r.level, r.idx), r.width]))
  for (const [k, g] of groups) {
    const width = widths.get(k) ?? 0
    if (width !== g.first + g.hashes.length) {
      throw new Error(
        `tile ${g.level}/${g.idx} has width ${width - g.hashes.length}, appending at ${g.first}`,
      )
    }
  }
}

/** Appends entries (starting at index `from`) to their entry bundles, as growTiles does. */
export async function growBundles(
  tx: Tx,
  from: bigint,
  entries: readonly Uint8Array[],
): Promise<void> {
  const parts: Uint8Array[] = []
  for (const entry of entries)
    parts.push(new Uint8Array([entry.length >> 8, entry.length & 0xff]), entry)
  await growBundleStream(tx, from, joinBytes(parts), entries.length)
}

/**
 * growBundles over `count` entries already in bundle form (each a big-endian u16 length and the
 * bytes, back to back): cut at bundle boundaries and appended in one upsert.
 */
export async function growBundleStream(
  tx: Tx,
  from: bigint,
  stream: Uint8Array,
  count: number,
): Promise<void> {
  if (count === 0) return
  const rows: { idx: bigint; width: number; data: Uint8Array; first: number }[] = []
  let at = 0
  let index = from
  let left = count
  while (left > 0) {
    const first = Number(index & 255n)
    const width = Math.min(256 - first, left)
    const start = at
    for (let i = 0; i < width; i++) {
      if (at + 2 > stream.length) throw new Error('entry stream is truncated')
      at += 2 + (((stream[at] as number) << 8) | (stream[at + 1] as number))
    }
    if (at > stream.length) throw new Error('entry stream is truncated')
    rows.push({ idx: index >> 8n, width, data: stream.subarray(start, at), first })
    index += BigInt(width)
    left -= width
  }
  if (at !== stream.length) throw new Error('entry stream has trailing bytes')
  const grown = await tx
    .insert(logBundles)
    .values(rows.map(({ idx, width, data }) => ({ idx, width, data })))
    .onConflictDoUpdate({
      target: logBundles.idx,
      set: {
        width: sql`${logBundles.width} + excluded.width`,
        data: sql`${logBundles.data} || excluded.data`,
      },
    })
    .returning({ idx: logBundles.idx, width: logBundles.width })
  const widths = new Map(grown.map((r) => [r.idx, r.width]))
  for (const r of rows) {
    const width = widths.get(r.idx) ?? 0
    if (width !== r.first + r.width) {
      throw new Error(`bundle ${r.idx} has width ${width - r.width}, appending at ${r.first}`)
    }
  }
}
