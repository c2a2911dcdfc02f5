/**
 * HMAC-SHA-256 through the core's seam (codec hmacSha256Sync): @noble/hashes where no platform
 * hash is installed (browsers, Workers), two node:crypto hashes where Node installed one. Both on
 * the RFC 4231 §4 test cases, including a key longer than the block (hashed first, case 6) and
 * one exactly a block long; and both agree with node:crypto's own HMAC.
 */
import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { fromHex, hmacSha256Sync, toHex, useSha256, utf8 } from '../../../src/core/codec/index.ts'
import { nodeSha256 } from '../../../src/platform/node-crypto/sha256.ts'

/** RFC 4231 §4.2, §4.3, §4.4 and §4.7: key, data, HMAC-SHA-256. */
const CASES: [string, Uint8Array, Uint8Array, string][] = [
  [
    'case 1',
    new Uint8Array(20).fill(0x0b),
    utf8('Hi There'),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  ],
  [
    'case 2',
    utf8('Jefe'),
    utf8('what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  ],
  [
    'case 3',
    new Uint8Array(20).fill(0xaa),
    new Uint8Array(50).fill(0xdd),
    '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  ],
  [
    'case 6 (key longer than a block)',
    new Uint8Array(131).fill(0xaa),
    utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  ],
]

afterEach(() => useSha256(undefined))

describe.each([
  ['@noble/hashes (browsers, Workers)', undefined],
  ['node:crypto (Node)', nodeSha256],
])('HMAC-SHA-256 through %s', (_, impl) => {
  it.each(CASES)('RFC 4231 %s', (_name, key, data, mac) => {
    useSha256(impl)
    expect(toHex(hmacSha256Sync(key, data))).toBe(mac)
  })

  it('agrees with node:crypto for keys of 0, 63, 64, 65 bytes and a changed data byte differs', () => {
    useSha256(impl)
    const data = fromHex('00112233445566778899')
    for (const length of [0, 63, 64, 65]) {
      const key = new Uint8Array(length).map((_, i) => i * 7)
      const expected = createHmac('sha256', key).update(data).digest('hex')
      expect(toHex(hmacSha256Sync(key, data)), `key of ${length}`).toBe(expected)
      const changed = data.slice()
      changed[9] = (changed[9] as number) ^ 1
      expect(toHex(hmacSha256Sync(key, changed))).not.toBe(expected)
    }
  })
})
