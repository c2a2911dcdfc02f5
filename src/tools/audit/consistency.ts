/**
 * @module tools/audit/consistency
 * Consistency proofs built from the tree an audit recomputes, without holding that tree: when a
 * checkpoint of size m has been checked and the next one (size n) is known, the nodes PROOF(m, n)
 * needs are planned (at most 2·log n). Those left of m are the compact range at m, at hand now;
 * the others are completed while leaves m…n−1 are appended, and are captured then.
 */
import {
  type CompactRange,
  proveConsistency,
  type StoredHash,
  subtreeNodes,
  type TreeNode,
} from '../../core/merkle/index.ts'

const key = (n: TreeNode) => `${n.level}/${n.index}`

export class ConsistencyCapture {
  #wanted = new Set<string>()
  #captured = new Map<string, Uint8Array>()

  /** Plans PROOF(range.size, next); nothing when either tree is empty or `next` is not larger. */
  async plan(range: CompactRange, next: bigint | undefined): Promise<void> {
    this.#wanted = new Set()
    this.#captured = new Map()
    if (range.size === 0n || next === undefined || next <= range.size) return
    const blank = new Uint8Array(32)
    await proveConsistency(range.size, next, async (nodes) => {
      for (const n of nodes) this.#wanted.add(key(n))
      return nodes.map(() => blank)
    })
    const edge = range.hashes
    for (const [i, n] of subtreeNodes(0n, range.size).entries())
      this.#captured.set(key(n), edge[i] as Uint8Array)
  }

  /** Keeps the newly completed nodes the planned proof asks for. */
  capture(stored: readonly StoredHash[]): void {
    if (this.#wanted.size === 0) return
    for (const s of stored) if (this.#wanted.has(key(s))) this.#captured.set(key(s), s.hash)
  }

  /** The planned proof, from the captured hashes. */
  prove(first: bigint, second: bigint): Promise<Uint8Array[]> {
    return proveConsistency(first, second, async (nodes) =>
      nodes.map((n) => {
        const hash = this.#captured.get(key(n))
        if (hash === undefined) throw new Error(`node ${key(n)} was not captured`)
        return hash
      }),
    )
  }
}
