/**
 * @module core/snapshot/codec
 * A snapshot as bytes for the device's storage: `VSNAP1\n`, the checkpoint note (u32 length ‖
 * UTF-8), the compact range (u32 length ‖ core/merkle encoding), then size × 12 prefix bytes.
 * Opening stored bytes checks them again: the note must verify under the policy, the range
 * must give the note's root and the prefixes must be as many as leaves, in order.
 */

import { readVigilExtensions } from '../checkpoint/index.ts'
import { equalBytes, fromUtf8, utf8 } from '../codec/index.ts'
import { CompactRange } from '../merkle/index.ts'
import { type Policy, verifyCheckpointWithPolicy } from '../note/index.ts'
import { SnapshotError } from './errors.ts'
import { type LogSnapshot, PREFIX_BYTES, prefixesSorted } from './snapshot.ts'

const MAGIC = utf8('VSNAP1\n')

export function encodeSnapshot(snapshot: LogSnapshot): Uint8Array {
  const note = utf8(snapshot.note)
  const range = snapshot.range.encode()
  const out = new Uint8Array(
    MAGIC.length + 4 + note.length + 4 + range.length + snapshot.prefixes.length,
  )
  const view = new DataView(out.buffer)
  let at = 0
  out.set(MAGIC, at)
  at += MAGIC.length
  view.setUint32(at, note.length)
  out.set(note, at + 4)
  at += 4 + note.length
  view.setUint32(at, range.length)
  out.set(range, at + 4)
  at += 4 + range.length
  out.set(snapshot.prefixes, at)
  return out
}

function bad(message: string): SnapshotError {
  return new SnapshotError('SNAPSHOT_FORMAT', message, { field: 'snapshot' })
}

/** Parses and re-checks stored bytes against the trust material's policy and log origin. */
export async function openSnapshot(
  bytes: Uint8Array,
  trust: { readonly policy: Policy; readonly origin: string },
): Promise<LogSnapshot> {
  if (bytes.length < MAGIC.length + 8 || !equalBytes(bytes.subarray(0, MAGIC.length), MAGIC)) {
    throw bad('not a snapshot')
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  let at = MAGIC.length
  const noteLength = view.getUint32(at)
  at += 4
  if (at + noteLength + 4 > bytes.length) throw bad('the note is cut short')
  const note = fromUtf8(bytes.subarray(at, at + noteLength))
  at += noteLength
  const rangeLength = view.getUint32(at)
  at += 4
  if (at + rangeLength > bytes.length) throw bad('the compact range is cut short')
  let range: CompactRange
  try {
    range = CompactRange.decode(bytes.slice(at, at + rangeLength))
  } catch {
    throw bad('the compact range does not decode')
  }
  at += rangeLength
  const prefixes = bytes.slice(at)
  if (BigInt(prefixes.length) !== range.size * BigInt(PREFIX_BYTES)) {
    throw bad('the prefixes are not one per leaf')
  }
  const verified = await verifyCheckpointWithPolicy(note, trust.policy, { origin: trust.origin })
  const { size, root, origin } = verified.checkpoint
  const time = readVigilExtensions(verified.checkpoint).time
  if (time === undefined || size !== range.size || !equalBytes(range.root(), root)) {
    throw bad('the compact range does not give the checkpoint root')
  }
  if (!prefixesSorted(prefixes)) throw bad('the prefixes are not sorted')
  return { origin, note, size, root, time, range, prefixes }
}
