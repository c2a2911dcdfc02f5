/**
 * @module core/merkle/tile-path
 * c2sp.org/tlog-tiles paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, with N in
 * 3-digit groups, all but the last prefixed by `x` (1234067 → x001/x234/067). Parsing is strict so
 * each resource has exactly one URL (cache keys, routing): paths arrive from untrusted clients.
 */
import { MerkleError } from './errors.ts'
import { UINT64_LIMIT } from './guards.ts'
import { checkTile, MAX_TILE_LEVEL, TILE_WIDTH, type Tile } from './tiles.ts'

/** Longest canonical path is ~50 characters; anything much longer is refused before matching. */
const MAX_PATH_LENGTH = 64
const HASH_TILE = /^tile\/(0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/
const ENTRIES = /^tile\/entries\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/

function encodeIndex(index: bigint): string {
  const digits = index.toString()
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0')
  const groups = padded.match(/[0-9]{3}/g) as string[]
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/')
}

function widthSuffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`
}

export function tilePath(tile: Tile): string {
  checkTile(tile)
  return `tile/${tile.level}/${encodeIndex(tile.index)}${widthSuffix(tile.width)}`
}

export function entriesPath(index: bigint, width: number = TILE_WIDTH): string {
  checkTile({ level: 0, index, width }, 'bundle')
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`
}

function bad(path: string): MerkleError {
  return new MerkleError('MERKLE_TILE_PATH', `not a canonical tile path: ${path.slice(0, 80)}`, {
    field: 'path',
  })
}

/** Groups → N; rejects a leading `x000` group (a non-canonical leading zero) and N ≥ 2^64. */
function parseIndex(groups: string, path: string): bigint {
  const parts = groups.split('/').map((g) => g.replace(/^x/, ''))
  if (parts.length > 1 && parts[0] === '000') throw bad(path)
  const index = BigInt(parts.join(''))
  if (index >= UINT64_LIMIT) throw bad(path)
  return index
}

function parseWidth(text: string | undefined, path: string): number {
  if (text === undefined) return TILE_WIDTH
  const width = Number(text)
  if (width >= TILE_WIDTH) throw bad(path)
  return width
}

/** Parses a hash-tile path; entry-bundle paths and every non-canonical spelling are refused. */
export function parseTilePath(path: string): Tile {
  const m = typeof path === 'string' && path.length <= MAX_PATH_LENGTH ? HASH_TILE.exec(path) : null
  if (m === null) throw bad(String(path))
  const level = Number(m[1])
  if (level > MAX_TILE_LEVEL) throw bad(path)
  return { level, index: parseIndex(m[2] as string, path), width: parseWidth(m[3], path) }
}

export function parseEntriesPath(path: string): { index: bigint; width: number } {
  const m = typeof path === 'string' && path.length <= MAX_PATH_LENGTH ? ENTRIES.exec(path) : null
  if (m === null) throw bad(String(path))
  return { index: parseIndex(m[1] as string, path), width: parseWidth(m[2], path) }
}
