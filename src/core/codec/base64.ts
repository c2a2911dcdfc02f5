/**
 * @module core/codec/base64
 * Standard base64 (RFC 4648 §4, used by signed notes and tiles) and base64url without padding
 * (RFC 4648 §5, used by JOSE). Strict: a non-canonical encoding is rejected.
 */
import { CoreError } from '../errors.ts'

const STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const URL = /^[A-Za-z0-9_-]*$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
/** Character code → 6-bit value (the regex above has already checked the alphabet). */
const VALUES = new Uint8Array(128)
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i

// Table codecs: every card, receipt and note goes through here, and btoa/atob with a
// re-encoding check cost several times more.
export function toBase64(bytes: Uint8Array): string {
  let out = ''
  const full = bytes.length - (bytes.length % 3)
  for (let i = 0; i < full; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}${ALPHABET[(n >>> 6) & 63]}${ALPHABET[n & 63]}`
  }
  const rest = bytes.length - full
  if (rest === 1) {
    const n = (bytes[full] as number) << 16
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}==`
  } else if (rest === 2) {
    const n = ((bytes[full] as number) << 16) | ((bytes[full + 1] as number) << 8)
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}${ALPHABET[(n >>> 6) & 63]}=`
  }
  return out
}

/** Attacker-controlled input: alphabet, padding and canonical trailing bits are checked. */
export function fromBase64(text: string): Uint8Array {
  if (!STD.test(text)) throw new CoreError('CODEC_BASE64', 'invalid base64 string')
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    const n =
      ((VALUES[text.charCodeAt(i)] as number) << 18) |
      ((VALUES[text.charCodeAt(i + 1)] as number) << 12) |
      ((VALUES[text.charCodeAt(i + 2)] as number) << 6) |
      (VALUES[text.charCodeAt(i + 3)] as number)
    out[o++] = n >>> 16
    if (o < out.length) out[o++] = (n >>> 8) & 255
    if (o < out.length) out[o++] = n & 255
  }
  // Canonical: the bits after the last byte, which padding leaves over, must be zero.
  const last = VALUES[text.charCodeAt(text.length - 1 - pad)] as number
  if ((pad === 1 && (last & 3) !== 0) || (pad === 2 && (last & 15) !== 0)) {
    throw new CoreError('CODEC_BASE64', 'non-canonical base64 string')
  }
  return out
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64Url(text: string): Uint8Array {
  if (!URL.test(text) || text.length % 4 === 1) {
    throw new CoreError('CODEC_BASE64URL', 'invalid base64url string')
  }
  const std = text.replace(/-/g, '+').replace(/_/g, '/')
  const padded = std + '='.repeat((4 - (std.length % 4)) % 4)
  try {
    return fromBase64(padded)
  } catch (cause) {
    throw new CoreError('CODEC_BASE64URL', 'invalid base64url string', { cause })
  }
}
