/**
 * @module tools/audit/tiles
 * The tiles and entry bundles an audit recomputes as it appends leaves, and how it compares them
 * with stored ones. Only the tile being filled at each level is held (≤ 256 hashes per level), so
 * memory stays flat whatever the log's size.
 */
import { concatBytes, equalBytes } from '../../core/codec/index.ts'
import {
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  HASH_SIZE,
  type StoredHash,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  tilePath,
} from '../../core/merkle/index.ts'
import type { AuditFinding } from './types.ts'

export interface BuiltTile {
  tile: Tile
  bytes: Uint8Array
}

/** Collects stored nodes on tile levels (tree levels 0, 8, 16, …) into tiles. */
export class TileBuilder {
  readonly #levels: { index: bigint; hashes: Uint8Array[] }[] = []

  /** Adds newly completed nodes (in append order); returns the tiles they filled. */
  add(stored: readonly StoredHash[]): BuiltTile[] {
    const full: BuiltTile[] = []
    for (const s of stored) {
      if (s.level % TILE_HEIGHT !== 0) continue
      const level = s.level / TILE_HEIGHT
      let current = this.#levels[level]
      if (current === undefined || current.hashes.length === 0) {
        current = { index: s.index >> 8n, hashes: [] }
        this.#levels[level] = current
      }
      current.hashes.push(s.hash)
      if (current.hashes.length === TILE_WIDTH) {
        full.push(built(level, current.index, current.hashes))
        current.hashes = []
      }
    }
    return full
  }

  /** The partial tiles at the end of the tree (the right edge of each level). */
  partial(): BuiltTile[] {
    return this.#levels.flatMap((c, level) =>
      c.hashes.length > 0 ? [built(level, c.index, c.hashes)] : [],
    )
  }
}

function built(level: number, index: bigint, hashes: Uint8Array[]): BuiltTile {
  return { tile: { level, index, width: hashes.length }, bytes: concatBytes(...hashes) }
}

/** Compares a recomputed tile with the stored one; level-0 differences name the leaf index. */
export function compareTile(
  t: BuiltTile,
  stored: Uint8Array | undefined,
): AuditFinding | undefined {
  if (stored !== undefined && equalBytes(stored, t.bytes)) return undefined
  const path = tilePath(t.tile)
  const base = { code: 'AUDIT_TILE_MISMATCH' as const, at: path, path }
  if (stored === undefined) return { ...base, message: 'the tile is not stored' }
  if (stored.length !== t.bytes.length) {
    return { ...base, message: `stored ${stored.length} bytes, want ${t.bytes.length}` }
  }
  let k = 0
  while (equalBytes(slot(stored, k), slot(t.bytes, k))) k++
  const message = `hash ${k} differs from the one recomputed from the entries`
  if (t.tile.level !== 0) return { ...base, message }
  return { ...base, message, index: (t.tile.index << 8n) + BigInt(k) }
}

const slot = (bytes: Uint8Array, k: number) => bytes.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE)

/** Compares the entries of one bundle with the stored bundle, naming the first entry that differs. */
export function compareBundle(
  index: bigint,
  entries: readonly Uint8Array[],
  stored: Uint8Array | undefined,
): AuditFinding | undefined {
  const expected = encodeEntryBundle(entries)
  if (stored !== undefined && equalBytes(stored, expected)) return undefined
  const path = entriesPath(index, entries.length)
  const base = { code: 'AUDIT_BUNDLE_MISMATCH' as const, at: path, path }
  if (stored === undefined) return { ...base, message: 'the bundle is not stored' }
  let decoded: Uint8Array[]
  try {
    decoded = decodeEntryBundle(stored)
  } catch {
    return { ...base, message: 'the stored bundle does not decode' }
  }
  const k = entries.findIndex((e, i) => !equalBytes(e, decoded[i] ?? new Uint8Array(0)))
  if (k < 0) return { ...base, message: `stored ${decoded.length} entries, want ${entries.length}` }
  return { ...base, index: (index << 8n) + BigInt(k), message: `entry ${k} differs from the log` }
}
