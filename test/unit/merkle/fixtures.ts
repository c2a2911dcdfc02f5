/**
 * Test helpers for the Merkle suite: in-memory stores built from leaves (through the sequencer's
 * own CompactRange), tiles built from those stores, a seeded PRNG and error-code assertions.
 */
import { expect } from 'vitest'
import { concatBytes } from '../../../src/core/codec/index.ts'
import {
  CompactRange,
  type HashReader,
  MerkleError,
  type MerkleErrorCode,
  type Tile,
  type TileReader,
  type TreeNode,
  tileNodes,
  tilePath,
  tilesForSize,
} from '../../../src/core/merkle/index.ts'

export const key = (n: TreeNode): string => `${n.level}/${n.index}`

/** A Map-backed store of every stored node of a tree, with a reader that counts its calls. */
export interface MemoryTree {
  readonly size: bigint
  readonly root: Uint8Array
  readonly stored: Map<string, Uint8Array>
  readonly reader: HashReader
  readonly calls: { count: number; nodes: number }
}

/** Appends `leafHashes` in chunks of the given sizes (default: one chunk) and keeps every node. */
export function memoryTree(leafHashes: Uint8Array[], chunks?: number[]): MemoryTree {
  const stored = new Map<string, Uint8Array>()
  let range = CompactRange.empty()
  let at = 0
  let i = 0
  while (at < leafHashes.length) {
    const n = chunks?.[i++ % chunks.length] ?? leafHashes.length
    const result = range.append(leafHashes.slice(at, at + n))
    for (const s of result.stored) stored.set(key(s), s.hash)
    range = result.range
    at += n
  }
  const calls = { count: 0, nodes: 0 }
  const reader: HashReader = async (nodes) => {
    calls.count++
    calls.nodes += nodes.length
    return nodes.map((n) => {
      const h = stored.get(key(n))
      if (h === undefined) throw new Error(`missing stored node ${key(n)}`)
      return h
    })
  }
  return { size: range.size, root: range.root(), stored, reader, calls }
}

/** Tile bytes for every tile of a tree of `size` leaves, keyed by tile path. */
export function buildTiles(stored: Map<string, Uint8Array>, size: bigint): Map<string, Uint8Array> {
  const tiles = new Map<string, Uint8Array>()
  for (const tile of tilesForSize(size)) {
    tiles.set(
      tilePath(tile),
      concatBytes(...tileNodes(tile).map((n) => stored.get(key(n)) as Uint8Array)),
    )
  }
  return tiles
}

/** A TileReader over a path-keyed map that counts calls; `fetch` may rewrite what is served. */
export function mapTileReader(
  tiles: Map<string, Uint8Array>,
  fetch: (tile: Tile, tiles: Map<string, Uint8Array>) => Uint8Array | undefined = (t, m) =>
    m.get(tilePath(t)),
): { read: TileReader; calls: { count: number; tiles: number } } {
  const calls = { count: 0, tiles: 0 }
  const read: TileReader = async (wanted) => {
    calls.count++
    calls.tiles += wanted.length
    return wanted.map((t) => {
      const bytes = fetch(t, tiles)
      if (bytes === undefined) throw new Error(`missing tile ${tilePath(t)}`)
      return bytes
    })
  }
  return { read, calls }
}

/** Deterministic PRNG (mulberry32) so property tests replay exactly. */
export function prng(seed: number): (max: number) => number {
  let a = seed >>> 0
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max)
  }
}

export function flipByte(bytes: Uint8Array, at = 0): Uint8Array {
  const out = bytes.slice()
  out[at] = (out[at] as number) ^ 0x01
  return out
}

/** Asserts `fn` throws a MerkleError with exactly this code (and field, when given). */
export function expectCode(fn: () => unknown, code: MerkleErrorCode, field?: string): void {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(MerkleError)
  expect((caught as MerkleError).code).toBe(code)
  if (field !== undefined) expect((caught as MerkleError).field).toBe(field)
}

export async function expectCodeAsync(
  promise: Promise<unknown>,
  code: MerkleErrorCode,
  field?: string,
): Promise<void> {
  const caught = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(caught, `expected ${code}`).toBeInstanceOf(MerkleError)
  expect((caught as MerkleError).code).toBe(code)
  if (field !== undefined) expect((caught as MerkleError).field).toBe(field)
}
