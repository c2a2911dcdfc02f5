/**
 * @module core/merkle/verified-paths
 * Inclusion proofs checked against the same tree share their upper nodes: two leaves in one
 * subtree of 2^k leaves have the same siblings above level k (RFC 9162 §2.1.3.1). A verifier
 * keeps, per tree (size and root), the nodes of the proofs that verified; a later proof whose own
 * path reaches a kept node, with every sibling from there up equal to the kept sibling at that
 * position, gives the same root without hashing further. Anything else (an unknown node, a
 * differing sibling, a malformed proof) is checked in full by verifyInclusion, so its errors are
 * unchanged. As for the tiles kept across cards (tile-reader.ts TileTrust), node positions stand
 * for the tree's own nodes under SHA-256's collision resistance (RFC 9162 §2.1.1).
 */
import { equalBytes } from '../codec/index.ts'
import { bitLength, popCount } from './guards.ts'
import { hashChildren } from './hash.ts'
import { verifyInclusion } from './verify-inclusion.ts'

/** Kept nodes of one tree: level → node index at that level → hash. */
type TreeNodes = Map<number, Uint8Array>[]

export interface VerifiedPaths {
  readonly trees: Map<string, TreeNodes>
}

/**
 * Most trees kept (a venue sees cards from a few recent checkpoints) and nodes kept per tree:
 * with the Map entries about 8 MB at most, as for the tiles (tile-reader.ts). Cards near each
 * other share their upper nodes, so a new card adds a few nodes, not a whole path.
 */
const MAX_TREES = 16
const MAX_NODES_PER_TREE = 4_096

export function createVerifiedPaths(): VerifiedPaths {
  return { trees: new Map() }
}

function treeKey(size: bigint, root: Uint8Array): string {
  return `${size}:${String.fromCharCode.apply(null, root as unknown as number[])}`
}

function keep(level: Map<number, Uint8Array> | undefined, at: number, hash: Uint8Array) {
  if (level !== undefined && !level.has(at)) level.set(at, hash)
}

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === 32

/**
 * verifyInclusion (same arguments, same errors), answering from and adding to `paths`. Only
 * indices below 2^53 are kept (JavaScript numbers as node positions); others are checked in full.
 */
export function verifyInclusionKept(
  paths: VerifiedPaths,
  leafHash: Uint8Array,
  index: bigint,
  size: bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const full = () => verifyInclusion(leafHash, index, size, proof, root)
  if (
    typeof index !== 'bigint' ||
    typeof size !== 'bigint' ||
    index < 0n ||
    index >= size ||
    size > BigInt(Number.MAX_SAFE_INTEGER) ||
    !isHash(leafHash) ||
    !isHash(root) ||
    !Array.isArray(proof) ||
    !proof.every(isHash)
  ) {
    full()
    return
  }
  const i = Number(index)
  const inner = bitLength(index ^ (size - 1n))
  if (proof.length !== inner + popCount(index >> BigInt(inner))) {
    full()
    return
  }
  const key = treeKey(size, root)
  const nodes = paths.trees.get(key)
  const levels = siblingLevels(i, inner, proof.length)
  // The inner part, leaving at the first kept node of this tree whose siblings up to the root
  // are all kept (positions are per tree: the node holding the last leaf depends on the size).
  const path: Uint8Array[] = []
  let h = leafHash
  for (let k = 0; k <= inner; k++) {
    const at = Math.floor(i / 2 ** k)
    const kept = nodes?.[k]?.get(at)
    if (nodes !== undefined && kept !== undefined && equalBytes(kept, h)) {
      if (siblingsKept(nodes, proof, levels, k, i)) return
    }
    path.push(h)
    if (k === inner) break
    const p = proof[k] as Uint8Array
    h = at % 2 === 1 ? hashChildren(p, h) : hashChildren(h, p)
  }
  // The border: left siblings only (chain.ts chainBorderRight).
  for (let k = inner; k < proof.length; k++) h = hashChildren(proof[k] as Uint8Array, h)
  if (!equalBytes(h, root)) {
    full()
    return
  }
  remember(paths, key, path, i, proof, levels)
}

/** The level of each proof element: the inner levels, then the set bits of index above them. */
function siblingLevels(i: number, inner: number, count: number): number[] {
  const levels: number[] = []
  for (let l = 0; l < inner; l++) levels.push(l)
  for (let l = inner; levels.length < count; l++)
    if (Math.floor(i / 2 ** l) % 2 === 1) levels.push(l)
  return levels
}

function siblingsKept(
  nodes: TreeNodes,
  proof: readonly Uint8Array[],
  levels: readonly number[],
  from: number,
  i: number,
): boolean {
  for (let k = 0; k < proof.length; k++) {
    const level = levels[k] as number
    if (level < from) continue
    const kept = nodes[level]?.get(Math.floor(i / 2 ** level) ^ 1)
    if (kept === undefined || !equalBytes(kept, proof[k] as Uint8Array)) return false
  }
  return true
}

/** After a verified path: its inner nodes (leaf first) and every sibling, at their positions. */
function remember(
  paths: VerifiedPaths,
  key: string,
  path: readonly Uint8Array[],
  i: number,
  proof: readonly Uint8Array[],
  levels: readonly number[],
) {
  let nodes = paths.trees.get(key)
  if (nodes === undefined) {
    if (paths.trees.size >= MAX_TREES) paths.trees.clear()
    nodes = []
    paths.trees.set(key, nodes)
  }
  // Full: what is kept keeps answering; this path is simply not added.
  if (nodes.reduce((n, level) => n + level.size, 0) >= MAX_NODES_PER_TREE) return
  const top = Math.max(path.length - 1, levels.length === 0 ? 0 : (levels.at(-1) as number))
  for (let l = nodes.length; l <= top; l++) nodes.push(new Map())
  // Copies, in one buffer (one allocation per path): the caller may reuse its arrays.
  const copy = new Uint8Array(32 * (path.length + proof.length))
  const own = (h: Uint8Array, n: number) => {
    copy.set(h, 32 * n)
    return copy.subarray(32 * n, 32 * n + 32)
  }
  for (const [k, h] of path.entries()) keep(nodes[k], Math.floor(i / 2 ** k), own(h, k))
  for (const [k, level] of levels.entries()) {
    const sibling = own(proof[k] as Uint8Array, path.length + k)
    keep(nodes[level], Math.floor(i / 2 ** level) ^ 1, sibling)
  }
}
