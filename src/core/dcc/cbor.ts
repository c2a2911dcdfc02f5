/**
 * @module core/dcc/cbor
 * CBOR (RFC 8949) for the DCC, through cborg: maps stay Maps (COSE and CWT keys are integers:
 * 1, 4, 6, −260), duplicate keys are refused, and only the tags a DCC uses are read: 18 (COSE_
 * Sign1) and 61 (CWT) around the structure; 0, 1 and 1004 (date-times and dates some issuers
 * put in the payload, dcc.md §1) inside it, turned into the strings the schema expects.
 */
import { decode, type TagDecoder } from 'cborg'
import { concatBytes, utf8 } from '../codec/index.ts'

/** A tagged item kept as such, so that the caller decides which tags it accepts where. */
export class CborTagged {
  readonly tag: number
  readonly value: unknown
  constructor(tag: number, value: unknown) {
    this.tag = tag
    this.value = value
  }
}

const keep =
  (tag: number): TagDecoder =>
  (content) =>
    new CborTagged(tag, content())

/** Tags of the outer structure (RFC 9052 §2: 18 COSE_Sign1; RFC 8392 §6: 61 CWT). */
const STRUCTURE_TAGS: Record<number, TagDecoder> = { 18: keep(18), 61: keep(61) }

/** RFC 8949 §3.4.1–2 and RFC 8943: a date-time string, an epoch time, a full date. */
const PAYLOAD_TAGS: Record<number, TagDecoder> = {
  0: (content) => {
    const v = content()
    if (typeof v !== 'string') throw new TypeError('tag 0 needs a text string')
    return v
  },
  1: (content) => {
    const v = content()
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError('tag 1 needs a number')
    return new Date(v * 1000).toISOString().replace('.000Z', 'Z')
  },
  1004: (content) => {
    const v = content()
    if (typeof v !== 'string') throw new TypeError('tag 1004 needs a text string')
    return v
  },
}

const BASE_OPTIONS = {
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
} as const

// Built once: options objects per call were a measurable share of a verdict (bench:verify:dcc).
const STRUCTURE_OPTIONS = { ...BASE_OPTIONS, tags: STRUCTURE_TAGS }
const CLAIMS_OPTIONS = { ...BASE_OPTIONS, tags: PAYLOAD_TAGS }

/** Decodes one CBOR item (no trailing bytes); maps as Maps, only tags 18 and 61. */
export function decodeStructure(bytes: Uint8Array): unknown {
  return decode(bytes, STRUCTURE_OPTIONS)
}

/** Decodes CWT claims: maps as Maps, date tags turned into strings, no other tag. */
export function decodeClaims(bytes: Uint8Array): unknown {
  return decode(bytes, CLAIMS_OPTIONS)
}

/**
 * The DCC payload as JSON: a map with text keys becomes an object, byte strings and other key
 * types are refused (the DCC schema has neither). Returns undefined for anything else.
 */
export function toJson(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of value) {
      if (typeof k !== 'string') return undefined
      const j = toJson(v)
      if (j === undefined) return undefined
      // Defined as an own property: a key "__proto__" must not reach the prototype.
      if (k === '__proto__') {
        Object.defineProperty(out, k, { value: j, enumerable: true, writable: true })
      } else out[k] = j
    }
    return out
  }
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const v of value) {
      const j = toJson(v)
      if (j === undefined) return undefined
      out.push(j)
    }
    return out
  }
  const type = typeof value
  if (value === null || type === 'string' || type === 'number' || type === 'boolean') return value
  return undefined
}

/** RFC 8949 §3.1: the head of a byte string (major 2) or text string (major 3) of `length`. */
function head(major: 2 | 3, length: number): Uint8Array {
  const m = major << 5
  if (length < 24) return Uint8Array.of(m | length)
  if (length < 0x100) return Uint8Array.of(m | 24, length)
  if (length < 0x10000) return Uint8Array.of(m | 25, length >> 8, length & 0xff)
  return Uint8Array.of(
    m | 26,
    length >>> 24,
    (length >> 16) & 0xff,
    (length >> 8) & 0xff,
    length & 0xff,
  )
}

/** CBOR for `[...]` of byte and text strings only: what Sig_structure needs (RFC 9052 §4.4). */
export function encodeStringArray(items: readonly (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x80 | items.length)]
  for (const item of items) {
    const bytes = typeof item === 'string' ? utf8(item) : item
    parts.push(head(typeof item === 'string' ? 3 : 2, bytes.length), bytes)
  }
  return concatBytes(...parts)
}
