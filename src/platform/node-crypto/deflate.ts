/**
 * @module platform/node-crypto/deflate
 * Raw DEFLATE for issuing through node:zlib (core/shc `useDeflateRaw`): the C zlib at level 9
 * instead of fflate's JavaScript. Inflating untrusted cards stays the core's bounded inflater.
 */
import { constants, deflateRawSync } from 'node:zlib'
import { type DeflateRaw, useDeflateRaw } from '../../core/shc/index.ts'

export const nodeDeflateRaw: DeflateRaw = (bytes) => {
  const out = deflateRawSync(bytes, { level: constants.Z_BEST_COMPRESSION })
  // A plain Uint8Array (jose and the tests compare bytes, not Buffers).
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** Makes issuing deflate through node:zlib in this process. */
export function installNodeDeflate(): void {
  useDeflateRaw(nodeDeflateRaw)
}
