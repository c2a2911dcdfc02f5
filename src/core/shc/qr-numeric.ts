/**
 * @module core/shc/qr-numeric
 * The SHC numeric QR mapping (§Encoding chunks as QR codes): each JWS character c becomes the two
 * decimal digits of ord(c) − 45, so '-' → 00, '.' → 01, '0' → 03, 'A' → 20, '_' → 50, 'z' → 77.
 */
import { ShcError } from './errors.ts'

const OFFSET = 45
const MAX_PAIR = 77
/** The characters of a compact JWS: the base64url alphabet and '.'. */
const JWS_CHAR = /^[A-Za-z0-9_.-]$/

/** Digits of a compact JWS. The caller's JWS must use only base64url characters and '.'. */
export function encodeQrDigits(jws: string): string {
  let digits = ''
  for (const c of jws) {
    if (!JWS_CHAR.test(c)) {
      throw new ShcError('SHC_JWS_FORMAT', 'JWS holds a character outside base64url and "."', {
        field: 'jws',
      })
    }
    digits += String(c.charCodeAt(0) - OFFSET).padStart(2, '0')
  }
  return digits
}

/**
 * Strict decoding of attacker-controlled digits (only [0-9], checked by the caller): an odd
 * count, a pair above 77, or a pair naming a character outside base64url and '.' is rejected.
 */
export function decodeQrDigits(digits: string, field = 'qr'): string {
  if (digits.length % 2 !== 0) {
    throw new ShcError('SHC_QR_ODD_DIGITS', 'odd number of QR digits', { field })
  }
  let out = ''
  for (let i = 0; i < digits.length; i += 2) {
    const pair = Number(digits.slice(i, i + 2))
    const c = String.fromCharCode(pair + OFFSET)
    if (pair > MAX_PAIR || !JWS_CHAR.test(c)) {
      throw new ShcError(
        'SHC_QR_DIGIT_PAIR',
        `QR digit pair ${digits.slice(i, i + 2)} is invalid`,
        {
          field,
        },
      )
    }
    out += c
  }
  return out
}
