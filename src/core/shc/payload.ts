/**
 * @module core/shc/payload
 * From the compressed JWS payload to a JSON object (SHC 1.4 §Health Cards are Compact): raw
 * inflate with an output cap, UTF-8 without a BOM, one JSON object. This runs before the
 * signature can be checked (the issuer URL is inside), so the input is attacker-controlled.
 */
import { fromUtf8, isJsonObject, type JsonObject } from '../codec/index.ts'
import { inflateRaw } from './deflate.ts'
import { ShcError, type ShcWarning } from './errors.ts'
import { isMinifiedJson } from './json.ts'
import { MAX_INFLATE_RATIO, MAX_INFLATE_SLACK, MAX_PAYLOAD_BYTES } from './limits.ts'

export interface DecodedPayload {
  readonly claims: JsonObject
  readonly warnings: ShcWarning[]
}

function reject(message: string, cause?: unknown): ShcError {
  return new ShcError('SHC_PAYLOAD_JSON', message, { field: 'payload', cause })
}

export async function decodeShcPayload(deflated: Uint8Array): Promise<DecodedPayload> {
  const cap = deflated.length * MAX_INFLATE_RATIO + MAX_INFLATE_SLACK
  const bytes = await inflateRaw(deflated, Math.min(MAX_PAYLOAD_BYTES, cap))
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw reject('payload starts with a UTF-8 byte order mark')
  }
  let text: string
  let claims: unknown
  try {
    text = fromUtf8(bytes)
    claims = JSON.parse(text)
  } catch (cause) {
    throw reject('payload is not UTF-8 JSON', cause)
  }
  if (!isJsonObject(claims)) throw reject('payload is not a JSON object')
  const warnings: ShcWarning[] = isMinifiedJson(text)
    ? []
    : [{ code: 'SHC_PAYLOAD_NOT_MINIFIED', message: 'payload JSON is not minified' }]
  return { claims, warnings }
}
