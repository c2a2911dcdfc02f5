/**
 * @module core/merkle/prove
 * Proof generation from stored nodes (RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF, as in Go's
 * tlog.ProveRecord / ProveTree). Each proof element is the MTH of a range, i.e. a right-edge fold
 * of perfect subtrees; all of them are planned first and read with a single reader call.
 */
import { MerkleError } from './errors.ts'
import { checkUint64, splitPoint } from './guards.ts'
import { foldRightEdge, type HashReader, readNodes, subtreeNodes, type TreeNode } from './nodes.ts'

/** One entry per proof element: the perfect subtrees whose fold gives that element. */
type Plan = TreeNode[][]

/** PATH(m, D[lo:hi]): the deeper elements first, so the proof runs from the leaf upwards. */
function planInclusion(lo: bigint, hi: bigint, m: bigint, plan: Plan): void {
  if (hi - lo === 1n) return
  const k = splitPoint(hi - lo)
  if (m < lo + k) {
    planInclusion(lo, lo + k, m, plan)
    plan.push(subtreeNodes(lo + k, hi))
  } else {
    planInclusion(lo + k, hi, m, plan)
    plan.push(subtreeNodes(lo, lo + k))
  }
}

/**
 * SUBPROOF(m, D[lo:hi], b) where b ("the old tree is a prefix we never left") is lo == 0: going
 * right is the only way lo grows, and it clears b in the RFC recursion too.
 */
function planConsistency(lo: bigint, hi: bigint, m: bigint, plan: Plan): void {
  if (m === hi) {
    if (lo !== 0n) plan.push(subtreeNodes(lo, hi))
    return
  }
  const k = splitPoint(hi - lo)
  if (m <= lo + k) {
    planConsistency(lo, lo + k, m, plan)
    plan.push(subtreeNodes(lo + k, hi))
  } else {
    planConsistency(lo + k, hi, m, plan)
    plan.push(subtreeNodes(lo, lo + k))
  }
}

async function resolve(plan: Plan, reader: HashReader): Promise<Uint8Array[]> {
  const hashes = await readNodes(reader, plan.flat())
  let at = 0
  return plan.map((nodes) => {
    const element = foldRightEdge(hashes.slice(at, at + nodes.length))
    at += nodes.length
    return element
  })
}

/** Inclusion proof for leaf `index` in the stored tree of `size` leaves (RFC 9162 §2.1.3.1). */
export async function proveInclusion(
  index: bigint,
  size: bigint,
  reader: HashReader,
): Promise<Uint8Array[]> {
  checkUint64(index, 'index')
  checkUint64(size, 'size')
  if (index >= size) {
    throw new MerkleError('MERKLE_INDEX_OUT_OF_RANGE', 'index must be below size', {
      field: 'index',
    })
  }
  const plan: Plan = []
  planInclusion(0n, size, index, plan)
  return resolve(plan, reader)
}

/**
 * Consistency proof from size `first` to size `second` (RFC 9162 §2.1.4.1). Equal sizes give an
 * empty proof; first == 0 is refused, as the verifier refuses it (nothing to prove).
 */
export async function proveConsistency(
  first: bigint,
  second: bigint,
  reader: HashReader,
): Promise<Uint8Array[]> {
  checkUint64(first, 'first')
  checkUint64(second, 'second')
  if (first > second) {
    throw new MerkleError('MERKLE_SIZE_ORDER', 'first size is above second size', {
      field: 'first',
    })
  }
  if (first === 0n) {
    throw new MerkleError('MERKLE_CONSISTENCY_EMPTY_TREE', 'no consistency proof from size 0', {
      field: 'first',
    })
  }
  const plan: Plan = []
  if (first < second) planConsistency(0n, second, first, plan)
  return resolve(plan, reader)
}
