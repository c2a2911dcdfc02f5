/**
 * @module core/merkle/nodes
 * Stored-hash addressing, as in Go's golang.org/x/mod/sumdb/tlog: node (level, index) is the root
 * of the perfect subtree over leaves [index·2^level, (index+1)·2^level). Only such nodes are ever
 * stored; every other hash (roots, proof elements) is folded from them on the right edge.
 */
import { MerkleError } from './errors.ts'
import { checkHash, MAX_NODE_LEVEL } from './guards.ts'
import { hashChildren } from './hash.ts'

export interface TreeNode {
  readonly level: number
  readonly index: bigint
}

/** A stored node and its hash, as produced by appends and kept by a sequencer. */
export interface StoredHash extends TreeNode {
  readonly hash: Uint8Array
}

/** Reads stored node hashes; must answer in the order asked (one hash per node). */
export type HashReader = (nodes: TreeNode[]) => Promise<Uint8Array[]>

/**
 * Checks a node is well formed and, when `size` is given, complete in a tree of that size.
 * Nodes can come from untrusted callers (e.g. a request naming a node to serve).
 */
export function checkNode(node: TreeNode, field: string, size?: bigint): void {
  const { level, index } = node
  const ok =
    Number.isInteger(level) &&
    level >= 0 &&
    level <= MAX_NODE_LEVEL &&
    typeof index === 'bigint' &&
    index >= 0n &&
    (index + 1n) << BigInt(level) <= (size ?? (1n << 64n) - 1n)
  if (!ok) {
    throw new MerkleError('MERKLE_NODE_OUT_OF_RANGE', `${field} is not a stored node of the tree`, {
      field,
    })
  }
}

/**
 * The perfect subtrees covering leaves [lo, hi), left to right and largest first (RFC 9162
 * §2.1.1 splits at the largest power of two, so MTH(D[lo:hi]) folds exactly these). `lo` must be
 * a multiple of a power of two ≥ hi − lo, which holds for every range the RFC recursion makes.
 */
export function subtreeNodes(lo: bigint, hi: bigint): TreeNode[] {
  const out: TreeNode[] = []
  while (lo < hi) {
    const level = (hi - lo).toString(2).length - 1
    out.push({ level, index: lo >> BigInt(level) })
    lo += 1n << BigInt(level)
  }
  return out
}

/** Folds right-edge subtree roots (largest first) right to left into MTH of their range. */
export function foldRightEdge(roots: readonly Uint8Array[]): Uint8Array {
  let h = roots[roots.length - 1]
  if (h === undefined) throw new RangeError('foldRightEdge needs at least one hash')
  for (let i = roots.length - 2; i >= 0; i--) h = hashChildren(roots[i] as Uint8Array, h)
  return h
}

/** MTH of a perfect subtree given its 2^k bottom hashes (pairwise, level by level). */
export function foldPerfect(hashes: readonly Uint8Array[]): Uint8Array {
  let level = hashes.slice()
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      next.push(hashChildren(level[i] as Uint8Array, level[i + 1] as Uint8Array))
    }
    level = next
  }
  const root = level[0]
  if (root === undefined) throw new RangeError('foldPerfect needs at least one hash')
  return root
}

/** Calls the reader once (if anything is needed) and checks the answer's shape. */
export async function readNodes(reader: HashReader, nodes: TreeNode[]): Promise<Uint8Array[]> {
  if (nodes.length === 0) return []
  const hashes = await reader(nodes)
  if (!Array.isArray(hashes) || hashes.length !== nodes.length) {
    throw new MerkleError(
      'MERKLE_READER_RESULT',
      `hash reader returned ${Array.isArray(hashes) ? hashes.length : 'no array'} for ${nodes.length} nodes`,
    )
  }
  hashes.forEach((h, i) => {
    const n = nodes[i] as TreeNode
    checkHash(h, `hash(${n.level},${n.index})`)
  })
  return hashes
}
