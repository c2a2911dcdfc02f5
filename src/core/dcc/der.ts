/**
 * @module core/dcc/der
 * A small DER reader (ITU-T X.690 §8, §10): tag, definite length, content, and OIDs as dotted
 * text — just what reading a signer certificate needs (x509.ts). Every length is checked
 * against the bytes that hold it; indefinite lengths and long-form tags are refused (DER).
 */
import { DccError } from './errors.ts'

export interface Tlv {
  readonly tag: number
  /** The content octets. */
  readonly value: Uint8Array
  /** The whole element, header included. */
  readonly raw: Uint8Array
}

function bad(message: string): DccError {
  return new DccError('DCC_TRUST', `signer certificate: ${message}`, { field: 'dsc' })
}

/** Reads one element at `offset`; returns it and the offset after it. */
export function readTlv(bytes: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  const tag = bytes[offset]
  let len = bytes[offset + 1]
  if (tag === undefined || len === undefined) throw bad('truncated element')
  if ((tag & 0x1f) === 0x1f) throw bad('multi-byte tags are not used in X.509')
  let at = offset + 2
  if (len & 0x80) {
    const count = len & 0x7f
    // X.690 §8.1.3.6: 0x80 is the indefinite form, which DER forbids; 4 bytes is plenty.
    if (count === 0 || count > 4) throw bad('indefinite or oversized length')
    len = 0
    for (let i = 0; i < count; i++) {
      const b = bytes[at++]
      if (b === undefined) throw bad('truncated length')
      len = len * 256 + b
    }
  }
  const end = at + len
  if (end > bytes.length) throw bad('element longer than its container')
  return {
    tlv: { tag, value: bytes.subarray(at, end), raw: bytes.subarray(offset, end) },
    next: end,
  }
}

/** The elements inside a constructed element's content. */
export function children(value: Uint8Array): Tlv[] {
  const out: Tlv[] = []
  for (let at = 0; at < value.length; ) {
    const { tlv, next } = readTlv(value, at)
    out.push(tlv)
    at = next
  }
  return out
}

/** X.690 §8.19: an OBJECT IDENTIFIER's content as dotted decimal. */
export function oidText(value: Uint8Array): string {
  const arcs: number[] = []
  let n = 0
  for (let i = 0; i < value.length; i++) {
    const b = value[i] as number
    if (n === 0 && b === 0x80) throw bad('OID arc with a leading zero byte')
    n = n * 128 + (b & 0x7f)
    if (n > Number.MAX_SAFE_INTEGER / 128) throw bad('OID arc too large')
    if (!(b & 0x80)) {
      if (arcs.length === 0) arcs.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80)
      else arcs.push(n)
      n = 0
    }
  }
  if (value.length === 0 || (value[value.length - 1] as number) & 0x80) throw bad('truncated OID')
  return arcs.join('.')
}
