/**
 * @module core/merkle/verify-consistency
 * RFC 9162 §2.1.4.2 consistency-proof verification, with transparency-dev/merkle's edge rules:
 * first == 0 is an error (the empty tree proves nothing), and first == second needs an empty
 * proof and equal roots. Sizes, roots and proof come from untrusted checkpoints and servers.
 */
import { equalBytes } from '../codec/index.ts'
import { chainBorderRight, chainInner, chainInnerRight, decomposeInclusion } from './chain.ts'
import { MerkleError } from './errors.ts'
import { checkHash, checkHashes, checkUint64, trailingZeros } from './guards.ts'

function mismatch(field: 'firstRoot' | 'secondRoot'): MerkleError {
  return new MerkleError('MERKLE_ROOT_MISMATCH', `consistency proof does not give ${field}`, {
    field,
  })
}

/** Throws a MerkleError unless `proof` shows the `first`-leaf tree is a prefix of the second. */
export function verifyConsistency(
  first: bigint,
  second: bigint,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkUint64(first, 'first')
  checkUint64(second, 'second')
  checkHashes(proof, 'proof')
  if (first > second) {
    throw new MerkleError('MERKLE_SIZE_ORDER', 'first size is above second size', {
      field: 'first',
    })
  }
  if (first === 0n) {
    throw new MerkleError('MERKLE_CONSISTENCY_EMPTY_TREE', 'consistency from size 0 is useless', {
      field: 'first',
    })
  }
  if (first === second) {
    if (proof.length !== 0) {
      throw new MerkleError('MERKLE_PROOF_LENGTH', 'equal sizes need an empty proof', {
        field: 'proof',
      })
    }
    // No hashing happens, so like Go's verifyMatch the roots are compared as opaque bytes.
    if (!equalBytes(firstRoot, secondRoot)) throw mismatch('secondRoot')
    return
  }
  if (proof.length === 0) {
    throw new MerkleError('MERKLE_CONSISTENCY_EMPTY_PROOF', 'sizes differ but proof is empty', {
      field: 'proof',
    })
  }
  checkHash(firstRoot, 'firstRoot')
  checkHash(secondRoot, 'secondRoot')

  // Skip the levels where the old tree's last node is a right child: the lowest 2^shift-sized
  // subtree ending at first − 1 is common to both trees and is where the proof starts.
  const shift = trailingZeros(first)
  const { inner: fullInner, border } = decomposeInclusion(first - 1n, second)
  const inner = fullInner - shift
  // The proof carries that subtree's root unless it is the whole old tree (first = 2^shift).
  const seedIsRoot = first === 1n << BigInt(shift)
  const start = seedIsRoot ? 0 : 1
  if (proof.length !== start + inner + border) {
    throw new MerkleError(
      'MERKLE_PROOF_LENGTH',
      `consistency proof has ${proof.length} hashes, want ${start + inner + border}`,
      { field: 'proof' },
    )
  }
  const seed = seedIsRoot ? firstRoot : (proof[0] as Uint8Array)
  const path = proof.slice(start)
  const mask = (first - 1n) >> BigInt(shift)

  const hash1 = chainBorderRight(
    chainInnerRight(seed, path.slice(0, inner), mask),
    path.slice(inner),
  )
  if (!equalBytes(hash1, firstRoot)) throw mismatch('firstRoot')
  const hash2 = chainBorderRight(chainInner(seed, path.slice(0, inner), mask), path.slice(inner))
  if (!equalBytes(hash2, secondRoot)) throw mismatch('secondRoot')
}
