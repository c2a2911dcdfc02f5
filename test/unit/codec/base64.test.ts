import { describe, expect, it } from 'vitest'
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from '../../../src/core/codec/base64.ts'

// The table codecs against Node's Buffer, which is not what the core uses.
describe('base64 codecs', () => {
  it('round-trip every length 0..100 and agree with Buffer', () => {
    for (let n = 0; n <= 100; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n))
      const std = Buffer.from(bytes).toString('base64')
      expect(toBase64(bytes)).toBe(std)
      expect(fromBase64(std)).toEqual(bytes)
      const url = Buffer.from(bytes).toString('base64url')
      expect(toBase64Url(bytes)).toBe(url)
      expect(fromBase64Url(url)).toEqual(bytes)
    }
  })

  it('reject non-canonical trailing bits (RFC 4648 §3.5)', () => {
    expect(() => fromBase64('AB==')).toThrow(/non-canonical/)
    expect(() => fromBase64('AAB=')).toThrow(/non-canonical/)
    expect(() => fromBase64Url('AB')).toThrow(/base64url/)
    expect(fromBase64('AA==')).toEqual(new Uint8Array([0]))
    expect(fromBase64('AAA=')).toEqual(new Uint8Array([0, 0]))
  })

  it('reject characters outside the alphabet and bad padding', () => {
    for (const bad of ['A', 'AA=', 'AAA', 'A===', 'AA-_', '====', 'AA==AA==', 'ÀAAA']) {
      expect(() => fromBase64(bad), bad).toThrow(/invalid base64/)
    }
  })

  it('base64url: no padding, no standard-only characters, nothing outside ASCII', () => {
    for (const bad of ['AA==', 'A', 'AA+/', 'AA/A', 'ÀAAA', 'AA\u0100A', 'AAA ', 'AAAA=']) {
      expect(() => fromBase64Url(bad), bad).toThrow(/invalid base64url/)
    }
    expect(() => fromBase64Url('AAB')).toThrow(/base64url/) // non-canonical trailing bits
    expect(fromBase64Url('AAE')).toEqual(new Uint8Array([0, 1]))
    expect(fromBase64Url('-_8')).toEqual(new Uint8Array([0xfb, 0xff]))
  })
})
