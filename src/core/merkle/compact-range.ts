/**
 * @module core/merkle/compact-range
 * The right edge of a tree: one perfect-subtree root per set bit of `size`, largest first
 * (transparency-dev/merkle docs/compact_ranges.md). Appends cost O(1) amortised hashes and name
 * every newly completed stored node, which is what an appending sequencer persists.
 */
import { MerkleError } from './errors.ts'
import { checkHashes, checkUint64, popCount, UINT64_LIMIT } from './guards.ts'
import { EMPTY_ROOT, HASH_SIZE, hashChildren } from './hash.ts'
import { foldRightEdge, type StoredHash } from './nodes.ts'

export interface AppendResult {
  readonly range: CompactRange
  readonly root: Uint8Array
  /** Newly completed stored nodes: each leaf (level 0) and each parent it completed. */
  readonly stored: StoredHash[]
}

/** Immutable: `append` returns a new range, so a failed DB transaction keeps the old one. */
export class CompactRange {
  readonly size: bigint
  readonly #hashes: readonly Uint8Array[]

  private constructor(size: bigint, hashes: readonly Uint8Array[]) {
    this.size = size
    this.#hashes = hashes
  }

  static empty(): CompactRange {
    return new CompactRange(0n, [])
  }

  /** From stored right-edge roots (largest first), e.g. read back with `readCompactRange`. */
  static fromHashes(size: bigint, hashes: readonly Uint8Array[]): CompactRange {
    checkUint64(size, 'size')
    checkHashes(hashes, 'hashes')
    if (hashes.length !== popCount(size)) {
      throw new MerkleError('MERKLE_COMPACT_RANGE', 'need one hash per set bit of size', {
        field: 'hashes',
      })
    }
    return new CompactRange(
      size,
      hashes.map((h) => h.slice()),
    )
  }

  /** Copies of the right-edge roots, largest subtree first. */
  get hashes(): Uint8Array[] {
    return this.#hashes.map((h) => h.slice())
  }

  /** MTH of the whole tree: the edge folded right to left. */
  root(): Uint8Array {
    return this.#hashes.length === 0 ? EMPTY_ROOT.slice() : foldRightEdge(this.#hashes)
  }

  append(leafHashes: readonly Uint8Array[]): AppendResult {
    checkHashes(leafHashes, 'leafHashes')
    if (this.size + BigInt(leafHashes.length) >= UINT64_LIMIT) {
      throw new MerkleError('MERKLE_UINT64_RANGE', 'tree size would reach 2^64', { field: 'size' })
    }
    const stack = this.#hashes.slice()
    const stored: StoredHash[] = []
    let size = this.size
    for (const leaf of leafHashes) {
      let hash: Uint8Array = leaf.slice()
      let level = 0
      let index = size
      stored.push({ level, index, hash })
      // Each set low bit of size is a left sibling on the edge that this leaf now completes.
      while ((size >> BigInt(level)) & 1n) {
        hash = hashChildren(stack.pop() as Uint8Array, hash)
        level++
        index >>= 1n
        stored.push({ level, index, hash })
      }
      stack.push(hash)
      size++
    }
    const range = new CompactRange(size, stack)
    return { range, root: range.root(), stored }
  }

  /** Bytes for a DB row: 8-byte big-endian size ‖ one 32-byte hash per set bit of size. */
  encode(): Uint8Array {
    const out = new Uint8Array(8 + HASH_SIZE * this.#hashes.length)
    new DataView(out.buffer).setBigUint64(0, this.size)
    for (const [i, h] of this.#hashes.entries()) out.set(h, 8 + HASH_SIZE * i)
    return out
  }

  /** Strict inverse of `encode`: the length must match the size's bit count exactly. */
  static decode(bytes: Uint8Array): CompactRange {
    if (!(bytes instanceof Uint8Array) || bytes.length < 8) {
      throw new MerkleError('MERKLE_COMPACT_RANGE', 'compact range bytes too short')
    }
    const size = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0)
    const count = popCount(size)
    if (bytes.length !== 8 + HASH_SIZE * count) {
      throw new MerkleError('MERKLE_COMPACT_RANGE', 'compact range length does not match size')
    }
    const hashes: Uint8Array[] = []
    for (let i = 0; i < count; i++) {
      hashes.push(bytes.slice(8 + HASH_SIZE * i, 8 + HASH_SIZE * (i + 1)))
    }
    return new CompactRange(size, hashes)
  }
}
