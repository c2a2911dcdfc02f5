/**
 * core/dcc/cbor toJson: the DCC payload's CBOR maps become plain objects, a `__proto__` key an
 * own property (never the object's prototype), and anything the DCC schema cannot hold (byte
 * strings, integer keys, undefined) gives undefined.
 */
import { encode } from 'cborg'
import { describe, expect, it } from 'vitest'
import { decodeClaims, toJson } from '../../../src/core/dcc/cbor.ts'

describe('toJson', () => {
  it('maps with text keys become objects; arrays, strings, numbers, booleans and null stay', () => {
    const decoded = decodeClaims(
      encode(
        new Map<string, unknown>([
          ['nam', new Map([['fn', 'Musterfrau']])],
          ['v', [1, true, null]],
        ]),
      ),
    )
    expect(toJson(decoded)).toEqual({ nam: { fn: 'Musterfrau' }, v: [1, true, null] })
  })

  it('a "__proto__" key is an own property, not the prototype', () => {
    const json = toJson(
      new Map<string, unknown>([
        ['__proto__', new Map([['polluted', true]])],
        ['a', 1],
      ]),
    ) as Record<string, unknown>
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype)
    expect(Object.hasOwn(json, '__proto__')).toBe(true)
    expect((json as { polluted?: unknown }).polluted).toBeUndefined()
    expect(Object.keys(json)).toEqual(['__proto__', 'a'])
  })

  it('refuses what the schema cannot hold', () => {
    expect(toJson(new Map<unknown, unknown>([[1, 'x']]))).toBeUndefined()
    expect(toJson(new Map([['b', new Uint8Array(1)]]))).toBeUndefined()
    expect(toJson([undefined])).toBeUndefined()
  })
})
