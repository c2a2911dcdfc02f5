/**
 * @module core/dcc/decode
 * HC1 text → COSE_Sign1 → CWT claims (hcert spec §3): the prefix, strict Base45, zlib, COSE and
 * CWT steps, each throwing its own code. Nothing here verifies anything: see verify.ts.
 */
import { base45Decode } from './base45.ts'
import { type CoseSign1, parseCoseSign1 } from './cose.ts'
import { type DccClaims, readDccClaims } from './cwt.ts'
import { DccError } from './errors.ts'
import { inflateZlib } from './zlib.ts'

/** hcert §3.3.4: the context identifier; HC2…HCZ are reserved for incompatible versions. */
export const HC1_PREFIX = 'HC1:'
/**
 * Longest text read: a version-40 QR holds 4,296 alphanumeric characters. Longer input is
 * refused before it is decoded.
 */
export const MAX_HC1_TEXT = 4296

export interface DecodedDcc {
  readonly base45: string
  readonly compressed: Uint8Array
  readonly coseBytes: Uint8Array
  readonly cose: CoseSign1
  readonly claims: DccClaims
}

/**
 * The Base45 text after `HC1:`. Surrounding whitespace is dropped (a paste brings line breaks):
 * a space is a Base45 character, but no valid Base45 text ends with one (36 in the last place
 * of a pair or triple overflows), and a leading one before the prefix is no part of the code.
 */
export function unprefixHc1(text: string): string {
  if (typeof text !== 'string' || text.length > MAX_HC1_TEXT + 64) {
    throw new DccError('DCC_PREFIX', 'longer than any HC1 code', { field: 'input' })
  }
  const trimmed = text.trim()
  if (!trimmed.startsWith(HC1_PREFIX)) {
    throw new DccError('DCC_PREFIX', 'does not start with HC1:', { field: 'prefix' })
  }
  return trimmed.slice(HC1_PREFIX.length)
}

/** Decodes HC1 text (attacker-controlled) down to its claims; throws the failing step's code. */
export function decodeHc1(text: string): DecodedDcc {
  const base45 = unprefixHc1(text)
  const compressed = base45Decode(base45)
  const coseBytes = inflateZlib(compressed)
  const cose = parseCoseSign1(coseBytes)
  const claims = readDccClaims(cose.payload)
  return { base45, compressed, coseBytes, cose, claims }
}
