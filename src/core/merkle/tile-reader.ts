/**
 * @module core/merkle/tile-reader
 * A HashReader over tlog-tiles, like Go's tlog.TileHashReader: a node at a tree level that is a
 * multiple of 8 is read from its tile; any other node is the MTH of up to 128 hashes inside one
 * tile. Tile bytes come from an untrusted store or CDN, so lengths are checked, and with a
 * trusted root every tile used is authenticated (partial tiles by the root, full tiles by their
 * parent tile) before any hash leaves this module.
 */
import { equalBytes } from '../codec/index.ts'
import { MerkleError } from './errors.ts'
import { checkHash, checkUint64, MAX_NODE_LEVEL } from './guards.ts'
import { HASH_SIZE } from './hash.ts'
import { checkNode, foldPerfect, foldRightEdge, type HashReader, subtreeNodes } from './nodes.ts'
import { tilePath } from './tile-path.ts'
import { locateNode, TILE_HEIGHT, TILE_WIDTH, type Tile, tileWidthAt } from './tiles.ts'

/**
 * Fetches tiles; must answer in the order asked, each exactly width × 32 bytes. A fetcher that
 * only has a wider version of a tile (tiles only grow) returns its first width × 32 bytes.
 */
export type TileReader = (tiles: Tile[]) => Promise<Uint8Array[]>

interface Slot {
  readonly at: number
  readonly start: number
  readonly count: number
}

/** The tiles one reader call needs, each once, in the order they are added. */
class TilePlan {
  readonly tiles: Tile[] = []
  readonly #at = new Map<string, number>()
  readonly #size: bigint

  constructor(size: bigint) {
    this.#size = size
  }

  position(level: number, index: bigint): number | undefined {
    return this.#at.get(`${level}/${index}`)
  }

  #add(level: number, index: bigint): number {
    const known = this.position(level, index)
    if (known !== undefined) return known
    this.#at.set(`${level}/${index}`, this.tiles.length)
    this.tiles.push({ level, index, width: tileWidthAt(level, index, this.#size) })
    return this.tiles.length - 1
  }

  /** Plans the node's tile; with `chain`, also every ancestor tile up to one already planned. */
  add(node: { level: number; index: bigint }, chain: boolean): Slot {
    const { level, index, start, count } = locateNode(node)
    if (chain) {
      const missing: [number, bigint][] = []
      for (let l = level, n = index; this.position(l, n) === undefined; l++, n >>= 8n) {
        // Unreachable when the tree-hash tiles were planned first: they include the top tile.
        if (l * TILE_HEIGHT > MAX_NODE_LEVEL)
          throw new RangeError('tile chain ran past the top of the tree')
        missing.push([l, n])
      }
      for (const [l, n] of missing.reverse()) this.#add(l, n)
    }
    return { at: this.#add(level, index), start, count }
  }
}

/** The node over tile hashes [start, start + count): read as is, or recomputed in the tile. */
function hashAt(data: Uint8Array[], { at, start, count }: Slot): Uint8Array {
  const bytes = data[at] as Uint8Array
  const hashes = Array.from({ length: count }, (_, i) =>
    bytes.subarray((start + i) * HASH_SIZE, (start + i + 1) * HASH_SIZE),
  )
  return foldPerfect(hashes).slice()
}

async function fetchTiles(readTiles: TileReader, tiles: Tile[]): Promise<Uint8Array[]> {
  const data = await readTiles(tiles)
  if (!Array.isArray(data) || data.length !== tiles.length) {
    throw new MerkleError('MERKLE_READER_RESULT', 'tile reader returned the wrong number of tiles')
  }
  tiles.forEach((tile, i) => {
    const bytes = data[i]
    if (!(bytes instanceof Uint8Array) || bytes.length !== tile.width * HASH_SIZE) {
      const field = tilePath(tile)
      throw new MerkleError('MERKLE_TILE_SIZE', `${field} is not ${tile.width} hashes`, { field })
    }
  })
  return data
}

/** Checks tiles [treeTiles, end) (all full) against the entry their parent tile holds. */
function checkParents(plan: TilePlan, data: Uint8Array[], treeTiles: number): void {
  for (let i = treeTiles; i < plan.tiles.length; i++) {
    const tile = plan.tiles[i] as Tile
    const parent = plan.position(tile.level + 1, tile.index >> 8n)
    if (tile.width !== TILE_WIDTH || parent === undefined) {
      throw new RangeError('tile plan lost a parent tile')
    }
    const expected = hashAt(data, { at: parent, start: Number(tile.index & 255n), count: 1 })
    if (!equalBytes(expected, hashAt(data, { at: i, start: 0, count: TILE_WIDTH }))) {
      const field = tilePath(tile)
      throw new MerkleError('MERKLE_TILE_PARENT_MISMATCH', `${field} does not match its parent`, {
        field,
      })
    }
  }
}

/**
 * A HashReader for the tree of `size` leaves on top of `readTiles` (one call per read). With
 * `root`, the tiles are first checked to recompute it (and full tiles against their parents);
 * without it the hashes are only as good as the tile source, so verify what you build from them.
 */
export function tileHashReader(size: bigint, readTiles: TileReader, root?: Uint8Array): HashReader {
  checkUint64(size, 'size')
  if (root !== undefined) checkHash(root, 'root')
  return async (nodes) => {
    if (nodes.length === 0) return []
    for (const [i, node] of nodes.entries()) checkNode(node, `nodes[${i}]`, size)
    const plan = new TilePlan(size)
    const auth = root !== undefined
    const treeSlots = auth ? subtreeNodes(0n, size).map((n) => plan.add(n, false)) : []
    const treeTiles = plan.tiles.length
    const slots = nodes.map((node) => plan.add(node, auth))
    const data = await fetchTiles(readTiles, plan.tiles)
    if (auth) {
      const computed = foldRightEdge(treeSlots.map((s) => hashAt(data, s)))
      if (!equalBytes(computed, root)) {
        throw new MerkleError('MERKLE_TILE_ROOT_MISMATCH', 'tiles do not give the trusted root', {
          field: 'root',
        })
      }
      checkParents(plan, data, treeTiles)
    }
    return slots.map((s) => hashAt(data, s))
  }
}
