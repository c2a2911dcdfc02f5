import { describe, expect, it } from 'vitest'
import { fromBase64, fromHex } from '../../../src/core/codec/index.ts'
import {
  hashChildren,
  hashLeaf,
  type MerkleErrorCode,
  proveConsistency,
  proveInclusion,
  rootFromInclusionProof,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { expectCode, expectCodeAsync, flipByte, memoryTree } from './fixtures.ts'

const ARGON = 'tlog/golang-mod-argon2020'
const sth = readVectorJson<{ tree_size: number; sha256_root_hash: string }>(`${ARGON}/sth.json`)
const entries = readVectorJson<{ entries: { leaf_input: string }[] }>(`${ARGON}/entries.json`)
const auditPath = readVectorJson<{ leaf_index: number; audit_path: string[] }>(
  `${ARGON}/proof.json`,
)
const consistency = readVectorJson<{ consistency: string[] }>(`${ARGON}/consistency.json`)
const params = readVectorJson<{
  inclusion: { leaf_index: number }
  consistency: { first: number; first_root_b64: string }
}>(`${ARGON}/params.json`)

const size = BigInt(sth.tree_size)
const root = fromBase64(sth.sha256_root_hash)
const leaf = hashLeaf(fromBase64(entries.entries[0]?.leaf_input as string))
const index = BigInt(params.inclusion.leaf_index)
const path = auditPath.audit_path.map(fromBase64)
const oldSize = BigInt(params.consistency.first)
const oldRoot = fromBase64(params.consistency.first_root_b64)
const cproof = consistency.consistency.map(fromBase64)

type Case = [string, () => void, MerkleErrorCode, string]

function runCases(cases: Case[]): void {
  for (const [name, fn, code, field] of cases)
    it(`${name} -> ${code}`, () => expectCode(fn, code, field))
}

describe('golang/mod sumdb/tlog testdata/argon2020 (real Google Argon 2020 CT data)', () => {
  it('leaf 10000 inclusion proof (30 hashes) verifies against the STH', () => {
    expect(BigInt(auditPath.leaf_index)).toBe(index)
    expect(path.length).toBe(30)
    verifyInclusion(leaf, index, size, path, root)
  })
  it('consistency proof 3,654,490 -> 961,984,013 (30 hashes) verifies', () => {
    expect(cproof.length).toBe(30)
    verifyConsistency(oldSize, size, oldRoot, root, cproof)
  })
})

describe('verifyInclusion negatives (Argon2020 leaf 10000, one field corrupted at a time)', () => {
  const p = (f: (x: Uint8Array[]) => Uint8Array[]) => f(path.slice())
  runCases([
    [
      'flipped byte in proof[0]',
      () =>
        verifyInclusion(
          leaf,
          index,
          size,
          p((x) => {
            x[0] = flipByte(x[0] as Uint8Array)
            return x
          }),
          root,
        ),
      'MERKLE_ROOT_MISMATCH',
      'root',
    ],
    [
      'flipped byte in proof[29]',
      () =>
        verifyInclusion(
          leaf,
          index,
          size,
          p((x) => {
            x[29] = flipByte(x[29] as Uint8Array, 31)
            return x
          }),
          root,
        ),
      'MERKLE_ROOT_MISMATCH',
      'root',
    ],
    [
      'truncated proof',
      () => verifyInclusion(leaf, index, size, path.slice(0, 29), root),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'extra element',
      () => verifyInclusion(leaf, index, size, [...path, root], root),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'preceding element',
      () => verifyInclusion(leaf, index, size, [root, ...path], root),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'empty proof',
      () => verifyInclusion(leaf, index, size, [], root),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'index = size',
      () => verifyInclusion(leaf, size, size, path, root),
      'MERKLE_INDEX_OUT_OF_RANGE',
      'index',
    ],
    [
      'index > size',
      () => verifyInclusion(leaf, size + 5n, size, path, root),
      'MERKLE_INDEX_OUT_OF_RANGE',
      'index',
    ],
    [
      'neighbouring index',
      () => verifyInclusion(leaf, index + 1n, size, path, root),
      'MERKLE_ROOT_MISMATCH',
      'root',
    ],
    [
      'wrong leaf',
      () => verifyInclusion(flipByte(leaf), index, size, path, root),
      'MERKLE_ROOT_MISMATCH',
      'root',
    ],
    [
      'wrong root',
      () => verifyInclusion(leaf, index, size, path, flipByte(root, 7)),
      'MERKLE_ROOT_MISMATCH',
      'root',
    ],
    [
      'root of 31 bytes',
      () => verifyInclusion(leaf, index, size, path, root.slice(1)),
      'MERKLE_BAD_HASH_SIZE',
      'root',
    ],
    [
      'leaf hash of 33 bytes',
      () => verifyInclusion(new Uint8Array([...leaf, 0]), index, size, path, root),
      'MERKLE_BAD_HASH_SIZE',
      'leafHash',
    ],
    [
      'proof[4] of 31 bytes',
      () =>
        verifyInclusion(
          leaf,
          index,
          size,
          p((x) => {
            x[4] = (x[4] as Uint8Array).slice(1)
            return x
          }),
          root,
        ),
      'MERKLE_BAD_HASH_SIZE',
      'proof[4]',
    ],
    [
      'negative index',
      () => verifyInclusion(leaf, -1n, size, path, root),
      'MERKLE_UINT64_RANGE',
      'index',
    ],
    [
      'size of 2^64',
      () => verifyInclusion(leaf, index, 1n << 64n, path, root),
      'MERKLE_UINT64_RANGE',
      'size',
    ],
    [
      'rootFromInclusionProof: truncated',
      () => rootFromInclusionProof(leaf, index, size, path.slice(1)),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
  ])
})

describe('verifyConsistency negatives (Argon2020 3,654,490 -> 961,984,013)', () => {
  const p = (i: number, at = 0) => cproof.map((h, j) => (j === i ? flipByte(h, at) : h))
  runCases([
    [
      'flipped byte in proof[0] (old subtree root)',
      () => verifyConsistency(oldSize, size, oldRoot, root, p(0)),
      'MERKLE_ROOT_MISMATCH',
      'firstRoot',
    ],
    [
      'flipped byte in proof[29]',
      () => verifyConsistency(oldSize, size, oldRoot, root, p(29, 31)),
      'MERKLE_ROOT_MISMATCH',
      'secondRoot',
    ],
    [
      'truncated proof',
      () => verifyConsistency(oldSize, size, oldRoot, root, cproof.slice(0, 29)),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'extra element',
      () => verifyConsistency(oldSize, size, oldRoot, root, [...cproof, root]),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'empty proof',
      () => verifyConsistency(oldSize, size, oldRoot, root, []),
      'MERKLE_CONSISTENCY_EMPTY_PROOF',
      'proof',
    ],
    [
      'wrong old root',
      () => verifyConsistency(oldSize, size, flipByte(oldRoot), root, cproof),
      'MERKLE_ROOT_MISMATCH',
      'firstRoot',
    ],
    [
      'wrong new root',
      () => verifyConsistency(oldSize, size, oldRoot, flipByte(root), cproof),
      'MERKLE_ROOT_MISMATCH',
      'secondRoot',
    ],
    [
      'swapped sizes',
      () => verifyConsistency(size, oldSize, root, oldRoot, cproof),
      'MERKLE_SIZE_ORDER',
      'first',
    ],
    [
      'old size 0',
      () => verifyConsistency(0n, size, oldRoot, root, cproof),
      'MERKLE_CONSISTENCY_EMPTY_TREE',
      'first',
    ],
    [
      'old size + 1',
      () => verifyConsistency(oldSize + 1n, size, oldRoot, root, cproof),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'old root of 31 bytes',
      () => verifyConsistency(oldSize, size, oldRoot.slice(1), root, cproof),
      'MERKLE_BAD_HASH_SIZE',
      'firstRoot',
    ],
    [
      'new root of 33 bytes',
      () => verifyConsistency(oldSize, size, oldRoot, new Uint8Array(33), cproof),
      'MERKLE_BAD_HASH_SIZE',
      'secondRoot',
    ],
    [
      'proof[3] empty',
      () =>
        verifyConsistency(
          oldSize,
          size,
          oldRoot,
          root,
          cproof.map((h, j) => (j === 3 ? new Uint8Array(0) : h)),
        ),
      'MERKLE_BAD_HASH_SIZE',
      'proof[3]',
    ],
    [
      'equal sizes, non-empty proof',
      () => verifyConsistency(size, size, root, root, cproof),
      'MERKLE_PROOF_LENGTH',
      'proof',
    ],
    [
      'equal sizes, different roots',
      () => verifyConsistency(size, size, root, oldRoot, []),
      'MERKLE_ROOT_MISMATCH',
      'secondRoot',
    ],
    [
      'second size of 2^64',
      () => verifyConsistency(oldSize, 1n << 64n, oldRoot, root, cproof),
      'MERKLE_UINT64_RANGE',
      'second',
    ],
  ])
  it('equal sizes with equal roots and an empty proof pass', () => {
    verifyConsistency(size, size, root, root.slice(), [])
  })
})

describe('proof generation rejects bad requests', () => {
  const tree = memoryTree([hashLeaf(new Uint8Array(0)), hashLeaf(Uint8Array.of(1))])
  it('with specific codes', async () => {
    await expectCodeAsync(proveInclusion(2n, 2n, tree.reader), 'MERKLE_INDEX_OUT_OF_RANGE', 'index')
    await expectCodeAsync(proveInclusion(0n, 0n, tree.reader), 'MERKLE_INDEX_OUT_OF_RANGE', 'index')
    await expectCodeAsync(proveInclusion(-1n, 2n, tree.reader), 'MERKLE_UINT64_RANGE', 'index')
    await expectCodeAsync(proveConsistency(2n, 1n, tree.reader), 'MERKLE_SIZE_ORDER', 'first')
    await expectCodeAsync(
      proveConsistency(0n, 2n, tree.reader),
      'MERKLE_CONSISTENCY_EMPTY_TREE',
      'first',
    )
    await expectCodeAsync(
      proveConsistency(1n, 1n << 64n, tree.reader),
      'MERKLE_UINT64_RANGE',
      'second',
    )
    expect(await proveConsistency(2n, 2n, tree.reader)).toEqual([])
    expect(tree.calls.count).toBe(0)
  })
})

describe('indices and sizes near 2^64', () => {
  // A real tree whose leaves all hash to L: the perfect subtree at level l is P[l] = NH(P[l-1],
  // P[l-1]), so every stored node of a (2^64 - 1)-leaf tree can be served in 64 hashes.
  const P: Uint8Array[] = [hashLeaf(new Uint8Array(0))]
  for (let l = 1; l < 64; l++) P.push(hashChildren(P[l - 1] as Uint8Array, P[l - 1] as Uint8Array))
  const reader = async (nodes: { level: number }[]) => nodes.map((n) => P[n.level] as Uint8Array)
  const L = P[0] as Uint8Array
  const MAX = (1n << 64n) - 1n

  it('inclusion of the last and first leaves of a 2^64 - 1 leaf tree', async () => {
    const bigRoot = await treeHash(MAX, reader)
    for (const i of [MAX - 1n, 0n, 1n << 63n, MAX - 2n]) {
      const proof = await proveInclusion(i, MAX, reader)
      verifyInclusion(L, i, MAX, proof, bigRoot)
      expectCode(() => verifyInclusion(L, i, MAX, [...proof, L], bigRoot), 'MERKLE_PROOF_LENGTH')
    }
    expect((await proveInclusion(MAX - 1n, MAX, reader)).length).toBe(63)
    expect((await proveInclusion(0n, MAX, reader)).length).toBe(64)
    expectCode(() => verifyInclusion(L, MAX, MAX, [], bigRoot), 'MERKLE_INDEX_OUT_OF_RANGE')
    expectCode(() => verifyInclusion(L, MAX + 1n, MAX, [], bigRoot), 'MERKLE_UINT64_RANGE', 'index')
  })
  it('consistency between sizes near 2^64', async () => {
    for (const [a, b] of [
      [MAX - 1n, MAX],
      [1n, MAX],
      [1n << 63n, MAX],
      [12345n, MAX - 7n],
    ] as const) {
      const proof = await proveConsistency(a, b, reader)
      verifyConsistency(a, b, await treeHash(a, reader), await treeHash(b, reader), proof)
      const bad = proof.map((h, i) => (i === proof.length - 1 ? flipByte(h) : h))
      expectCode(
        () => verifyConsistency(a, b, edgeRoot(a), edgeRoot(b), bad),
        'MERKLE_ROOT_MISMATCH',
      )
    }
  })
  // Roots computed synchronously from the same P table, for the flipped-proof check above.
  function edgeRoot(n: bigint): Uint8Array {
    const edge: Uint8Array[] = []
    for (let l = 63; l >= 0; l--) if ((n >> BigInt(l)) & 1n) edge.push(P[l] as Uint8Array)
    let h = edge.pop() as Uint8Array
    while (edge.length) h = hashChildren(edge.pop() as Uint8Array, h)
    return h
  }
  it('matches the hex of a known 0x00 leaf', () => {
    expect(L).toEqual(fromHex('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'))
  })
})
