/**
 * @module ledger/audit-page
 * One page of an audit's reads: the entries [start, end), the stored tiles the page completes
 * (plus, on the last page, the right-edge partial tiles) and the page's entry bundles, fetched
 * together so a remote source can run them in parallel.
 */
import { newTiles, TILE_HEIGHT, TILE_WIDTH, type Tile } from '../core/merkle/index.ts'
import type { AuditLeaf, AuditSource } from './audit-types.ts'

export interface AuditPage {
  rows: AuditLeaf[]
  tile(t: Tile): Uint8Array | undefined
  bundle(index: bigint): Uint8Array | undefined
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
    source.bundles?.(bundles),
  ])
  const byTile = new Map(tiles.map((t, i) => [tileKey(t), tileData[i]]))
  const byBundle = new Map(bundles.map((b, i) => [b.index, bundleData?.[i]]))
  return { rows, tile: (t) => byTile.get(tileKey(t)), bundle: (index) => byBundle.get(index) }
}
