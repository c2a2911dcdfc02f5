/**
 * @module ledger/proofs
 * Proofs served from stored tiles (reference/tlog.md §9.1, option 3): O(log n) tile reads, with a
 * per-call tile cache so many proofs against one tree size share their reads.
 */
import { desc, eq } from 'drizzle-orm'
import type { Tile } from '../core/merkle/index.ts'
import { proveConsistency, proveInclusion, tileHashReader } from '../core/merkle/index.ts'
import { formatTlogProof, parseNote } from '../core/note/index.ts'
import type { Db } from '../db/client.ts'
import { logCheckpoints } from '../db/schema/index.ts'
import { ServiceError } from '../errors.ts'
import { parseVigilCheckpoint } from './checkpoint.ts'
import { readTiles } from './storage.ts'

export interface StoredCheckpoint {
  size: bigint
  note: string
  noteHash: Uint8Array
  createdAt: Date
}

export async function latestCheckpoint(db: Db): Promise<StoredCheckpoint> {
  const [row] = await db.select().from(logCheckpoints).orderBy(desc(logCheckpoints.size)).limit(1)
  if (row === undefined) throw new ServiceError('UNAVAILABLE', 'the log has no checkpoint yet')
  return row
}

export async function checkpointAt(db: Db, size: bigint): Promise<StoredCheckpoint | undefined> {
  const [row] = await db.select().from(logCheckpoints).where(eq(logCheckpoints.size, size))
  return row
}

/** A hash reader over stored tiles for a tree of `size`, caching tiles for its lifetime. */
export function storedHashReader(db: Db, size: bigint) {
  const cache = new Map<string, Promise<Uint8Array>>()
  return tileHashReader(size, async (tiles: Tile[]) => {
    const missing = tiles.filter((t) => !cache.has(`${t.level}/${t.index}/${t.width}`))
    if (missing.length > 0) {
      const read = readTiles(db, missing)
      missing.forEach((t, i) => {
        cache.set(
          `${t.level}/${t.index}/${t.width}`,
          read.then((r) => r[i] as Uint8Array),
        )
      })
    }
    return Promise.all(
      tiles.map((t) => cache.get(`${t.level}/${t.index}/${t.width}`) as Promise<Uint8Array>),
    )
  })
}

function checkSize(size: bigint, current: bigint, field: string): void {
  if (size > current) {
    throw new ServiceError('VALIDATION', `${field} ${size} is beyond the log's size ${current}`, {
      field,
    })
  }
}

export async function inclusionProof(db: Db, index: bigint, size?: bigint) {
  const latest = await latestCheckpoint(db)
  const treeSize = size ?? latest.size
  checkSize(treeSize, latest.size, 'size')
  if (index >= treeSize) {
    throw new ServiceError('VALIDATION', `index ${index} is not below the tree size ${treeSize}`, {
      field: 'index',
    })
  }
  const proof = await proveInclusion(index, treeSize, storedHashReader(db, treeSize))
  return { index, size: treeSize, proof }
}

export async function consistencyProof(db: Db, first: bigint, second?: bigint) {
  const latest = await latestCheckpoint(db)
  const to = second ?? latest.size
  checkSize(to, latest.size, 'second')
  if (first < 1n || first > to) {
    throw new ServiceError('VALIDATION', `first must be between 1 and ${to}`, { field: 'first' })
  }
  const proof = await proveConsistency(first, to, storedHashReader(db, to))
  return { first, second: to, proof }
}

/** tlog-proof receipts for freshly integrated indices, against the latest checkpoint. */
export async function receiptsFor(db: Db, indices: readonly bigint[]) {
  const latest = await latestCheckpoint(db)
  const reader = storedHashReader(db, latest.size)
  const receipts = await Promise.all(
    indices.map(async (index) =>
      formatTlogProof({
        index,
        proof: await proveInclusion(index, latest.size, reader),
        checkpoint: latest.note,
      }),
    ),
  )
  return { checkpoint: latest.note, receipts }
}

/** The parsed text of a stored checkpoint (for summaries). */
export function describeCheckpoint(c: StoredCheckpoint) {
  const parsed = parseVigilCheckpoint(parseNote(c.note).text)
  return {
    origin: parsed.origin,
    size: parsed.size,
    root: parsed.root,
    time: parsed.time,
    prev: parsed.prev,
  }
}
