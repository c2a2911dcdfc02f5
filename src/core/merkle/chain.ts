/**
 * @module core/merkle/chain
 * The "inner + border" view of an inclusion path (transparency-dev/merkle proof/verify.go),
 * equivalent to the RFC 9162 §2.1.3.2 loop but with the exact proof length known up front.
 */
import { bitLength, popCount } from './guards.ts'
import { hashChildren } from './hash.ts'

/**
 * inner: levels below the point where the path of `index` leaves the path of the last leaf
 * (size − 1); each has a sibling chosen by the bits of index. border: the remaining levels on
 * the right edge where only left siblings exist (one per set bit of index above `inner`).
 */
export function decomposeInclusion(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n))
  return { inner, border: popCount(index >> BigInt(inner)) }
}

/** Hashes the inner part: a 0 bit of index means our node is a left child. */
export function chainInner(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  index: bigint,
): Uint8Array {
  let h = seed
  proof.forEach((p, i) => {
    h = (index >> BigInt(i)) & 1n ? hashChildren(p, h) : hashChildren(h, p)
  })
  return h
}

/** Like chainInner but only the left siblings: the old root never includes newer right nodes. */
export function chainInnerRight(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  index: bigint,
): Uint8Array {
  let h = seed
  proof.forEach((p, i) => {
    if ((index >> BigInt(i)) & 1n) h = hashChildren(p, h)
  })
  return h
}

/** Right edge above the inner part: every proof node there is a left sibling. */
export function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let h = seed
  for (const p of proof) h = hashChildren(p, h)
  return h
}
