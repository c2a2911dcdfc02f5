/**
 * @module core/note/text
 * Shared guards for attacker-controlled text: UTF-16 well-formedness, control characters, key
 * names and unsigned 64-bit decimals. Every pattern here is a fixed literal; none is ever built
 * from input.
 */

/** 2^64: sizes, indexes and timestamps are u64 on the wire. */
export const U64_LIMIT = 1n << 64n

/** Canonical decimal: `0` or no leading zero, at most 20 digits (2^64 - 1 has 20). */
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/

/** c2sp.org/signed-note: key names hold no Unicode space, no '+'; we also refuse control chars. */
const NAME_FORBIDDEN = /[\s\p{Cc}+]/u

/**
 * True when the string has no lone surrogate, so it encodes to UTF-8 losslessly (the bytes we
 * sign or verify are then exactly the text). A UTF-8-decoded input always passes.
 */
export function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false
    }
  }
  return true
}

/** c2sp.org/signed-note: no ASCII control character (below U+0020) other than newline. */
export function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 && c !== 0x0a) return true
  }
  return false
}

/** Valid note text: well-formed, no control characters but newline. */
export function isValidNoteText(text: string): boolean {
  return isWellFormed(text) && !hasForbiddenControl(text)
}

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && isWellFormed(name) && !NAME_FORBIDDEN.test(name)
}

/** Parses a canonical u64 decimal; undefined when it is not one (leading zero, sign, overflow). */
export function parseU64(text: string): bigint | undefined {
  if (!DECIMAL.test(text)) return undefined
  const value = BigInt(text)
  return value < U64_LIMIT ? value : undefined
}

/** Writes a u64 as 8 big-endian bytes. */
export function u64Bytes(value: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, value)
  return out
}

/** Reads 8 big-endian bytes at `offset` as a u64. */
export function readU64(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset)
}
