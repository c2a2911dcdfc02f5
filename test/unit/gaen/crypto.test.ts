/** EN crypto v1.2 vectors (all 144 RPIs and AEMs), tekmac vectors, matching window. */
import { createCipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/codec/base64.ts'
import { fromHex, toHex } from '../../../src/core/codec/hex.ts'
import {
  aem,
  aemk,
  aesBlock,
  aesBlockWebCrypto,
  checkTekmac,
  decryptAem,
  intervalNumber,
  matchKeys,
  paddedData,
  rpi,
  rpik,
  rpis,
  tekmac,
  tekmacCleartext,
} from '../../../src/core/gaen/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'

interface EnVectors {
  keyGenerationUnixSeconds: number
  enIntervalNumber: number
  tek: string
  rpik: string
  aemk: string
  bluetoothMetadata: string
  intervals: { index: number; enIntervalNumber: number; rpi: string; aem: string }[]
}
const v = readVectorJson<EnVectors>('gaen/en_crypto_test_vectors.json')

describe('EN crypto vectors', () => {
  const tek = fromHex(v.tek)
  it('ENIntervalNumber, RPIK and AEMK', () => {
    expect(intervalNumber(v.keyGenerationUnixSeconds)).toBe(2642976)
    expect(intervalNumber(v.keyGenerationUnixSeconds)).toBe(v.enIntervalNumber)
    expect(toHex(rpik(tek))).toBe(v.rpik)
    expect(toHex(aemk(tek))).toBe(v.aemk)
  })

  it('all 144 RPIs and AEMs reproduce, and each AEM decrypts back to the metadata', () => {
    expect(v.intervals).toHaveLength(144)
    const all = rpis(rpik(tek), v.enIntervalNumber)
    const meta = fromHex(v.bluetoothMetadata)
    for (const iv of v.intervals) {
      const one = rpi(rpik(tek), iv.enIntervalNumber)
      expect(toHex(one)).toBe(iv.rpi)
      expect(toHex(all.subarray(16 * iv.index, 16 * iv.index + 16))).toBe(iv.rpi)
      expect(toHex(aem(aemk(tek), one, meta))).toBe(iv.aem)
      expect(toHex(decryptAem(aemk(tek), one, fromHex(iv.aem)))).toBe(v.bluetoothMetadata)
    }
  })

  it('the table AES agrees with WebCrypto (AES-CBC, zero IV) and node:crypto ECB on random blocks', async () => {
    for (let i = 0; i < 50; i++) {
      const key = crypto.getRandomValues(new Uint8Array(16))
      const block = crypto.getRandomValues(new Uint8Array(16))
      const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(block)
      expect(toHex(aesBlock(key, block))).toBe(toHex(ecb))
      expect(toHex(await aesBlockWebCrypto(key, block))).toBe(toHex(ecb))
    }
    expect(toHex(paddedData(2642976))).toBe('454e2d52504900000000000020542800')
  })

  it('FIPS 197 appendix C.1 known answer', () => {
    const out = aesBlock(
      fromHex('000102030405060708090a0b0c0d0e0f'),
      fromHex('00112233445566778899aabbccddeeff'),
    )
    expect(toHex(out)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a')
  })
})

interface MacVectors {
  secretHex: string
  cases: {
    keys: {
      key: string
      rollingStartNumber: number
      rollingPeriod: number
      transmissionRisk: number
    }[]
    expectedCleartextWithTR: string
    expectedHmacWithTR: string
    expectedCleartextWithoutTR?: string
    expectedHmacWithoutTR?: string
  }[]
}
const m = readVectorJson<MacVectors>('gaen/tek_hmac_test_vectors.json')

describe('tekmac vectors', () => {
  const secret = fromHex(m.secretHex)
  it.each(m.cases)('$name', (c) => {
    expect(tekmacCleartext(c.keys)).toBe(c.expectedCleartextWithTR)
    expect(tekmac(secret, c.keys)).toBe(c.expectedHmacWithTR)
    expect(checkTekmac(secret, c.keys, c.expectedHmacWithTR)).toBe(true)
    if (c.expectedHmacWithoutTR !== undefined) {
      expect(tekmacCleartext(c.keys, false)).toBe(c.expectedCleartextWithoutTR)
      expect(tekmac(secret, c.keys, false)).toBe(c.expectedHmacWithoutTR)
      expect(checkTekmac(secret, c.keys, c.expectedHmacWithoutTR)).toBe(true)
    }
  })
  it('the no-TR variant is refused when some TR is not 0; a wrong key fails', () => {
    const c = m.cases[0]
    if (c === undefined) throw new Error('no case')
    expect(checkTekmac(secret, c.keys, tekmac(secret, c.keys, false))).toBe(false)
    expect(checkTekmac(new Uint8Array(16), c.keys, c.expectedHmacWithTR)).toBe(false)
  })
})

describe('matching', () => {
  const tek = fromBase64('dPCphLzfG4uzXneNimkPRQ==')
  const start = 2642976
  const key = { keyData: tek, rollingStartIntervalNumber: start, rollingPeriod: 144 }
  const seen = (i: number, at: number) => ({ rpi: rpi(rpik(tek), start + i), enin: at })

  it('matches within ±2 h of the RPI interval, not beyond', () => {
    const obs = [
      seen(10, start + 10),
      seen(20, start + 32),
      seen(30, start + 43),
      seen(40, start + 28),
    ]
    const found = matchKeys([key], obs).map((x) => x.observationIndex)
    expect(found).toEqual([0, 1, 3])
  })

  it('an RPI beyond a shortened rolling period does not match; other keys do not match', () => {
    const short = { ...key, rollingPeriod: 50 }
    expect(matchKeys([short], [seen(60, start + 60)])).toEqual([])
    const other = { ...key, keyData: new Uint8Array(16) }
    expect(matchKeys([other], [seen(10, start + 10)])).toEqual([])
  })
})
