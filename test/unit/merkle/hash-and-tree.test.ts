import { describe, expect, it } from 'vitest'
import { fromHex, toHex, utf8 } from '../../../src/core/codec/index.ts'
import {
  CompactRange,
  EMPTY_ROOT,
  HASH_SIZE,
  hashChildren,
  hashLeaf,
  readCompactRange,
  rootFromLeafHashes,
  subtreeNodes,
  treeHash,
} from '../../../src/core/merkle/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { expectCode, expectCodeAsync, key, memoryTree } from './fixtures.ts'

interface Reference {
  hasher_vectors: {
    empty_tree_root_hex: string
    leaf_empty_hex: string
    leaf_L123456: { data_ascii: string; hash_hex: string }
    node_N123_N456: { left_ascii: string; right_ascii: string; hash_hex: string }
  }
  leaves_hex: string[]
  roots_by_size_hex: Record<string, string>
}

const ref = readVectorJson<Reference>('tlog/rfc6962-reference.json')
const leafHashes = ref.leaves_hex.map((h) => hashLeaf(fromHex(h)))

describe('transparency-dev/merkle rfc6962/rfc6962_test.go: hasher vectors', () => {
  const v = ref.hasher_vectors
  it('empty tree root is SHA-256("")', () => {
    expect(toHex(EMPTY_ROOT)).toBe(v.empty_tree_root_hex)
    expect(EMPTY_ROOT.length).toBe(HASH_SIZE)
  })
  it('leaf("") is not the empty root', () => {
    expect(toHex(hashLeaf(new Uint8Array(0)))).toBe(v.leaf_empty_hex)
  })
  it('leaf("L123456")', () => {
    expect(toHex(hashLeaf(utf8(v.leaf_L123456.data_ascii)))).toBe(v.leaf_L123456.hash_hex)
  })
  it('node("N123", "N456")', () => {
    const n = v.node_N123_N456
    expect(toHex(hashChildren(utf8(n.left_ascii), utf8(n.right_ascii)))).toBe(n.hash_hex)
  })
})

describe('transparency-dev/merkle cmd/proofgen: roots for sizes 1-8', () => {
  it('rootFromLeafHashes of no leaves is the empty root (and a copy)', () => {
    const r = rootFromLeafHashes([])
    expect(toHex(r)).toBe(ref.hasher_vectors.empty_tree_root_hex)
    expect(r).not.toBe(EMPTY_ROOT)
  })
  for (const [size, root] of Object.entries(ref.roots_by_size_hex)) {
    it(`size ${size}: MTH, compact range, and treeHash from stored nodes`, async () => {
      const leaves = leafHashes.slice(0, Number(size))
      expect(toHex(rootFromLeafHashes(leaves))).toBe(root)
      const tree = memoryTree(leaves, [1])
      expect(toHex(tree.root)).toBe(root)
      expect(toHex(await treeHash(BigInt(size), tree.reader))).toBe(root)
      expect(tree.calls.count).toBe(1)
      expect(tree.calls.nodes).toBe(subtreeNodes(0n, BigInt(size)).length)
    })
  }
  it('treeHash(0) is the empty root without reading', async () => {
    const tree = memoryTree([])
    expect(toHex(await treeHash(0n, tree.reader))).toBe(ref.hasher_vectors.empty_tree_root_hex)
    expect(tree.calls.count).toBe(0)
  })
})

describe('CompactRange (right edge of an appending sequencer)', () => {
  it('emits each leaf and each completed parent exactly once, about one hash per leaf', () => {
    const result = CompactRange.empty().append(leafHashes)
    expect(result.stored.map(key)).toEqual([
      '0/0',
      '0/1',
      '1/0',
      '0/2',
      '0/3',
      '1/1',
      '2/0',
      '0/4',
      '0/5',
      '1/2',
      '0/6',
      '0/7',
      '1/3',
      '2/1',
      '3/0',
    ])
    expect(toHex(result.root)).toBe(ref.roots_by_size_hex['8'])
  })
  it('is immutable: appending to an old range leaves it unchanged', () => {
    const r3 = CompactRange.empty().append(leafHashes.slice(0, 3)).range
    const r5 = r3.append(leafHashes.slice(3, 5))
    expect(r3.size).toBe(3n)
    expect(toHex(r3.root())).toBe(ref.roots_by_size_hex['3'])
    expect(toHex(r5.root)).toBe(ref.roots_by_size_hex['5'])
    expect(r5.range.hashes.length).toBe(2)
  })
  it('round-trips through bytes (8-byte size + one hash per set bit)', () => {
    for (let n = 0; n <= 8; n++) {
      const range = CompactRange.empty().append(leafHashes.slice(0, n)).range
      const bytes = range.encode()
      expect(bytes.length).toBe(8 + 32 * range.hashes.length)
      const back = CompactRange.decode(bytes)
      expect(back.size).toBe(BigInt(n))
      expect(toHex(back.root())).toBe(toHex(range.root()))
      const more = back.append(leafHashes.slice(n)).root
      expect(toHex(more)).toBe(ref.roots_by_size_hex['8'])
    }
  })
  it('resumes from stored nodes with readCompactRange', async () => {
    const tree = memoryTree(leafHashes.slice(0, 7))
    const range = await readCompactRange(7n, tree.reader)
    expect(toHex(range.append([leafHashes[7] as Uint8Array]).root)).toBe(ref.roots_by_size_hex['8'])
  })
  it('rejects malformed input with specific codes', () => {
    const h = leafHashes[0] as Uint8Array
    expectCode(() => CompactRange.fromHashes(3n, [h]), 'MERKLE_COMPACT_RANGE', 'hashes')
    expectCode(() => CompactRange.fromHashes(1n, [h.slice(1)]), 'MERKLE_BAD_HASH_SIZE', 'hashes[0]')
    expectCode(() => CompactRange.fromHashes(-1n, []), 'MERKLE_UINT64_RANGE', 'size')
    expectCode(() => CompactRange.decode(new Uint8Array(7)), 'MERKLE_COMPACT_RANGE')
    const good = CompactRange.fromHashes(1n, [h]).encode()
    expectCode(() => CompactRange.decode(good.slice(0, 39)), 'MERKLE_COMPACT_RANGE')
    expectCode(() => CompactRange.decode(new Uint8Array([...good, 0])), 'MERKLE_COMPACT_RANGE')
    expectCode(() => CompactRange.empty().append([new Uint8Array(31)]), 'MERKLE_BAD_HASH_SIZE')
    expectCode(
      () => rootFromLeafHashes([h, new Uint8Array(33)]),
      'MERKLE_BAD_HASH_SIZE',
      'hashes[1]',
    )
    const full = CompactRange.fromHashes((1n << 64n) - 1n, Array(64).fill(h))
    expectCode(() => full.append([h]), 'MERKLE_UINT64_RANGE', 'size')
  })
  it('checks what a HashReader returns', async () => {
    const tree = memoryTree(leafHashes)
    await expectCodeAsync(
      treeHash(7n, async () => []),
      'MERKLE_READER_RESULT',
    )
    await expectCodeAsync(
      treeHash(7n, async (n) => n.map(() => new Uint8Array(31))),
      'MERKLE_BAD_HASH_SIZE',
    )
    await expectCodeAsync(treeHash(1n << 64n, tree.reader), 'MERKLE_UINT64_RANGE', 'size')
  })
})
