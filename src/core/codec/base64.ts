/**
 * @module core/codec/base64
 * Standard base64 (RFC 4648 §4, used by signed notes and tiles) and base64url without padding
 * (RFC 4648 §5, used by JOSE). Strict: a non-canonical encoding is rejected.
 */
import { CoreError } from '../errors.ts'

const STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const URL = /^[A-Za-z0-9_-]*$/

export function toBase64(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(bin)
}

/** Attacker-controlled input: alphabet, padding and canonical trailing bits are checked. */
export function fromBase64(text: string): Uint8Array {
  if (!STD.test(text)) throw new CoreError('CODEC_BASE64', 'invalid base64 string')
  const bin = atob(text)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  if (toBase64(out) !== text) throw new CoreError('CODEC_BASE64', 'non-canonical base64 string')
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
