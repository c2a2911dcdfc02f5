/**
 * Our core (src/core/merkle) against merkletreejs 0.6.0 configured for RFC 6962 as
 * reference/tlog.md §12 describes: leaves pre-hashed as SHA-256(0x00 ‖ d), hashLeaves: false,
 * hashFn = b => SHA-256(0x01 ‖ b) (its default odd-node rule promotes the lone node, as MTH does).
 * Both sides use the same SHA-256 (@noble/hashes, what the core uses), so the ratios measure the
 * tree code, not the hash. Leaf hashing is shared and not timed.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { MerkleTree } from 'merkletreejs'
import { equalBytes } from '../src/core/codec/bytes.ts'
import {
  CompactRange,
  type HashReader,
  hashLeaf,
  proveInclusion,
  rootFromLeafHashes,
  verifyInclusion,
} from '../src/core/merkle/index.ts'

export interface MerkleComparison {
  leaves: number
  proofs: number
  sameRoot: boolean
  sameProofs: boolean
  /** Milliseconds, ours vs theirs. */
  rootMs: { core: number; merkletreejs: number }
  buildMs: { core: number; merkletreejs: number }
  proveMs: { core: number; merkletreejs: number }
  verifyMs: { core: number; merkletreejs: number }
}

const NODE_PREFIX = Uint8Array.of(0x01)

/** merkletreejs's hashFn: SHA-256(0x01 ‖ left ‖ right); it wraps a typed array as a Buffer. */
function rfcNodeHash(b: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(b).digest()
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now()
  const out = f()
  return [out, performance.now() - t]
}

async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now()
  const out = await f()
  return [out, performance.now() - t]
}

/** Deterministic pseudo-random indices (xorshift32). */
function indices(count: number, below: number): number[] {
  let s = 0x9e3779b9
  return Array.from({ length: count }, () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) % below
  })
}

export async function compareMerkle(leafCount: number, proofCount: number) {
  const data = Array.from({ length: leafCount }, (_, i) => {
    const d = new Uint8Array(64)
    new DataView(d.buffer).setUint32(0, i)
    return d
  })
  const leaves = data.map(hashLeaf)
  const buffers = leaves.map((l) => Buffer.from(l.buffer, l.byteOffset, l.length))
  const picks = indices(proofCount, leafCount)

  // Root only: rootFromLeafHashes vs building the tree and reading its root.
  const [coreRoot, coreRootMs] = time(() => rootFromLeafHashes(leaves))
  const [tree, theirBuildMs] = time(
    () => new MerkleTree(buffers, rfcNodeHash, { hashLeaves: false }),
  )
  const [theirRoot, theirRootMs] = time(() => tree.getRoot())

  // A provable tree: every stored node (CompactRange.append names them all), indexed by node.
  const [stored, coreBuildMs] = time(() => {
    const appended = CompactRange.empty().append(leaves)
    const byLevel: Uint8Array[][] = []
    for (const s of appended.stored) {
      let level = byLevel[s.level]
      if (level === undefined) {
        level = []
        byLevel[s.level] = level
      }
      level[Number(s.index)] = s.hash
    }
    return { root: appended.root, byLevel }
  })
  const reader: HashReader = async (nodes) =>
    nodes.map((n) => stored.byLevel[n.level]?.[Number(n.index)] as Uint8Array)
  const size = BigInt(leafCount)

  const [ours, coreProveMs] = await timeAsync(() =>
    Promise.all(picks.map((i) => proveInclusion(BigInt(i), size, reader))),
  )
  const [theirs, theirProveMs] = time(() =>
    picks.map((i) => tree.getProof(buffers[i] as Buffer, i)),
  )
  const [, coreVerifyMs] = time(() => {
    picks.forEach((i, j) => {
      verifyInclusion(leaves[i] as Uint8Array, BigInt(i), size, ours[j] as Uint8Array[], coreRoot)
    })
  })
  const [theirVerified, theirVerifyMs] = time(() =>
    picks.every((i, j) => tree.verify(theirs[j] as never[], buffers[i] as Buffer, theirRoot)),
  )
  if (!theirVerified) throw new Error('merkletreejs did not verify its own proofs')

  const sameRoot =
    equalBytes(coreRoot, new Uint8Array(theirRoot)) && equalBytes(coreRoot, stored.root)
  const sameProofs = picks.every((_, j) => {
    const a = ours[j] as Uint8Array[]
    const b = theirs[j] as { data: Buffer }[]
    return (
      a.length === b.length && a.every((h, k) => equalBytes(h, new Uint8Array(b[k]?.data ?? [])))
    )
  })
  return {
    leaves: leafCount,
    proofs: proofCount,
    sameRoot,
    sameProofs,
    rootMs: { core: coreRootMs, merkletreejs: theirBuildMs + theirRootMs },
    buildMs: { core: coreBuildMs, merkletreejs: theirBuildMs },
    proveMs: { core: coreProveMs, merkletreejs: theirProveMs },
    verifyMs: { core: coreVerifyMs, merkletreejs: theirVerifyMs },
  } satisfies MerkleComparison
}
