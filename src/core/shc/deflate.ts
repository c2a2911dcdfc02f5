/**
 * @module core/shc/deflate
 * Raw DEFLATE (RFC 1951, no zlib or gzip header) as SHC `zip:"DEF"` requires (§Health Card
 * payload), through fflate's synchronous codec: a card is about 1 KB, and setting up a
 * CompressionStream/DecompressionStream per card cost more than the (de)compression itself.
 * Inflating untrusted input is bounded (shc.md §6).
 */
import { deflateSync, Inflate, inflateSync } from 'fflate'
import { concatBytes } from '../codec/bytes.ts'
import { ShcError } from './errors.ts'

/** DEFLATE expands at most 1032:1 (RFC 1951 §3.2.5: 258 bytes from one 2-bit-minimum code). */
const MAX_RATIO = 1032
/** Input pushed at a time when a payload could exceed the cap: at most ~1 MiB of output each. */
const CHUNK = 1024
/**
 * Output buffer reused by every short inflate (the call is synchronous, so never shared): fflate
 * otherwise starts at 3× the input and doubles with a copy, which was most of a card's inflate.
 */
const SCRATCH_BYTES = 65_536
let scratch: Uint8Array | undefined

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return deflateSync(bytes, { level: 9 })
}

/**
 * Inflates attacker-controlled raw DEFLATE. A corrupt or truncated stream (zlib-wrapped or
 * plain JSON included) throws SHC_INFLATE; more than `maxBytes` of output throws
 * SHC_INFLATE_LIMIT and stops the decompressor.
 */
export async function inflateRaw(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const limit = () =>
    new ShcError('SHC_INFLATE_LIMIT', `payload inflates beyond ${maxBytes} bytes`, {
      field: 'payload',
    })
  try {
    // Input this short cannot inflate past the cap: one call (every QR-sized card).
    if (bytes.length * MAX_RATIO <= maxBytes) {
      scratch ??= new Uint8Array(SCRATCH_BYTES)
      // Given a buffer, fflate does not grow it and drops what does not fit; output shorter than
      // the buffer is therefore complete. A full buffer may be truncated: inflate again, growing.
      const out = inflateSync(bytes, { out: scratch })
      return out.length < scratch.length ? out.slice() : inflateSync(bytes)
    }
    const chunks: Uint8Array[] = []
    let total = 0
    const stream = new Inflate((chunk) => {
      total += chunk.length
      if (total > maxBytes) throw limit()
      chunks.push(chunk)
    })
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const end = Math.min(at + CHUNK, bytes.length)
      stream.push(bytes.subarray(at, end), end === bytes.length)
    }
    return concatBytes(...chunks)
  } catch (cause) {
    if (cause instanceof ShcError) throw cause
    throw new ShcError('SHC_INFLATE', 'payload is not raw DEFLATE', { field: 'payload', cause })
  }
}
