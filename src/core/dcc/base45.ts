/**
 * @module core/dcc/base45
 * Strict Base45 (RFC 9285). Decoding refuses what lenient decoders let through: a character
 * outside the 45-character alphabet (lowercase, `=`), a single character left over, a triple
 * above 0xFFFF and a pair above 0xFF (§4.2: "MUST be rejected"), which would otherwise wrap
 * into other bytes.
 */
import { DccError } from './errors.ts'

/** RFC 9285 §4: the 45 characters, each at its value. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'
const VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

function bad(message: string, at: number): DccError {
  return new DccError('DCC_BASE45', `${message} at character ${at}`, { field: 'base45' })
}

function valueAt(text: string, i: number): number {
  const code = text.charCodeAt(i)
  const v = code < 128 ? (VALUES[code] as number) : -1
  if (v < 0) throw bad('not a Base45 character', i)
  return v
}

/** Decodes Base45 text (attacker-controlled: every character and group is checked). */
export function base45Decode(text: string): Uint8Array {
  const n = text.length
  // §4.2: groups of three give two bytes, a final two give one; one left over is malformed.
  if (n % 3 === 1) throw bad('a single character left over', n - 1)
  const out = new Uint8Array(Math.floor(n / 3) * 2 + (n % 3 === 2 ? 1 : 0))
  let o = 0
  let i = 0
  for (; i + 3 <= n; i += 3) {
    const v = valueAt(text, i) + valueAt(text, i + 1) * 45 + valueAt(text, i + 2) * 2025
    if (v > 0xffff) throw bad('a triple above 65535', i)
    out[o++] = v >> 8
    out[o++] = v & 0xff
  }
  if (i < n) {
    const v = valueAt(text, i) + valueAt(text, i + 1) * 45
    if (v > 0xff) throw bad('a final pair above 255', i)
    out[o] = v
  }
  return out
}

/** Encodes bytes as Base45 (§4.1); used by tests and tools that build certificates. */
export function base45Encode(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 <= bytes.length; i += 2) {
    let v = ((bytes[i] as number) << 8) | (bytes[i + 1] as number)
    for (let k = 0; k < 3; k++) {
      out += ALPHABET[v % 45]
      v = Math.floor(v / 45)
    }
  }
  if (i < bytes.length) {
    const v = bytes[i] as number
    out += ALPHABET[v % 45] + (ALPHABET[Math.floor(v / 45)] as string)
  }
  return out
}
