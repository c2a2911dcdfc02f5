/**
 * @module core/shc/qr-numeric
 * The SHC numeric QR mapping (§Encoding chunks as QR codes): each JWS character c becomes the two
 * decimal digits of ord(c) − 45, so '-' → 00, '.' → 01, '0' → 03, 'A' → 20, '_' → 50, 'z' → 77.
 */
import { fromUtf8 } from '../codec/index.ts'
import { ShcError } from './errors.ts'

const OFFSET = 45
const MAX_PAIR = 77
/** The characters of a compact JWS: the base64url alphabet and '.'. */
const JWS_CHAR = /^[A-Za-z0-9_.-]$/

/** Pair value (0..99) → the JWS character's code, or 0 where the pair names none. */
const PAIR_CHAR = new Uint8Array(100)
for (let pair = 0; pair <= MAX_PAIR; pair++) {
  const c = String.fromCharCode(pair + OFFSET)
  if (JWS_CHAR.test(c)) PAIR_CHAR[pair] = pair + OFFSET
}
const ZERO = 0x30

/**
 * Digits of a compact JWS. The caller's JWS must use only base64url characters and '.'.
 * Character codes are written as digit codes and decoded once (a regex, `padStart` and an append
 * per character built a rope of ~1,000 pieces for each card issued).
 */
export function encodeQrDigits(jws: string): string {
  const digits = new Uint8Array(jws.length * 2)
  for (let i = 0; i < jws.length; i++) {
    const c = jws.charCodeAt(i)
    const pair = c - OFFSET
    if (pair < 0 || pair > MAX_PAIR || PAIR_CHAR[pair] === 0) {
      throw new ShcError('SHC_JWS_FORMAT', 'JWS holds a character outside base64url and "."', {
        field: 'jws',
      })
    }
    digits[2 * i] = ZERO + ((pair / 10) | 0)
    digits[2 * i + 1] = ZERO + (pair % 10)
  }
  return fromUtf8(digits) // ASCII digits, which UTF-8 decodes as themselves
}

/**
 * Strict decoding of attacker-controlled digits (only [0-9], checked by the caller): an odd
 * count, a pair above 77, or a pair naming a character outside base64url and '.' is rejected.
 * A table per pair and one decode of the codes: a regex and a substring per character cost as
 * much as inflating the card.
 */
export function decodeQrDigits(digits: string, field = 'qr'): string {
  if (digits.length % 2 !== 0) {
    throw new ShcError('SHC_QR_ODD_DIGITS', 'odd number of QR digits', { field })
  }
  const codes = new Uint8Array(digits.length / 2)
  for (let i = 0; i < digits.length; i += 2) {
    const hi = digits.charCodeAt(i) - ZERO
    const lo = digits.charCodeAt(i + 1) - ZERO
    const code = hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? (PAIR_CHAR[hi * 10 + lo] as number) : 0
    if (code === 0) {
      throw new ShcError(
        'SHC_QR_DIGIT_PAIR',
        `QR digit pair ${digits.slice(i, i + 2)} is invalid`,
        {
          field,
        },
      )
    }
    codes[i / 2] = code
  }
  return fromUtf8(codes) // every code is ASCII, which UTF-8 decodes as itself
}
