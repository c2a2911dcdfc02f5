import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/core/codec/index.ts'
import {
  hashLeaf,
  proveConsistency,
  proveInclusion,
  rootFromInclusionProof,
  rootFromLeafHashes,
  tileHashReader,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.ts'
import { buildTiles, expectCode, flipByte, mapTileReader, memoryTree, prng } from './fixtures.ts'

const rand = prng(0x5eed_2026)
const EDGE_SIZES = [1, 2, 3, 255, 256, 257, 511, 512, 513, 767, 2048]
const SIZES = [...EDGE_SIZES, ...Array.from({ length: 20 }, () => 1 + rand(3000))]
const SAMPLES = 8

/** Indices worth checking: both ends, the 256-boundaries, and random ones. */
function sample(n: number): number[] {
  const picks = new Set([0, n - 1, Math.min(255, n - 1), Math.min(256, n - 1)])
  for (let i = 0; i < SAMPLES; i++) picks.add(rand(n))
  return [...picks]
}

function flipEach(proof: Uint8Array[], check: (bad: Uint8Array[]) => void): void {
  for (const [i, h] of proof.entries()) {
    check(proof.map((x, j) => (j === i ? flipByte(h, rand(32)) : x)))
  }
}

describe('property: stored-node and tile proofs agree with MTH and verify (seeded PRNG)', () => {
  for (const n of SIZES) {
    it(`size ${n}`, async () => {
      const leaves = Array.from({ length: n }, (_, i) => hashLeaf(utf8(`leaf ${i} of ${n}`)))
      const chunks = Array.from({ length: 5 }, () => 1 + rand(300))
      const tree = memoryTree(leaves, chunks)
      const size = BigInt(n)
      const root = rootFromLeafHashes(leaves)
      expect(tree.root).toEqual(root)
      expect(await treeHash(size, tree.reader)).toEqual(root)

      const tiles = mapTileReader(buildTiles(tree.stored, size))
      const fromTiles = tileHashReader(size, tiles.read, root)
      expect(await treeHash(size, tileHashReader(size, tiles.read))).toEqual(root)

      for (const i of sample(n)) {
        const index = BigInt(i)
        const leaf = leaves[i] as Uint8Array
        const before = tree.calls.count
        const proof = await proveInclusion(index, size, tree.reader)
        expect(tree.calls.count - before).toBeLessThanOrEqual(1)
        verifyInclusion(leaf, index, size, proof, root)
        expect(await proveInclusion(index, size, fromTiles)).toEqual(proof)
        flipEach(proof, (bad) =>
          expectCode(() => verifyInclusion(leaf, index, size, bad, root), 'MERKLE_ROOT_MISMATCH'),
        )
        if (proof.length > 0) {
          expectCode(
            () => rootFromInclusionProof(leaf, index, size, proof.slice(1)),
            'MERKLE_PROOF_LENGTH',
          )
        }
      }

      for (const m of sample(n).map((x) => x + 1)) {
        const first = BigInt(m)
        const firstRoot = rootFromLeafHashes(leaves.slice(0, m))
        const proof = await proveConsistency(first, size, tree.reader)
        verifyConsistency(first, size, firstRoot, root, proof)
        expect(await proveConsistency(first, size, fromTiles)).toEqual(proof)
        flipEach(proof, (bad) =>
          expectCode(
            () => verifyConsistency(first, size, firstRoot, root, bad),
            'MERKLE_ROOT_MISMATCH',
          ),
        )
        if (m < n) {
          expectCode(
            () => verifyConsistency(first, size, firstRoot, root, [...proof, root]),
            'MERKLE_PROOF_LENGTH',
          )
        }
        // Intermediate trees: consistency between two prefixes, both below the stored size.
        const mid = m + rand(n - m + 1)
        const midRoot = rootFromLeafHashes(leaves.slice(0, mid))
        const inner = await proveConsistency(first, BigInt(mid), tree.reader)
        verifyConsistency(first, BigInt(mid), firstRoot, midRoot, inner)
      }
    })
  }

  it('size 65,537: three tile levels, parent-tile authentication up the chain', async () => {
    const n = 65_537
    const leaves = Array.from({ length: n }, (_, i) => hashLeaf(utf8(`big ${i}`)))
    const tree = memoryTree(leaves, [4096])
    const size = BigInt(n)
    const tiles = mapTileReader(buildTiles(tree.stored, size))
    const reader = tileHashReader(size, tiles.read, tree.root)
    expect(await treeHash(size, reader)).toEqual(tree.root)
    for (const i of [0, 1000, 65_535, 65_536]) {
      const proof = await proveInclusion(BigInt(i), size, reader)
      expect(proof).toEqual(await proveInclusion(BigInt(i), size, tree.reader))
      verifyInclusion(leaves[i] as Uint8Array, BigInt(i), size, proof, tree.root)
    }
    const old = 40_000n
    const oldRoot = await treeHash(old, tree.reader)
    verifyConsistency(old, size, oldRoot, tree.root, await proveConsistency(old, size, reader))
  })
})
