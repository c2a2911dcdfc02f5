/**
 * @module core/merkle/guards
 * Range and shape checks shared by the Merkle modules, plus the few bigint bit operations the
 * proof arithmetic needs (sizes and indices are u64 on the wire, beyond 2^53).
 */
import { MerkleError } from './errors.ts'
import { HASH_SIZE } from './hash.ts'

/** 2^64: sizes and indices are unsigned 64-bit integers (RFC 9162 §4.1 uses uint64). */
export const UINT64_LIMIT = 1n << 64n

/** Highest stored-node level: a level-64 node would need 2^64 leaves, above the largest size. */
export const MAX_NODE_LEVEL = 63

export function checkUint64(value: bigint, field: string): void {
  if (typeof value !== 'bigint' || value < 0n || value >= UINT64_LIMIT) {
    throw new MerkleError('MERKLE_UINT64_RANGE', `${field} must be a bigint in [0, 2^64)`, {
      field,
    })
  }
}

export function checkHash(hash: Uint8Array, field: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new MerkleError('MERKLE_BAD_HASH_SIZE', `${field} must be ${HASH_SIZE} bytes`, { field })
  }
}

/** Checks every element of a proof; proofs arrive from untrusted parties. */
export function checkHashes(hashes: readonly Uint8Array[], field: string): void {
  if (!Array.isArray(hashes)) {
    throw new MerkleError('MERKLE_PROOF_LENGTH', `${field} must be an array`, { field })
  }
  for (const [i, h] of hashes.entries()) checkHash(h, `${field}[${i}]`)
}

/** Number of bits needed to write x (0 for 0), like Go's bits.Len64. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length
}

export function popCount(x: bigint): number {
  let n = 0
  for (const c of x.toString(2)) if (c === '1') n++
  return n
}

/** Trailing zero bits of x > 0, like Go's bits.TrailingZeros64. */
export function trailingZeros(x: bigint): number {
  const bin = x.toString(2)
  return bin.length - 1 - bin.lastIndexOf('1')
}

/** RFC 9162 §2.1.1: k, the largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: bigint): bigint {
  return 1n << BigInt(bitLength(n - 1n) - 1)
}
