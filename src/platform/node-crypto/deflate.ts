/**
 * @module platform/node-crypto/deflate
 * Raw DEFLATE for issuing through node:zlib (core/shc `useDeflateRaw`): the C zlib at level 9
 * instead of fflate's JavaScript. Inflating untrusted cards stays the core's bounded inflater.
 */
import { constants, deflateRawSync } from 'node:zlib'
import { type DeflateRaw, useDeflateRaw } from '../../core/shc/index.ts'

/** zlib's MIN_LOOKAHEAD (deflate.h): the window must hold the input and this much more. */
const MIN_LOOKAHEAD = 262

/**
 * The smallest window (9–15 bits) that holds the whole input: zlib allocates and clears a
 * window, a chain and a hash table per call, 256 KiB at the default 15 bits, for a card of about
 * 1 KB. While the input fits the window no match is out of reach, so the output is the same bytes
 * as at 15 bits (tested); larger inputs get the full window.
 */
export function windowBitsFor(length: number): number {
  return Math.min(15, Math.max(9, Math.ceil(Math.log2(length + MIN_LOOKAHEAD + 1))))
}

export const nodeDeflateRaw: DeflateRaw = (bytes) => {
  const out = deflateRawSync(bytes, {
    level: constants.Z_BEST_COMPRESSION,
    windowBits: windowBitsFor(bytes.length),
  })
  // A plain Uint8Array (jose and the tests compare bytes, not Buffers).
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** Makes issuing deflate through node:zlib in this process. */
export function installNodeDeflate(): void {
  useDeflateRaw(nodeDeflateRaw)
}
