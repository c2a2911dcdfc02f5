/**
 * @module core/shc/jws
 * Structure of an SHC compact JWS (§Health Card signing: "JWS compact serialization"): exactly
 * three base64url parts, a protected header `{zip:"DEF", alg:"ES256", kid}` and a 64-byte raw
 * ECDSA signature r‖s (RFC 7515 App. A.3). Parsing checks structure only; the signature is
 * verified later against the issuer key. All input is attacker-controlled.
 */
import { fromBase64Url, fromUtf8, isJsonObject, type JsonObject } from '../codec/index.ts'
import { ShcError } from './errors.ts'
import { MAX_JWS_LENGTH } from './limits.ts'

/** base64url SHA-256 JWK thumbprint (RFC 7638): 32 bytes → 43 characters. */
export const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/
const ES256_SIGNATURE_BYTES = 64

export interface ShcHeader extends JsonObject {
  readonly alg: 'ES256'
  readonly zip: 'DEF'
  readonly kid: string
}

export interface ParsedShcJws {
  readonly header: ShcHeader
  /** The compressed payload bytes (not yet inflated). */
  readonly deflated: Uint8Array
  readonly signature: Uint8Array
}

function decodePart(part: string, field: string): Uint8Array {
  try {
    if (part.length === 0) throw new Error('empty')
    return fromBase64Url(part)
  } catch (cause) {
    throw new ShcError('SHC_JWS_FORMAT', `JWS ${field} is not base64url`, { field, cause })
  }
}

function parseHeader(bytes: Uint8Array): JsonObject {
  let header: unknown
  try {
    header = JSON.parse(fromUtf8(bytes))
  } catch (cause) {
    throw new ShcError('SHC_JWS_FORMAT', 'JWS header is not JSON', { field: 'header', cause })
  }
  if (!isJsonObject(header)) {
    throw new ShcError('SHC_JWS_FORMAT', 'JWS header is not an object', { field: 'header' })
  }
  return header
}

/** An ASN.1 SEQUENCE of two INTEGERs (70–72 bytes for P-256): the DER form jose stacks emit. */
function isDerSignature(sig: Uint8Array): boolean {
  return sig.length >= 8 && sig.length <= 72 && sig[0] === 0x30 && sig[1] === sig.length - 2
}

export function checkShcHeader(header: JsonObject): ShcHeader {
  // SHC names alg, zip and kid (SHC 1.4 §Health Cards are Compact), no `crit`; jose would
  // reject one anyway.
  if ('crit' in header) {
    throw new ShcError('SHC_JWS_FORMAT', 'JWS header must not carry crit', { field: 'crit' })
  }
  if (header.alg !== 'ES256') {
    throw new ShcError('SHC_HEADER_ALG', 'JWS alg must be ES256', { field: 'alg' })
  }
  if (header.zip !== 'DEF') {
    throw new ShcError('SHC_HEADER_ZIP', 'JWS zip must be DEF', { field: 'zip' })
  }
  if (typeof header.kid !== 'string' || !THUMBPRINT.test(header.kid)) {
    throw new ShcError('SHC_HEADER_KID', 'JWS kid must be a base64url SHA-256 thumbprint', {
      field: 'kid',
    })
  }
  return header as ShcHeader
}

export function parseShcJws(jws: string): ParsedShcJws {
  if (jws.length > MAX_JWS_LENGTH) {
    throw new ShcError('SHC_TOO_LARGE', `JWS exceeds ${MAX_JWS_LENGTH} characters`, {
      field: 'jws',
    })
  }
  const parts = jws.split('.')
  if (parts.length !== 3) {
    throw new ShcError('SHC_JWS_FORMAT', 'compact JWS must have exactly 3 parts', { field: 'jws' })
  }
  const [h = '', p = '', s = ''] = parts
  const header = checkShcHeader(parseHeader(decodePart(h, 'header')))
  const deflated = decodePart(p, 'payload')
  const signature = decodePart(s, 'signature')
  if (signature.length !== ES256_SIGNATURE_BYTES) {
    if (isDerSignature(signature)) {
      throw new ShcError('SHC_SIGNATURE_DER', 'ES256 signature is DER, not 64-byte r‖s', {
        field: 'signature',
      })
    }
    throw new ShcError('SHC_SIGNATURE_INVALID', 'ES256 signature must be 64 bytes', {
      field: 'signature',
    })
  }
  return { header, deflated, signature }
}
