/**
 * @module core/shc/deflate
 * Raw DEFLATE (RFC 1951, no zlib or gzip header) as SHC `zip:"DEF"` requires (§Health Card
 * payload), through the web-platform CompressionStream/DecompressionStream ('deflate-raw'),
 * which Node 20, workerd and browsers share. Inflating untrusted input is bounded (shc.md §6).
 */
import { concatBytes } from '../codec/bytes.ts'
import { ShcError } from './errors.ts'

async function readAll(
  readable: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = readable.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return concatBytes(...chunks)
    total += value.length
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ShcError('SHC_INFLATE_LIMIT', `payload inflates beyond ${maxBytes} bytes`, {
        field: 'payload',
      })
    }
    chunks.push(value)
  }
}

/** Pipes bytes through a transform; writing runs beside reading, so no backpressure deadlock. */
function transform(stream: CompressionStream | DecompressionStream, bytes: Uint8Array) {
  const writer = stream.writable.getWriter()
  // Failures surface on the readable side; these promises only need a handler.
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined)
  writer.close().catch(() => undefined)
  return stream.readable as ReadableStream<Uint8Array>
}

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return readAll(transform(new CompressionStream('deflate-raw'), bytes), Number.POSITIVE_INFINITY)
}

/**
 * Inflates attacker-controlled raw DEFLATE. A corrupt or truncated stream (zlib-wrapped or
 * plain JSON included) throws SHC_INFLATE; more than `maxBytes` of output throws
 * SHC_INFLATE_LIMIT and stops the decompressor.
 */
export async function inflateRaw(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readAll(transform(new DecompressionStream('deflate-raw'), bytes), maxBytes)
  } catch (cause) {
    if (cause instanceof ShcError) throw cause
    throw new ShcError('SHC_INFLATE', 'payload is not raw DEFLATE', { field: 'payload', cause })
  }
}
