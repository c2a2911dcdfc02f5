/**
 * @module tools/audit/page
 * One page of an audit's reads: the entries [start, end), the stored tiles the page completes
 * (plus, on the last page, the right-edge partial tiles) and the page's entry bundles, fetched
 * together so a remote source can run them in parallel; and, per leaf, its copies in each.
 */
import {
  entriesPath,
  HASH_SIZE,
  newTiles,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  tilePath,
} from '../../core/merkle/index.ts'
import type { LeafCopies } from './leaf.ts'
import type { AuditLeaf, AuditSource } from './types.ts'

export interface AuditPage {
  rows: AuditLeaf[]
  tile(t: Tile): Uint8Array | undefined
  bundle(index: bigint): Uint8Array | undefined
  /** Leaf `index`'s copies: its row (given), its bundle entry and its level-0 tile hash. */
  copies(index: bigint, row: AuditLeaf | undefined): LeafCopies
}

const tileKey = (t: Tile) => `${t.level}/${t.index}`

/** Full tiles completed in [start, end); at the tree's end also each level's partial tile. */
export function tilesToRead(start: bigint, end: bigint, total: bigint): Tile[] {
  const tiles = newTiles(start, end).filter((t) => t.width === TILE_WIDTH)
  if (end !== total) return tiles
  for (let level = 0; total >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
    const n = total >> BigInt(TILE_HEIGHT * level)
    if (n & 255n) tiles.push({ level, index: n >> 8n, width: Number(n & 255n) })
  }
  return tiles
}

/** Reads a page; `start` is a multiple of 256, so the page's bundles lie wholly inside it. */
export async function readPage(
  source: AuditSource,
  start: bigint,
  end: bigint,
  total: bigint,
): Promise<AuditPage> {
  const tiles = tilesToRead(start, end, total)
  const bundles: { index: bigint; width: number }[] = []
  for (let b = start >> 8n; b << 8n < end; b++) {
    const width = end - (b << 8n)
    bundles.push({ index: b, width: width < 256n ? Number(width) : TILE_WIDTH })
  }
  const [rows, tileData, bundleData] = await Promise.all([
    source.entries(start, end),
    source.tiles(tiles),
    source.bundles(bundles),
  ])
  const byTile = new Map(tiles.map((t, i) => [tileKey(t), tileData[i]]))
  const byBundle = new Map(bundles.map((b, i) => [b.index, bundleData[i]]))
  const split = new Map<bigint, Uint8Array[]>()
  return {
    rows,
    tile: (t) => byTile.get(tileKey(t)),
    bundle: (index) => byBundle.get(index),
    copies(index, row) {
      const n = index >> 8n
      const k = Number(index & 255n)
      const width = n < total >> 8n ? TILE_WIDTH : Number(total & 255n)
      let entries = split.get(n)
      if (entries === undefined) {
        entries = splitBundle(byBundle.get(n))
        split.set(n, entries)
      }
      const tile = byTile.get(`0/${n}`)
      const tiled =
        tile !== undefined && tile.length >= (k + 1) * HASH_SIZE
          ? tile.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE)
          : undefined
      return {
        index,
        row,
        bundled: entries[k],
        tiled,
        tilePath: tilePath({ level: 0, index: n, width }),
        bundlePath: entriesPath(n, width),
      }
    },
  }
}

/** The entries a stored bundle holds, as far as it is well formed (a cut one keeps its head). */
function splitBundle(data: Uint8Array | undefined): Uint8Array[] {
  const out: Uint8Array[] = []
  if (data === undefined) return out
  for (let at = 0; at + 2 <= data.length && out.length < TILE_WIDTH; ) {
    const end = at + 2 + (((data[at] as number) << 8) | (data[at + 1] as number))
    if (end > data.length) break
    out.push(data.subarray(at + 2, end))
    at = end
  }
  return out
}
