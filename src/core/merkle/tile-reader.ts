/**
 * @module core/merkle/tile-reader
 * A HashReader over tlog-tiles, like Go's tlog.TileHashReader: a node at a tree level that is a
 * multiple of 8 is read from its tile; any other node is the MTH of up to 128 hashes inside one
 * tile. Tile bytes come from an untrusted store or CDN, so lengths are checked, and with a
 * trusted root every tile used is authenticated (partial tiles by the root, full tiles by their
 * parent tile) before any hash leaves this module.
 */
import { equalBytes, toHex } from '../codec/index.ts'
import { MerkleError } from './errors.ts'
import { checkHash, checkUint64, MAX_NODE_LEVEL } from './guards.ts'
import { HASH_SIZE, hashChildren } from './hash.ts'
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

/**
 * Tiles already authenticated against a trusted root, kept across readers (a verifier checks
 * many cards against one checkpoint): they are neither fetched nor checked again, and a full
 * tile's in-tile nodes are computed once for every proof through it. Keyed by tree (size and
 * root), so a tile is only ever trusted for the tree it was checked against.
 */
export interface TileTrust {
  readonly trees: Map<string, TrustedTree>
}

interface TrustedTree {
  readonly tiles: Map<string, TrustedTile>
  /** The tree-hash tiles recomputed the root once: later readers skip that. */
  rootChecked: boolean
}

interface TrustedTile {
  readonly bytes: Uint8Array
  /** A full tile's 254 in-tile nodes, depth 1 to 7, left to right (computed on first use). */
  internals?: Uint8Array
  /** A partial tile's nodes folded so far, by `start/count`. */
  folded?: Map<string, Uint8Array>
}

/** Most trees (checkpoints) and tiles per tree a TileTrust keeps (about 8 MB of tiles at most). */
const MAX_TREES = 4
const MAX_TILES_PER_TREE = 512

export function createTileTrust(): TileTrust {
  return { trees: new Map() }
}

function trustedTree(trust: TileTrust, size: bigint, root: Uint8Array): TrustedTree {
  const key = `${size}/${toHex(root)}`
  let tree = trust.trees.get(key)
  if (tree === undefined) {
    if (trust.trees.size >= MAX_TREES) trust.trees.delete(trust.trees.keys().next().value as string)
    tree = { tiles: new Map(), rootChecked: false }
    trust.trees.set(key, tree)
  }
  return tree
}

const tileKey = (level: number, index: bigint, width: number) => `${level}/${index}/${width}`

/** The tiles one reader call needs, each once, in the order they are added. */
class TilePlan {
  readonly tiles: Tile[] = []
  /** Bytes of the planned tiles already trusted (not fetched), by position. */
  readonly trusted: (TrustedTile | undefined)[] = []
  readonly #at = new Map<string, number>()
  readonly #size: bigint
  readonly #tree: TrustedTree | undefined

  constructor(size: bigint, tree: TrustedTree | undefined) {
    this.#size = size
    this.#tree = tree
  }

  position(level: number, index: bigint): number | undefined {
    return this.#at.get(`${level}/${index}`)
  }

  #add(level: number, index: bigint): number {
    const known = this.position(level, index)
    if (known !== undefined) return known
    const width = tileWidthAt(level, index, this.#size)
    this.#at.set(`${level}/${index}`, this.tiles.length)
    this.tiles.push({ level, index, width })
    this.trusted.push(this.#tree?.tiles.get(tileKey(level, index, width)))
    return this.tiles.length - 1
  }

  /**
   * Plans the node's tile; with `chain`, also every ancestor tile up to one already planned (a
   * trusted tile is planned as soon as it is met, so a chain stops at the first one).
   */
  add(node: { level: number; index: bigint }, chain: boolean): Slot {
    const { level, index, start, count } = locateNode(node)
    if (chain) {
      const missing: [number, bigint][] = []
      for (let l = level, n = index; this.position(l, n) === undefined; l++, n >>= 8n) {
        // Unreachable when the tree-hash tiles were planned first: they include the top tile.
        if (l * TILE_HEIGHT > MAX_NODE_LEVEL)
          throw new RangeError('tile chain ran past the top of the tree')
        missing.push([l, n])
        if (this.#tree?.tiles.has(tileKey(l, n, tileWidthAt(l, n, this.#size)))) break
      }
      for (const [l, n] of missing.reverse()) this.#add(l, n)
    }
    return { at: this.#add(level, index), start, count }
  }
}

/** Offset, in hashes, of in-tile depth `depth` (1..7) in a full tile's internals. */
const internalsOffset = (depth: number) => 256 - (512 >> depth)

/** Every in-tile node of a full tile (254 hashes), depth by depth, left to right. */
function computeInternals(tile: Uint8Array): Uint8Array {
  const out = new Uint8Array(254 * HASH_SIZE)
  let below = tile
  let at = 0
  for (let count = 128; count >= 2; count >>= 1) {
    const start = at
    for (let j = 0; j < count; j++) {
      const left = below.subarray(2 * j * HASH_SIZE, (2 * j + 1) * HASH_SIZE)
      const right = below.subarray((2 * j + 1) * HASH_SIZE, (2 * j + 2) * HASH_SIZE)
      out.set(hashChildren(left, right), at)
      at += HASH_SIZE
    }
    below = out.subarray(start, at)
  }
  return out
}

/** The node over tile hashes [start, start + count): read as is, or recomputed in the tile. */
function hashAt(data: Uint8Array[], { at, start, count }: Slot, trusted?: TrustedTile): Uint8Array {
  const bytes = data[at] as Uint8Array
  if (count > 1 && trusted !== undefined && bytes.length === TILE_WIDTH * HASH_SIZE) {
    trusted.internals ??= computeInternals(bytes)
    const depth = 31 - Math.clz32(count)
    const offset = (internalsOffset(depth) + (start >> depth)) * HASH_SIZE
    return trusted.internals.slice(offset, offset + HASH_SIZE)
  }
  const key = `${start}/${count}`
  const known = count > 1 ? trusted?.folded?.get(key) : undefined
  if (known !== undefined) return known.slice()
  const hashes = Array.from({ length: count }, (_, i) =>
    bytes.subarray((start + i) * HASH_SIZE, (start + i + 1) * HASH_SIZE),
  )
  const node = foldPerfect(hashes).slice()
  if (count > 1 && trusted !== undefined) {
    trusted.folded ??= new Map()
    trusted.folded.set(key, node.slice())
  }
  return node
}

async function fetchTiles(readTiles: TileReader, tiles: Tile[]): Promise<Uint8Array[]> {
  if (tiles.length === 0) return []
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

/** Checks fetched tiles [treeTiles, end) (all full) against the entry their parent tile holds. */
function checkParents(plan: TilePlan, data: Uint8Array[], treeTiles: number): void {
  for (let i = treeTiles; i < plan.tiles.length; i++) {
    if (plan.trusted[i] !== undefined) continue
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
 * With `root` and `trust`, tiles checked by an earlier reader for the same tree are reused.
 */
export function tileHashReader(
  size: bigint,
  readTiles: TileReader,
  root?: Uint8Array,
  trust?: TileTrust,
): HashReader {
  checkUint64(size, 'size')
  if (root !== undefined) checkHash(root, 'root')
  const tree =
    root !== undefined && trust !== undefined ? trustedTree(trust, size, root) : undefined
  return async (nodes) => {
    if (nodes.length === 0) return []
    for (const [i, node] of nodes.entries()) checkNode(node, `nodes[${i}]`, size)
    const plan = new TilePlan(size, tree)
    const auth = root !== undefined
    const checkRoot = auth && tree?.rootChecked !== true
    const treeSlots = checkRoot ? subtreeNodes(0n, size).map((n) => plan.add(n, false)) : []
    const treeTiles = plan.tiles.length
    const slots = nodes.map((node) => plan.add(node, auth))
    const wanted = plan.tiles.flatMap((_, i) => (plan.trusted[i] === undefined ? [i] : []))
    const fetched = await fetchTiles(
      readTiles,
      wanted.map((i) => plan.tiles[i] as Tile),
    )
    const data = plan.trusted.map((t) => t?.bytes as Uint8Array)
    wanted.forEach((i, j) => {
      data[i] = fetched[j] as Uint8Array
    })
    if (auth) {
      if (checkRoot) {
        const computed = foldRightEdge(treeSlots.map((s) => hashAt(data, s)))
        if (!equalBytes(computed, root)) {
          throw new MerkleError('MERKLE_TILE_ROOT_MISMATCH', 'tiles do not give the trusted root', {
            field: 'root',
          })
        }
      }
      checkParents(plan, data, treeTiles)
    }
    if (tree !== undefined) {
      // Every fetched tile is now authenticated for this tree. The tree-hash tiles are always
      // kept: later chains stop at them instead of at a root check they no longer make.
      tree.rootChecked = true
      for (const i of wanted) {
        if (i >= treeTiles && tree.tiles.size >= MAX_TILES_PER_TREE) continue
        const t = plan.tiles[i] as Tile
        const trusted = { bytes: data[i] as Uint8Array }
        tree.tiles.set(tileKey(t.level, t.index, t.width), trusted)
        plan.trusted[i] = trusted
      }
    }
    return slots.map((s) => hashAt(data, s, plan.trusted[s.at]))
  }
}
