import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/codec/index.ts'
import {
  hashLeaf,
  proveConsistency,
  proveInclusion,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { memoryTree } from './fixtures.ts'

interface ProofSet {
  leaves_hex: string[]
  roots_by_size_hex: Record<string, string>
  inclusion: { leaf_index: number; tree_size: number; proof_hex: string[] }[]
  consistency: { size1: number; size2: number; proof_hex: string[] }[]
}

const sets: [string, ProofSet, number, number][] = [
  [
    'transparency-dev/merkle cmd/proofgen (published RFC 6962 proofs)',
    readVectorJson<ProofSet>('tlog/rfc6962-reference.json'),
    5,
    5,
  ],
  [
    'rfc6962-derived-proofs-size1-8.json (every proof for sizes 1-8)',
    readVectorJson<ProofSet>('tlog/rfc6962-derived-proofs-size1-8.json'),
    36,
    28,
  ],
]

for (const [title, set, inclusionCount, consistencyCount] of sets) {
  const leafHashes = set.leaves_hex.map((h) => hashLeaf(fromHex(h)))
  const tree = memoryTree(leafHashes, [1, 2, 3])
  const root = (size: number) => fromHex(set.roots_by_size_hex[String(size)] as string)

  describe(title, () => {
    it(`has ${inclusionCount} inclusion and ${consistencyCount} consistency proofs`, () => {
      expect(set.inclusion.length).toBe(inclusionCount)
      expect(set.consistency.length).toBe(consistencyCount)
    })

    for (const v of set.inclusion) {
      it(`inclusion of leaf ${v.leaf_index} in size ${v.tree_size}: generated exactly, verifies`, async () => {
        const index = BigInt(v.leaf_index)
        const size = BigInt(v.tree_size)
        const before = tree.calls.count
        const proof = await proveInclusion(index, size, tree.reader)
        expect(tree.calls.count - before).toBeLessThanOrEqual(1)
        expect(proof.map(toHex)).toEqual(v.proof_hex)
        const leaf = leafHashes[v.leaf_index] as Uint8Array
        const published = v.proof_hex.map(fromHex)
        verifyInclusion(leaf, index, size, published, root(v.tree_size))
        expect(toHex(rootFromInclusionProof(leaf, index, size, published))).toBe(
          set.roots_by_size_hex[String(v.tree_size)],
        )
      })
    }

    for (const v of set.consistency) {
      it(`consistency ${v.size1} -> ${v.size2}: generated exactly, verifies`, async () => {
        const first = BigInt(v.size1)
        const second = BigInt(v.size2)
        const proof = await proveConsistency(first, second, tree.reader)
        expect(proof.map(toHex)).toEqual(v.proof_hex)
        verifyConsistency(first, second, root(v.size1), root(v.size2), v.proof_hex.map(fromHex))
      })
    }
  })
}
