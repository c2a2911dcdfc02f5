/**
 * @module core/dcc/zlib
 * The zlib stream (RFC 1950) an HC1 code carries (hcert spec §3.3.3: "SHALL be compressed"),
 * inflated with a bound. Uncompressed COSE is refused, as the dgc-testdata vector Z2 expects:
 * accepting both would let one certificate have two encodings.
 */
import {
  Z_BUF_ERROR,
  Z_FINISH,
  Z_OK,
  Z_STREAM_END,
  ZStream,
  zlibInflate,
  zlibInflateInit2,
  zlibInflateReset,
} from 'pako'
import { concatBytes } from '../codec/index.ts'
import { DccError } from './errors.ts'

/**
 * Largest COSE_Sign1 accepted once inflated. A QR code holds at most 2,953 bytes; real DCCs
 * inflate to under 1 KB, and 64 KiB leaves room for any honest one while stopping a bomb.
 */
export const MAX_COSE_BYTES = 65_536
const CHUNK = 16_384
/** zlib's windowBits for the zlib wrapper (header and Adler-32) with a 32 KiB window. */
const ZLIB_WINDOW_BITS = 15
const NO_INPUT = new Uint8Array(0)

/**
 * One inflate state and one output buffer, reset per certificate: safe to share because
 * inflating is synchronous from reset to the last chunk, and a fresh 16 KiB buffer per
 * certificate cost as much as the inflate itself.
 */
let stream: ZStream | undefined
let buffer: Uint8Array<ArrayBuffer> | undefined

function resetStream(): ZStream {
  if (stream) {
    zlibInflateReset(stream)
    return stream
  }
  const fresh = new ZStream()
  if (zlibInflateInit2(fresh, ZLIB_WINDOW_BITS) !== Z_OK) throw new Error('pako: inflateInit2')
  stream = fresh
  return fresh
}

function notZlib(reason: string, cause?: unknown): DccError {
  return new DccError('DCC_ZLIB', `not a zlib stream (${reason})`, {
    field: 'compressed',
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * Inflates an attacker-controlled zlib stream: a header that is not zlib's (RFC 1950 §2.2:
 * CM 8, FCHECK), a corrupt or truncated stream, a wrong Adler-32, bytes after the stream's end
 * or more than `maxBytes` of output all throw DCC_ZLIB.
 */
export function inflateZlib(bytes: Uint8Array, maxBytes = MAX_COSE_BYTES): Uint8Array {
  const cmf = bytes[0]
  const flg = bytes[1]
  if (cmf === undefined || flg === undefined || (cmf & 0x0f) !== 8 || (cmf * 256 + flg) % 31) {
    throw notZlib('no zlib header: uncompressed or another format')
  }
  const strm = resetStream()
  buffer ??= new Uint8Array(CHUNK)
  const out = buffer
  strm.input = bytes
  strm.next_in = 0
  strm.avail_in = bytes.length
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      strm.output = out
      strm.next_out = 0
      strm.avail_out = Math.min(CHUNK, maxBytes + 1 - total)
      const status = zlibInflate(strm, Z_FINISH)
      total += strm.next_out
      if (total > maxBytes) throw notZlib(`inflates beyond ${maxBytes} bytes`)
      chunks.push(out.slice(0, strm.next_out))
      if (status === Z_STREAM_END) break
      if (status !== Z_BUF_ERROR && status !== Z_OK) throw notZlib(strm.msg || 'corrupt')
      if (strm.avail_out !== 0) throw notZlib('truncated')
    }
    if (strm.avail_in !== 0) throw notZlib('bytes after the end of the stream')
  } catch (cause) {
    if (cause instanceof DccError) throw cause
    throw notZlib('corrupt', cause)
  } finally {
    strm.input = NO_INPUT
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(...chunks)
}
