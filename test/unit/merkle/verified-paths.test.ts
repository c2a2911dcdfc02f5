import { describe, expect, it } from 'vitest'
import {
  createVerifiedPaths,
  hashLeaf,
  MerkleError,
  proveInclusion,
  rootFromLeafHashes,
  verifyInclusion,
  verifyInclusionKept,
} from '../../../src/core/merkle/index.ts'
import { flipByte, memoryTree, prng } from './fixtures.ts'

const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(Uint8Array.of(i, i >> 8)))
const tree = memoryTree(leaves)

/** The error code verifyInclusion gives (undefined: it verifies). */
function codeOf(fn: () => void): string | undefined {
  try {
    fn()
    return undefined
  } catch (e) {
    if (e instanceof MerkleError) return e.code
    throw e
  }
}

describe('verifyInclusionKept: proofs answered from kept paths give what verifyInclusion gives', () => {
  it('every leaf of every tree size verifies, in any order, with paths kept across leaves', async () => {
    const paths = createVerifiedPaths()
    const next = prng(7)
    for (const size of [1, 2, 3, 7, 8, 9, 31, 32, 33, 64, 70]) {
      const root = rootFromLeafHashes(leaves.slice(0, size))
      const order = Array.from({ length: size }, (_, i) => i).sort(() => next(3) - 1)
      for (const round of [0, 1]) {
        for (const i of order) {
          const proof = await proveInclusion(BigInt(i), BigInt(size), tree.reader)
          const leaf = leaves[i] as Uint8Array
          expect(
            codeOf(() => verifyInclusionKept(paths, leaf, BigInt(i), BigInt(size), proof, root)),
            `size ${size}, leaf ${i}, round ${round}`,
          ).toBeUndefined()
        }
      }
    }
  })

  it('tampered leaves, siblings, indices, sizes and roots fail with verifyInclusion’s code, before and after the path is kept', async () => {
    const paths = createVerifiedPaths()
    const size = 70n
    const root = rootFromLeafHashes(leaves)
    for (const i of [0, 1, 5, 33, 64, 68, 69]) {
      const index = BigInt(i)
      const proof = await proveInclusion(index, size, tree.reader)
      const leaf = leaves[i] as Uint8Array
      const cases: [string, Uint8Array, bigint, bigint, Uint8Array[], Uint8Array][] = [
        ['leaf', flipByte(leaf), index, size, proof, root],
        ['neighbour leaf', leaves[i ^ 1] ?? flipByte(leaf), index, size, proof, root],
        ['index', leaf, index ^ 1n, size, proof, root],
        ['index past size', leaf, size, size, proof, root],
        ['size', leaf, index, size + 1n, proof, root],
        ['root', leaf, index, size, proof, flipByte(root)],
        ['short root', leaf, index, size, proof, root.subarray(1)],
        ['short proof', leaf, index, size, proof.slice(1), root],
        ['long proof', leaf, index, size, [...proof, root], root],
        [
          'short sibling',
          leaf,
          index,
          size,
          [proof[0]?.subarray(1) as Uint8Array, ...proof.slice(1)],
          root,
        ],
        ['negative index', leaf, -1n, size, proof, root],
        ['index ≥ 2^64', leaf, 2n ** 64n, 2n ** 64n + 1n, proof, root],
        ...proof.map((_, k): [string, Uint8Array, bigint, bigint, Uint8Array[], Uint8Array] => [
          `sibling ${k}`,
          leaf,
          index,
          size,
          proof.map((p, j) => (j === k ? flipByte(p) : p)),
          root,
        ]),
      ]
      for (const pass of ['before', 'after']) {
        for (const [name, l, x, n, p, r] of cases) {
          const want = codeOf(() => verifyInclusion(l, x, n, p, r))
          // A larger size with the same proof shape still gives the root (the size only fixes
          // the shape, RFC 9162 §2.1.3.2): both must then agree that it verifies.
          if (name !== 'size') expect(want, `${name} must fail`).toBeDefined()
          expect(
            codeOf(() => verifyInclusionKept(paths, l, x, n, p, r)),
            `${pass}: ${name}`,
          ).toBe(want)
        }
        verifyInclusionKept(paths, leaf, index, size, proof, root)
      }
    }
  })

  it('keeps its own copies: the caller changing its arrays afterwards changes nothing', async () => {
    const paths = createVerifiedPaths()
    const root = rootFromLeafHashes(leaves)
    const proof = (await proveInclusion(10n, 70n, tree.reader)).map((p) => p.slice())
    const leaf = Uint8Array.from(leaves[10] as Uint8Array)
    verifyInclusionKept(paths, leaf, 10n, 70n, proof, root)
    leaf.set([(leaf[0] as number) ^ 1])
    for (const p of proof) p.set([(p[0] as number) ^ 1])
    const fresh = await proveInclusion(11n, 70n, tree.reader)
    verifyInclusionKept(paths, leaves[11] as Uint8Array, 11n, 70n, fresh, root)
    expect(codeOf(() => verifyInclusionKept(paths, leaf, 10n, 70n, proof, root))).toBe(
      'MERKLE_ROOT_MISMATCH',
    )
  })

  it('past the bound on kept nodes, proofs still verify in full and tampered ones still fail', async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => hashLeaf(Uint8Array.of(i, i >> 8, 1)))
    const big = memoryTree(many)
    const paths = createVerifiedPaths()
    for (const pass of [0, 1]) {
      for (let i = 0; i < many.length; i += 1 + pass * 6) {
        const proof = await proveInclusion(BigInt(i), big.size, big.reader)
        const leaf = many[i] as Uint8Array
        verifyInclusionKept(paths, leaf, BigInt(i), big.size, proof, big.root)
        if (i % 97 === 0) {
          expect(
            codeOf(() =>
              verifyInclusionKept(paths, flipByte(leaf), BigInt(i), big.size, proof, big.root),
            ),
          ).toBe('MERKLE_ROOT_MISMATCH')
        }
      }
    }
    const kept = [...paths.trees.values()][0] ?? []
    expect(kept.reduce((n, level) => n + level.size, 0)).toBeLessThan(4_096 + 64)
  })
})
