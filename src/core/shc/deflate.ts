/**
 * @module core/shc/deflate
 * Raw DEFLATE (RFC 1951, no zlib or gzip header) as SHC `zip:"DEF"` requires (§Health Card
 * payload), synchronous: a card is about 1 KB, and setting up a CompressionStream or
 * DecompressionStream per card cost more than the (de)compression itself. Deflating (issuers)
 * is fflate's; inflating untrusted input is pako's, bounded (limits.ts).
 */
import { deflateSync } from 'fflate'
import { Inflate } from 'pako'
import { concatBytes } from '../codec/bytes.ts'
import { ShcError } from './errors.ts'

/**
 * Output is taken in chunks this big and the cap checked after each: a decompression bomb stops
 * within one chunk of the cap. fflate cannot stop early (given a buffer, it keeps decoding and
 * drops what does not fit), so inflating is pako's streaming inflater.
 */
const CHUNK = 16_384

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return deflateSync(bytes, { level: 9 })
}

/**
 * Inflates attacker-controlled raw DEFLATE. A corrupt or truncated stream (zlib-wrapped or
 * plain JSON included) throws SHC_INFLATE; more than `maxBytes` of output throws
 * SHC_INFLATE_LIMIT and stops the decompressor.
 */
export async function inflateRaw(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  const inflater = new Inflate({ raw: true, chunkSize: Math.min(CHUNK, maxBytes + 1) })
  inflater.onData = (chunk) => {
    total += chunk.length
    if (total > maxBytes) {
      throw new ShcError('SHC_INFLATE_LIMIT', `payload inflates beyond ${maxBytes} bytes`, {
        field: 'payload',
      })
    }
    // pako reuses nothing it has handed out: the chunk can be kept as is.
    chunks.push(chunk)
  }
  try {
    inflater.push(bytes, true)
  } catch (cause) {
    if (cause instanceof ShcError) throw cause
    throw new ShcError('SHC_INFLATE', 'payload is not raw DEFLATE', { field: 'payload', cause })
  }
  if (inflater.err !== 0 || !inflater.ended) {
    throw new ShcError(
      'SHC_INFLATE',
      `payload is not raw DEFLATE (${inflater.msg || 'truncated'})`,
      {
        field: 'payload',
      },
    )
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(...chunks)
}
