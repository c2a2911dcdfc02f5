/**
 * @module core/shc/deflate
 * Raw DEFLATE (RFC 1951, no zlib or gzip header) as SHC `zip:"DEF"` requires (§Health Card
 * payload), synchronous: a card is about 1 KB, and setting up a CompressionStream or
 * DecompressionStream per card cost more than the (de)compression itself. Deflating (issuers)
 * is fflate's; inflating untrusted input is pako's zlib port, bounded (limits.ts): fflate cannot
 * stop a bomb early in one call, and its streaming inflater costs a card 6–43× the CPU time
 * (docs/PERFORMANCE.md, "One DEFLATE library?").
 */
import { deflateSync } from 'fflate'
import {
  Z_BUF_ERROR,
  Z_FINISH,
  Z_OK,
  Z_STREAM_END,
  ZStream,
  zlibInflate,
  zlibInflateInit2,
} from 'pako'
import { concatBytes } from '../codec/index.ts'
import { ShcError } from './errors.ts'

/** Output is taken at most this much at a time, and never more than one byte past the cap. */
const CHUNK = 16_384
/** zlib's windowBits for raw DEFLATE with the 32 KiB window of RFC 1951 §3.2.5: −15. */
const RAW_WINDOW_BITS = -15
const NO_INPUT = new Uint8Array(0)

/**
 * One inflate state (its 32 KiB window and code tables) and one output buffer, reset per
 * payload: a new state per card doubled the CPU time of a card's inflate (bench/inflate.ts). Safe
 * to share because inflating is synchronous from reset to the last chunk.
 */
let stream: ZStream | undefined
let buffer: Uint8Array<ArrayBuffer> | undefined
/** The state's scalar fields just after pako's own reset (see resetStream). */
let resetFields: [string, unknown][] | undefined

/**
 * Resets the shared state as pako's inflateReset does, but keeps the two dynamic code tables
 * (lendyn 852 and distdyn 592 Int32 entries). pako's reset allocates both afresh per call, which
 * C zlib's inflateResetKeep does not (it points lencode and distcode back at state->codes):
 * inflate_table writes every entry a block's codes use before they are read (RFC 1951 §3.2.7),
 * so stale entries are never read. In Chromium each such off-heap typed array cost several
 * microseconds and kept the collector busy: a card's inflate took 91 µs on the page against
 * 18 µs in Node. The scalar fields are copied once from a fresh state (inflateInit2 ends in
 * pako's own reset), so each later reset returns to exactly that state without restating pako's
 * constants here.
 */
function resetStream(): ZStream {
  if (stream !== undefined && resetFields !== undefined) {
    const state = stream.state as Record<string, unknown>
    for (const [name, value] of resetFields) state[name] = value
    state.lencode = state.lendyn
    state.distcode = state.distdyn
    stream.total_in = 0
    stream.total_out = 0
    stream.msg = ''
    return stream
  }
  const fresh = new ZStream()
  if (zlibInflateInit2(fresh, RAW_WINDOW_BITS) !== Z_OK) throw new Error('pako: inflateInit2')
  const state = fresh.state as Record<string, unknown>
  if (!(state.lendyn instanceof Int32Array) || !(state.distdyn instanceof Int32Array)) {
    throw new Error('pako: unexpected inflate state')
  }
  // Scalars only: the window, the tables, `lens` and `work` are kept (null ones stay null for
  // raw DEFLATE: no gzip header, no dictionary).
  resetFields = Object.entries(state).filter(([, v]) => typeof v !== 'object')
  stream = fresh
  return fresh
}

/** A synchronous raw DEFLATE (RFC 1951) at maximum compression, as a platform provides it. */
export type DeflateRaw = (bytes: Uint8Array) => Uint8Array

let platformDeflate: DeflateRaw | undefined

/**
 * Installs the platform's DEFLATE for issuing (src/platform/node-crypto: node:zlib on Node, C
 * zlib, several times fflate's speed on a card); undefined restores fflate, which browsers and
 * Workers keep. Both give valid raw DEFLATE that any inflater reads back (the bytes may differ).
 */
export function useDeflateRaw(impl: DeflateRaw | undefined): void {
  platformDeflate = impl
}

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return platformDeflate === undefined ? deflateSync(bytes, { level: 9 }) : platformDeflate(bytes)
}

function notDeflate(reason: string): ShcError {
  return new ShcError('SHC_INFLATE', `payload is not raw DEFLATE (${reason})`, {
    field: 'payload',
  })
}

/**
 * Inflates attacker-controlled raw DEFLATE. A corrupt or truncated stream (zlib-wrapped or
 * plain JSON included) throws SHC_INFLATE; more than `maxBytes` of output throws
 * SHC_INFLATE_LIMIT, having decoded at most one byte more.
 */
export async function inflateRaw(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  return inflateRawSync(bytes, maxBytes)
}

/** inflateRaw without the promise (bench/inflate.ts times this very code). */
export function inflateRawSync(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const strm = resetStream()
  buffer ??= new Uint8Array(CHUNK)
  strm.input = bytes
  strm.next_in = 0
  strm.avail_in = bytes.length
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      strm.output = buffer
      strm.next_out = 0
      strm.avail_out = Math.min(CHUNK, maxBytes + 1 - total)
      // Z_FINISH: all input is here, so a stream that ends in this call skips the window copy.
      const status = zlibInflate(strm, Z_FINISH)
      total += strm.next_out
      if (total > maxBytes) {
        throw new ShcError('SHC_INFLATE_LIMIT', `payload inflates beyond ${maxBytes} bytes`, {
          field: 'payload',
        })
      }
      // The buffer is reused: each chunk is copied out.
      chunks.push(buffer.slice(0, strm.next_out))
      if (status === Z_STREAM_END) break
      // Under Z_FINISH, "not done" is Z_BUF_ERROR: more output wanted (buffer full) or input
      // ran out (room left: a truncated stream). Anything else is corrupt data.
      if (status !== Z_BUF_ERROR && status !== Z_OK) throw notDeflate(strm.msg || 'corrupt')
      if (strm.avail_out !== 0) throw notDeflate('truncated')
    }
  } catch (cause) {
    if (cause instanceof ShcError) throw cause
    throw new ShcError('SHC_INFLATE', 'payload is not raw DEFLATE', { field: 'payload', cause })
  } finally {
    // Keep no reference to the caller's bytes between calls.
    strm.input = NO_INPUT
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(...chunks)
}
