/**
 * @module core/snapshot/snapshot
 * An offline snapshot of a Vigil log: the first 12 bytes of every leaf hash (RFC 9162 §2.1.1),
 * sorted for binary search, with the signed checkpoint they were verified against and the
 * tree's compact range (so the next sync only reads what is new). Held to 96 bits so that a
 * forger with a stolen issuer key needs about 2^96 / N signing attempts to hit a logged prefix
 * by chance (docs/VERIFIER.md, "Offline snapshot").
 */
import type { CompactRange } from '../merkle/index.ts'

/** Bytes of each leaf hash kept: 96 bits (see the module comment for the bound). */
export const PREFIX_BYTES = 12

export interface LogSnapshot {
  /** The log's origin line (c2sp.org/tlog-checkpoint). */
  readonly origin: string
  /** The signed checkpoint note, cosignatures included, that the leaves were verified against. */
  readonly note: string
  readonly size: bigint
  readonly root: Uint8Array
  /** The checkpoint's `time` line (POSIX seconds): what the snapshot is current as of. */
  readonly time: number
  /** The right edge of the tree of `size` leaves. */
  readonly range: CompactRange
  /** `size` × PREFIX_BYTES bytes: each leaf hash's prefix, in ascending byte order. */
  readonly prefixes: Uint8Array
}

/** Compares prefix `i` of `sorted` with the first PREFIX_BYTES of `key`. */
function compareAt(sorted: Uint8Array, i: number, key: Uint8Array): number {
  const at = i * PREFIX_BYTES
  for (let k = 0; k < PREFIX_BYTES; k++) {
    const d = (sorted[at + k] as number) - (key[k] as number)
    if (d !== 0) return d
  }
  return 0
}

/** True when a leaf hash's 96-bit prefix is in the snapshot (binary search). */
export function snapshotHasLeaf(snapshot: LogSnapshot, leafHash: Uint8Array): boolean {
  if (leafHash.length < PREFIX_BYTES) throw new RangeError('a leaf hash is 32 bytes')
  let lo = 0
  let hi = snapshot.prefixes.length / PREFIX_BYTES
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const d = compareAt(snapshot.prefixes, mid, leafHash)
    if (d === 0) return true
    if (d < 0) lo = mid + 1
    else hi = mid
  }
  return false
}

function comparePrefixes(a: Uint8Array, b: Uint8Array): number {
  for (let k = 0; k < PREFIX_BYTES; k++) {
    const d = (a[k] as number) - (b[k] as number)
    if (d !== 0) return d
  }
  return 0
}

/** `sorted` (already in order) merged with new prefixes, in a new buffer. */
export function mergePrefixes(sorted: Uint8Array, added: Uint8Array[]): Uint8Array {
  added.sort(comparePrefixes)
  const out = new Uint8Array(sorted.length + added.length * PREFIX_BYTES)
  const count = sorted.length / PREFIX_BYTES
  let i = 0
  let j = 0
  let o = 0
  while (i < count || j < added.length) {
    const next = added[j]
    if (next !== undefined && (i >= count || compareAt(sorted, i, next) > 0)) {
      out.set(next.subarray(0, PREFIX_BYTES), o)
      j++
    } else {
      out.set(sorted.subarray(i * PREFIX_BYTES, (i + 1) * PREFIX_BYTES), o)
      i++
    }
    o += PREFIX_BYTES
  }
  return out
}

/** True when the prefixes are in ascending order (equal neighbours allowed: prefixes may collide). */
export function prefixesSorted(prefixes: Uint8Array): boolean {
  const count = prefixes.length / PREFIX_BYTES
  for (let i = 1; i < count; i++) {
    const prev = prefixes.subarray((i - 1) * PREFIX_BYTES, i * PREFIX_BYTES)
    if (compareAt(prefixes, i, prev) < 0) return false
  }
  return true
}
