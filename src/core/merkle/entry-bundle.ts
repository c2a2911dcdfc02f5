/**
 * @module core/merkle/entry-bundle
 * tlog-tiles entry bundles: up to 256 entries, each a big-endian uint16 length then the bytes.
 * Bundles are fetched from untrusted storage, so decoding is strict: no truncation, no trailing
 * bytes, and the expected entry count when the caller knows it.
 */
import { MerkleError } from './errors.ts'
import { TILE_WIDTH } from './tiles.ts'

/** Largest entry a uint16 length prefix can describe. */
export const MAX_ENTRY_SIZE = 0xffff

function badCount(count: number): MerkleError {
  return new MerkleError('MERKLE_BUNDLE_COUNT', `entry bundle holds ${count} entries`, {
    field: 'entries',
  })
}

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) throw badCount(entries.length)
  let length = 0
  entries.forEach((e, i) => {
    if (!(e instanceof Uint8Array) || e.length > MAX_ENTRY_SIZE) {
      throw new MerkleError('MERKLE_BUNDLE_ENTRY_SIZE', `entry ${i} is over 65535 bytes`, {
        field: `entries[${i}]`,
      })
    }
    length += 2 + e.length
  })
  const out = new Uint8Array(length)
  let at = 0
  for (const e of entries) {
    out[at] = e.length >> 8
    out[at + 1] = e.length & 0xff
    out.set(e, at + 2)
    at += 2 + e.length
  }
  return out
}

/** Decodes a bundle; `width` (1..256), when given, is the exact number of entries required. */
export function decodeEntryBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  const entries: Uint8Array[] = []
  let at = 0
  while (at < bytes.length) {
    if (entries.length === TILE_WIDTH) throw badCount(TILE_WIDTH + 1)
    if (at + 2 > bytes.length) {
      throw new MerkleError('MERKLE_BUNDLE_TRUNCATED', 'bundle ends inside a length prefix')
    }
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number)
    if (at + 2 + length > bytes.length) {
      throw new MerkleError('MERKLE_BUNDLE_TRUNCATED', `entry ${entries.length} is truncated`)
    }
    entries.push(bytes.slice(at + 2, at + 2 + length))
    at += 2 + length
  }
  if (entries.length === 0 || (width !== undefined && entries.length !== width)) {
    throw badCount(entries.length)
  }
  return entries
}
