/**
 * @module core/merkle/tree
 * Whole-tree roots: MTH over an in-memory list of leaf hashes (RFC 9162 §2.1.1), and the root or
 * right edge of a stored tree read through a HashReader with one call.
 */
import { CompactRange } from './compact-range.ts'
import { checkHashes, checkUint64 } from './guards.ts'
import { EMPTY_ROOT, hashChildren } from './hash.ts'
import { foldRightEdge, type HashReader, readNodes, subtreeNodes } from './nodes.ts'

/** MTH(D[0:n]) for any n, bottom-up: a lone right node is promoted, never duplicated. */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  checkHashes(hashes, 'hashes')
  if (hashes.length === 0) return EMPTY_ROOT.slice()
  const edge: Uint8Array[] = []
  hashes.forEach((leaf, i) => {
    let h = leaf
    for (let n = i; n & 1; n >>>= 1) h = hashChildren(edge.pop() as Uint8Array, h)
    edge.push(h)
  })
  return foldRightEdge(edge)
}

/**
 * MTH of the stored tree of `size` leaves: reads only the perfect subtrees of the right edge
 * (one per set bit of size) in one reader call, and folds them (Go's tlog.TreeHash).
 */
export async function treeHash(size: bigint, reader: HashReader): Promise<Uint8Array> {
  checkUint64(size, 'size')
  if (size === 0n) return EMPTY_ROOT.slice()
  return foldRightEdge(await readNodes(reader, subtreeNodes(0n, size)))
}

/** The compact range of the stored tree of `size` leaves, e.g. to resume a sequencer. */
export async function readCompactRange(size: bigint, reader: HashReader): Promise<CompactRange> {
  checkUint64(size, 'size')
  return CompactRange.fromHashes(size, await readNodes(reader, subtreeNodes(0n, size)))
}
