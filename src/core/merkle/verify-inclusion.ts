/**
 * @module core/merkle/verify-inclusion
 * RFC 9162 §2.1.3.2 inclusion-proof verification. Every input may come from an attacker (the
 * proof, the index and size from a receipt, the leaf from a credential), so all are checked.
 */
import { equalBytes } from '../codec/index.ts'
import { chainBorderRight, chainInner, decomposeInclusion } from './chain.ts'
import { MerkleError } from './errors.ts'
import { checkHash, checkHashes, checkUint64 } from './guards.ts'

/**
 * The root that `proof` binds leaf `index` of a `size`-leaf tree to. Throws on a malformed input
 * (range, hash length, exact proof length inner + border, which also rejects padding).
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: bigint,
  size: bigint,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkUint64(index, 'index')
  checkUint64(size, 'size')
  if (index >= size) {
    throw new MerkleError('MERKLE_INDEX_OUT_OF_RANGE', 'index must be below size', {
      field: 'index',
    })
  }
  checkHash(leafHash, 'leafHash')
  checkHashes(proof, 'proof')
  const { inner, border } = decomposeInclusion(index, size)
  if (proof.length !== inner + border) {
    throw new MerkleError(
      'MERKLE_PROOF_LENGTH',
      `inclusion proof has ${proof.length} hashes, want ${inner + border}`,
      { field: 'proof' },
    )
  }
  const res = chainInner(leafHash, proof.slice(0, inner), index)
  return chainBorderRight(res, proof.slice(inner))
}

/** Throws a MerkleError unless `proof` shows leaf `index` of a `size`-leaf tree has `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: bigint,
  size: bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const computed = rootFromInclusionProof(leafHash, index, size, proof)
  checkHash(root, 'root')
  if (!equalBytes(computed, root)) {
    throw new MerkleError('MERKLE_ROOT_MISMATCH', 'inclusion proof does not give the root', {
      field: 'root',
    })
  }
}
