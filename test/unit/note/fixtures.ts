/**
 * Test-only helpers: an independent RFC 6962 tree (leaf = SHA-256(0x00‖d), node =
 * SHA-256(0x01‖l‖r)) built with @noble/hashes, and code assertions for NoteError.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { expect } from 'vitest'
import { NoteError, type NoteErrorCode } from '../../../src/core/note/index.ts'

const enc = new TextEncoder()

export function leafHash(data: Uint8Array | string): Uint8Array {
  const d = typeof data === 'string' ? enc.encode(data) : data
  return sha256(Uint8Array.of(0, ...d))
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1, ...left, ...right))
}

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** RFC 6962 §2.1 MTH over leaf hashes. */
export function treeRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0))
  if (leaves.length === 1) return leaves[0] as Uint8Array
  const k = split(leaves.length)
  return nodeHash(treeRoot(leaves.slice(0, k)), treeRoot(leaves.slice(k)))
}

/** RFC 6962 §2.1.1 PATH(m, D[n]) over leaf hashes. */
export function inclusionPath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return []
  const k = split(leaves.length)
  return m < k
    ? [...inclusionPath(m, leaves.slice(0, k)), treeRoot(leaves.slice(k))]
    : [...inclusionPath(m - k, leaves.slice(k)), treeRoot(leaves.slice(0, k))]
}

export async function expectCode(
  action: Promise<unknown> | (() => unknown),
  code: NoteErrorCode,
): Promise<NoteError> {
  let error: unknown
  try {
    await (typeof action === 'function' ? action() : action)
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(NoteError)
  expect((error as NoteError).code).toBe(code)
  return error as NoteError
}

/** Replaces the one occurrence of `from` in `text` (fails the test if it is absent). */
export function replaceOnce(text: string, from: string, to: string): string {
  expect(text.split(from).length).toBe(2)
  return text.replace(from, () => to)
}
