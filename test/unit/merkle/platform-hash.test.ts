/**
 * The core's SHA-256 seam (codec useSha256): the pure @noble/hashes fallback that browsers and
 * Workers keep, and node:crypto that Node installs (src/platform/node-crypto), give the same
 * RFC 6962 / RFC 9162 hashes on the transparency-dev vectors, and the same async digests.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { fromHex, sha256, toHex, useSha256, utf8 } from '../../../src/core/codec/index.ts'
import { hashChildren, hashLeaf, rootFromLeafHashes } from '../../../src/core/merkle/index.ts'
import { nodeSha256 } from '../../../src/platform/node-crypto/sha256.ts'
import { readVectorJson } from '../../helpers/vectors.ts'

interface Reference {
  hasher_vectors: {
    leaf_empty_hex: string
    leaf_L123456: { data_ascii: string; hash_hex: string }
    node_N123_N456: { left_ascii: string; right_ascii: string; hash_hex: string }
  }
  leaves_hex: string[]
  roots_by_size_hex: Record<string, string>
}
const ref = readVectorJson<Reference>('tlog/rfc6962-reference.json')

afterEach(() => useSha256(undefined))

describe.each([
  ['@noble/hashes (browsers, Workers)', undefined],
  ['node:crypto (Node)', nodeSha256],
])('transparency-dev/merkle rfc6962 vectors through %s', (_, impl) => {
  it('leaf and node hashes, and every root for sizes 1-8', () => {
    useSha256(impl)
    const v = ref.hasher_vectors
    expect(toHex(hashLeaf(new Uint8Array(0)))).toBe(v.leaf_empty_hex)
    expect(toHex(hashLeaf(utf8(v.leaf_L123456.data_ascii)))).toBe(v.leaf_L123456.hash_hex)
    const n = v.node_N123_N456
    expect(toHex(hashChildren(utf8(n.left_ascii), utf8(n.right_ascii)))).toBe(n.hash_hex)
    const leaves = ref.leaves_hex.map((h) => hashLeaf(fromHex(h)))
    for (const [size, root] of Object.entries(ref.roots_by_size_hex))
      expect(toHex(rootFromLeafHashes(leaves.slice(0, Number(size)))), size).toBe(root)
  })
  it('the async digest agrees with WebCrypto on small and large inputs, as a plain Uint8Array', async () => {
    useSha256(impl)
    for (const size of [0, 65, 8192, 100_000]) {
      const data = new Uint8Array(size).map((_, i) => i * 7)
      const digest = await sha256(data)
      expect(digest.constructor).toBe(Uint8Array)
      expect(digest).toEqual(new Uint8Array(await crypto.subtle.digest('SHA-256', data)))
    }
  })
})
