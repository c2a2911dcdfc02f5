/**
 * core/dcc/base45 against RFC 9285 §4.3's examples, then the inputs a strict decoder refuses
 * and a lenient one (npm base45) would turn into other bytes.
 */
import { describe, expect, it } from 'vitest'
import { base45Decode, base45Encode } from '../../../src/core/dcc/index.ts'

const text = (s: string) => new TextEncoder().encode(s)

describe('Base45 (https://www.rfc-editor.org/rfc/rfc9285#section-4.3)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ])('%s ⇄ %s', (plain, encoded) => {
    expect(base45Encode(text(plain))).toBe(encoded)
    expect(base45Decode(encoded)).toEqual(text(plain))
  })

  it('round-trips every byte value and the empty string', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => 255 - i)
    expect(base45Decode(base45Encode(all))).toEqual(all)
    expect(base45Decode('')).toEqual(new Uint8Array(0))
  })

  it.each([
    ['a character outside the alphabet (=)', 'QED8WEX='],
    ['lowercase (RFC 9285 §4: only the 45 listed characters)', 'qed8wex0'],
    ['a non-ASCII character', 'QED8WÉX0'],
    ['a single character left over (§4.2)', 'QED8WEX0AB'],
    ['a triple above 65535 (GGW = 65536)', 'GGW'],
    ['the largest triple overflow (:::)', ':::'],
    ['a final pair above 255 (:: = 2024)', 'BB8::'],
  ])('refuses %s with DCC_BASE45', (_, input) => {
    expect(() => base45Decode(input)).toThrow(expect.objectContaining({ code: 'DCC_BASE45' }))
  })

  it('accepts the largest triple (FGW = 65535) and the largest pair (U5 = 255)', () => {
    expect(base45Decode('FGW')).toEqual(Uint8Array.of(0xff, 0xff))
    expect(base45Decode('U5')).toEqual(Uint8Array.of(0xff))
  })
})
