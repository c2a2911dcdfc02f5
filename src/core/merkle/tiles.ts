/**
 * @module core/merkle/tiles
 * tlog-tiles geometry (c2sp.org/tlog-tiles, height 8). Tile (L, N) holds the stored nodes at tree
 * level 8L with indices N·256 … N·256 + W − 1; a node at a level between multiples of 8 is the
 * MTH of a run of hashes inside one tile. Partial tiles (W < 256) are never hashed upwards.
 */
import { MerkleError } from './errors.ts'
import { checkUint64, MAX_NODE_LEVEL } from './guards.ts'
import { checkNode, type TreeNode } from './nodes.ts'

export const TILE_HEIGHT = 8
/** Hashes in a full tile (2^TILE_HEIGHT); also the number of entries in a full bundle. */
export const TILE_WIDTH = 256

export interface Tile {
  readonly level: number
  readonly index: bigint
  /** 1..256; 256 is a full tile. */
  readonly width: number
}

/** Where a stored node lives: the tile, and the run [start, start + count) it is the MTH of. */
export interface TileSlot {
  readonly level: number
  readonly index: bigint
  readonly start: number
  /** 2^(node level − 8L): 1 when the node is stored in the tile as is. */
  readonly count: number
}

/** Tile levels a path may name (tree nodes only reach tile level 7; paths are format-only). */
export const MAX_TILE_LEVEL = MAX_NODE_LEVEL

export function checkTile(tile: Tile, field = 'tile'): void {
  checkUint64(tile.index, `${field}.index`)
  const { level, width } = tile
  const ok =
    Number.isInteger(level) &&
    level >= 0 &&
    level <= MAX_TILE_LEVEL &&
    Number.isInteger(width) &&
    width >= 1 &&
    width <= TILE_WIDTH
  if (!ok)
    throw new MerkleError('MERKLE_TILE_INVALID', `${field} has a bad level or width`, { field })
}

/** The tile holding (or holding the bottom hashes of) a stored node. */
export function locateNode(node: TreeNode): TileSlot {
  checkNode(node, 'node')
  const level = Math.floor(node.level / TILE_HEIGHT)
  const depth = node.level - TILE_HEIGHT * level
  const first = node.index << BigInt(depth)
  return { level, index: first >> 8n, start: Number(first & 255n), count: 1 << depth }
}

/** Width of tile (level, index) in a tree of `size` leaves; 0 when the tile does not exist. */
export function tileWidthAt(level: number, index: bigint, size: bigint): number {
  const hashes = size >> BigInt(TILE_HEIGHT * level)
  const start = index << 8n
  if (hashes <= start) return 0
  return hashes - start >= 256n ? TILE_WIDTH : Number(hashes - start)
}

/**
 * Tiles that exist at size `to` but not (at that width) at size `from`: what a sequencer must
 * write after growing the tree (Go's tlog.NewTiles). Full tiles first, then the partial one,
 * level by level.
 */
export function newTiles(from: bigint, to: bigint): Tile[] {
  checkUint64(from, 'from')
  checkUint64(to, 'to')
  if (from > to) throw new MerkleError('MERKLE_SIZE_ORDER', 'from is above to', { field: 'from' })
  const tiles: Tile[] = []
  for (let level = 0; to >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
    const oldN = from >> BigInt(TILE_HEIGHT * level)
    const newN = to >> BigInt(TILE_HEIGHT * level)
    if (oldN === newN) continue
    for (let n = oldN >> 8n; n < newN >> 8n; n++) tiles.push({ level, index: n, width: TILE_WIDTH })
    const width = Number(newN & 255n)
    if (width > 0) tiles.push({ level, index: newN >> 8n, width })
  }
  return tiles
}

/** Every tile of a tree of `size` leaves (there are about size / 255 of them). */
export function tilesForSize(size: bigint): Tile[] {
  return newTiles(0n, size)
}

/** The stored nodes a tile is made of, in order: its bytes are their hashes concatenated. */
export function tileNodes(tile: Tile): TreeNode[] {
  checkTile(tile)
  const level = TILE_HEIGHT * tile.level
  const first = tile.index << 8n
  return Array.from({ length: tile.width }, (_, i) => ({ level, index: first + BigInt(i) }))
}

/** The entry bundle holding leaf `index` in a tree of `size` leaves, with its width there. */
export function entryBundleFor(index: bigint, size: bigint): { index: bigint; width: number } {
  checkUint64(index, 'index')
  checkUint64(size, 'size')
  if (index >= size) {
    throw new MerkleError('MERKLE_INDEX_OUT_OF_RANGE', 'index must be below size', {
      field: 'index',
    })
  }
  const bundle = index >> 8n
  return { index: bundle, width: tileWidthAt(0, bundle, size) }
}
