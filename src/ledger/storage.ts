/**
 * @module ledger/storage
 * Reading and growing tiles and entry bundles. A stored row holds the widest version of a tile;
 * the `.p/W` resource is its first W items, which never change once written.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import { concatBytes } from '../core/codec/bytes.ts'
import type { StoredHash, Tile } from '../core/merkle/index.ts'
import type { Db } from '../db/client.ts'
import { logBundles, logTiles } from '../db/schema/index.ts'

const HASH = 32
type Tx = Pick<Db, 'select' | 'insert' | 'execute'>

const key = (level: number, idx: bigint) => `${level}/${idx}`

/** Reads tiles for a tile hash reader; a tile stored narrower than asked for is an error. */
export async function readTiles(db: Tx, tiles: readonly Tile[]): Promise<Uint8Array[]> {
  if (tiles.length === 0) return []
  const rows = await db
    .select()
    .from(logTiles)
    .where(
      sql`(${logTiles.level}, ${logTiles.idx}) in (${sql.join(
        tiles.map((t) => sql`(${t.level}, ${t.index})`),
        sql`, `,
      )})`,
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

/** One tile resource, or undefined when that width does not exist (yet). */
export async function readTile(
  db: Tx,
  level: number,
  index: bigint,
  width: number,
): Promise<Uint8Array | undefined> {
  const [row] = await db
    .select()
    .from(logTiles)
    .where(and(eq(logTiles.level, level), eq(logTiles.idx, index)))
  if (row === undefined || row.width < width) return undefined
  return row.hashes.subarray(0, width * HASH)
}

export async function readBundle(
  db: Tx,
  index: bigint,
  width: number,
): Promise<Uint8Array | undefined> {
  const [row] = await db.select().from(logBundles).where(eq(logBundles.idx, index))
  if (row === undefined || row.width < width) return undefined
  // Entries are length-prefixed: walk `width` of them to find the prefix's end.
  let end = 0
  for (let i = 0; i < width; i++)
    end += 2 + (((row.data[end] as number) << 8) | (row.data[end + 1] as number))
  return row.data.subarray(0, end)
}

/**
 * Appends the stored hashes that land on tile levels (tree levels 0, 8, 16, …) to their tiles:
 * one read of the touched rows, one upsert.
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
  const existing = await tx
    .select()
    .from(logTiles)
    .where(
      sql`(${logTiles.level}, ${logTiles.idx}) in (${sql.join(
        [...groups.values()].map((g) => sql`(${g.level}, ${g.idx})`),
        sql`, `,
      )})`,
    )
  const have = new Map(existing.map((r) => [key(r.level, r.idx), r]))
  const rows = [...groups.values()].map((g) => {
    const old = have.get(key(g.level, g.idx))
    const oldWidth = old?.width ?? 0
    if (oldWidth !== g.first)
      throw new Error(`tile ${g.level}/${g.idx} has width ${oldWidth}, appending at ${g.first}`)
    const hashes = concatBytes(old?.hashes ?? new Uint8Array(0), ...g.hashes)
    return { level: g.level, idx: g.idx, width: oldWidth + g.hashes.length, hashes }
  })
  await tx
    .insert(logTiles)
    .values(rows)
    .onConflictDoUpdate({
      target: [logTiles.level, logTiles.idx],
      set: { width: sql`excluded.width`, hashes: sql`excluded.hashes` },
    })
}

/** Appends entries (starting at index `from`) to their entry bundles. */
export async function growBundles(
  tx: Tx,
  from: bigint,
  entries: readonly Uint8Array[],
): Promise<void> {
  const groups = new Map<bigint, { first: number; parts: Uint8Array[] }>()
  entries.forEach((entry, i) => {
    const index = from + BigInt(i)
    const idx = index >> 8n
    let g = groups.get(idx)
    if (g === undefined) {
      g = { first: Number(index & 255n), parts: [] }
      groups.set(idx, g)
    }
    g.parts.push(new Uint8Array([entry.length >> 8, entry.length & 0xff]), entry)
  })
  const existing = await tx
    .select()
    .from(logBundles)
    .where(inArray(logBundles.idx, [...groups.keys()]))
  const have = new Map(existing.map((r) => [r.idx, r]))
  const rows = [...groups.entries()].map(([idx, g]) => {
    const old = have.get(idx)
    if ((old?.width ?? 0) !== g.first)
      throw new Error(`bundle ${idx} has width ${old?.width ?? 0}, appending at ${g.first}`)
    return {
      idx,
      width: g.first + g.parts.length / 2,
      data: concatBytes(old?.data ?? new Uint8Array(0), ...g.parts),
    }
  })
  await tx
    .insert(logBundles)
    .values(rows)
    .onConflictDoUpdate({
      target: logBundles.idx,
      set: { width: sql`excluded.width`, data: sql`excluded.data` },
    })
}
