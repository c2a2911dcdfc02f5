/**
 * @module core/merkle/hash
 * RFC 9162 §2.1.1 hashing with domain separation: a one-byte prefix keeps a leaf from ever being
 * read as an interior node (second-preimage defence, RFC 6962 §2.1).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { sha256SyncParts } from '../codec/index.ts'

/** SHA-256 output length; every leaf hash, node hash and root has it. */
export const HASH_SIZE = 32

const LEAF_PREFIX = Uint8Array.of(0x00)
const NODE_PREFIX = Uint8Array.of(0x01)

/** MTH({}) = SHA-256(""): the root of the empty tree. Shared: never mutate it. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0))

/** Leaf hash: SHA-256(0x00 ‖ data), through the platform's SHA-256 (codec useSha256). */
export function hashLeaf(data: Uint8Array): Uint8Array {
  return sha256SyncParts(LEAF_PREFIX, data)
}

/** Interior node hash: SHA-256(0x01 ‖ left ‖ right). Lengths are the caller's concern. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256SyncParts(NODE_PREFIX, left, right)
}
