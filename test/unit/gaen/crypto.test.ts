/**
 * EN crypto v1.2 vectors (all 144 RPIs and AEMs) through both crypto providers (pure and
 * node:crypto), tekmac vectors, matching window and derivation range.
 */
import { createCipheriv, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/codec/base64.ts'
import { utf8 } from '../../../src/core/codec/bytes.ts'
import { fromHex, toHex } from '../../../src/core/codec/hex.ts'
import {
  aem,
  aemk,
  aesBlock,
  aesBlockWebCrypto,
  checkTekmac,
  decryptAem,
  type GaenCrypto,
  hkdfSha256NoSalt,
  indexObservations,
  intervalNumber,
  matchKeys,
  paddedBlocks,
  paddedData,
  pureGaenCrypto,
  rpi,
  rpik,
  rpis,
  tekmac,
  tekmacCleartext,
} from '../../../src/core/gaen/index.ts'
import { nodeGaenCrypto } from '../../../src/platform/node-crypto/gaen.ts'
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

const providers: [string, GaenCrypto][] = [
  ['pure', pureGaenCrypto],
  ['node:crypto', nodeGaenCrypto],
]

describe.each(providers)('EN crypto vectors, %s provider', (_, c) => {
  const tek = fromHex(v.tek)
  it('ENIntervalNumber, RPIK and AEMK', () => {
    expect(intervalNumber(v.keyGenerationUnixSeconds)).toBe(2642976)
    expect(intervalNumber(v.keyGenerationUnixSeconds)).toBe(v.enIntervalNumber)
    expect(toHex(rpik(tek, c))).toBe(v.rpik)
    expect(toHex(aemk(tek, c))).toBe(v.aemk)
  })

  it('all 144 RPIs and AEMs reproduce, and each AEM decrypts back to the metadata', () => {
    expect(v.intervals).toHaveLength(144)
    const key = rpik(tek, c)
    const all = rpis(key, v.enIntervalNumber, 144, c)
    const tail = rpis(key, v.enIntervalNumber + 100, 44, c)
    const meta = fromHex(v.bluetoothMetadata)
    for (const iv of v.intervals) {
      const one = rpi(key, iv.enIntervalNumber, c)
      expect(toHex(one)).toBe(iv.rpi)
      expect(toHex(all.subarray(16 * iv.index, 16 * iv.index + 16))).toBe(iv.rpi)
      if (iv.index >= 100)
        expect(toHex(tail.subarray(16 * (iv.index - 100), 16 * (iv.index - 99)))).toBe(iv.rpi)
      expect(toHex(aem(aemk(tek, c), one, meta, c))).toBe(iv.aem)
      expect(toHex(decryptAem(aemk(tek, c), one, fromHex(iv.aem), c))).toBe(v.bluetoothMetadata)
    }
  })

  it('HKDF with no salt equals node hkdfSync; a wrong TEK length is GAEN_KEY', () => {
    for (let i = 0; i < 20; i++) {
      const ikm = crypto.getRandomValues(new Uint8Array(16))
      const info = utf8(`info-${i}`)
      const want = new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, 32))
      expect(toHex(c.hkdf(ikm, info, 32))).toBe(toHex(want))
      expect(toHex(c.hkdf(ikm, info, 16))).toBe(toHex(want.subarray(0, 16)))
    }
    expect(() => rpik(new Uint8Array(15), c)).toThrow(expect.objectContaining({ code: 'GAEN_KEY' }))
    expect(() => c.aes128EcbEncrypt(new Uint8Array(16), new Uint8Array(17))).toThrow(RangeError)
  })
})

describe('EN crypto helpers', () => {
  it('the one-block HKDF equals node hkdfSync for every ikm and info length up to and past one block', () => {
    // 55 and 54 are the longest ikm and info that fit one block; longer go to @noble.
    for (const n of [0, 1, 15, 16, 32, 54, 55, 56, 64, 100])
      for (const m of [0, 7, 53, 54, 55, 64]) {
        const ikm = crypto.getRandomValues(new Uint8Array(n))
        const info = crypto.getRandomValues(new Uint8Array(m))
        for (const length of [1, 16, 32]) {
          const want = new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, length))
          expect(toHex(hkdfSha256NoSalt(ikm, info, length))).toBe(toHex(want))
        }
      }
    expect(() => hkdfSha256NoSalt(new Uint8Array(16), new Uint8Array(1), 33)).toThrow(RangeError)
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
    expect(toHex(paddedBlocks(2642976, 2))).toBe(
      `454e2d52504900000000000020542800${toHex(paddedData(2642977))}`,
    )
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

  it('edges of the window: scans 12 intervals before the key or after its end still match', () => {
    const obs = [
      seen(0, start - 12),
      seen(143, start + 155),
      seen(0, start - 13),
      seen(143, start + 156),
    ]
    for (const [, c] of providers)
      expect(matchKeys([key], obs, { crypto: c }).map((x) => x.observationIndex)).toEqual([0, 1])
  })

  it('derives only the covered intervals; a key no observation can reach costs no HKDF', () => {
    const stats = { derivedKeys: 0, derivedRpis: 0 }
    const far = { ...key, rollingStartIntervalNumber: start + 10 * 144 }
    const found = matchKeys([far, key], [seen(50, start + 52), seen(60, start + 58)], { stats })
    expect(found.map((x) => [x.keyIndex, x.observationIndex, x.enin])).toEqual([
      [1, 0, start + 50],
      [1, 1, start + 60],
    ])
    // Covered: 52−12 … 58+12, i.e. 40 … 70 relative to start: 31 RPIs of one key.
    expect(stats).toEqual({ derivedKeys: 1, derivedRpis: 31 })
  })

  it('agrees with deriving all 144 RPIs of every key, over random keys and scans, both providers', () => {
    const rand = (n: number) => crypto.getRandomValues(new Uint8Array(n))
    const keys = Array.from({ length: 40 }, (_, i) => ({
      keyData: rand(16),
      rollingStartIntervalNumber: start + (i % 6) * 144,
      rollingPeriod: i % 5 === 0 ? 70 : 144,
    }))
    const obs = Array.from({ length: 300 }, (_, i) => {
      const k = keys[i % 40] as (typeof keys)[number]
      const at = k.rollingStartIntervalNumber + ((i * 7) % 144)
      // Scans drift by −20 … +20 intervals; a third of them are noise.
      const enin = at + ((i * 13) % 41) - 20
      return { rpi: i % 3 === 0 ? rand(16) : rpi(rpik(k.keyData), at), enin }
    })
    const naive: [number, number, number][] = []
    keys.forEach((k, ki) => {
      const all = rpis(rpik(k.keyData), k.rollingStartIntervalNumber, 144)
      obs.forEach((o, oi) => {
        for (let i = 0; i < 144; i++) {
          const same = toHex(all.subarray(16 * i, 16 * i + 16)) === toHex(o.rpi)
          const enin = k.rollingStartIntervalNumber + i
          if (same && i < k.rollingPeriod && Math.abs(o.enin - enin) <= 12)
            naive.push([ki, oi, enin])
        }
      })
    })
    const order = (a: number[], b: number[]) =>
      (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)
    naive.sort(order)
    expect(naive.length).toBeGreaterThan(50)
    const index = indexObservations(obs)
    for (const [, c] of providers) {
      const got = matchKeys(keys, index, { crypto: c }).map((m) => [
        m.keyIndex,
        m.observationIndex,
        m.enin,
      ])
      expect(got.sort(order)).toEqual(naive)
    }
  })
})
