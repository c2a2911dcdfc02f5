/**
 * core/dcc step by step on certificates signed here (test/helpers/dcc.ts): each step accepts what hcert
 * allows (three COSE taggings, kid and alg in either header, ES256 and PS256, colliding kids)
 * and refuses one corruption at a time with its own code.
 */
import { encode, Tagged } from 'cborg'
import { zlibSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/codec/index.ts'
import {
  base45Encode,
  checkDccKeyUsage,
  checkDccSchema,
  checkDccTime,
  dccTrust,
  decodeHc1,
  inflateZlib,
  parseCoseSign1,
  readDccClaims,
  readDsc,
  signerFromDsc,
  unprefixHc1,
  verifyDccSignature,
} from '../../../src/core/dcc/index.ts'
import {
  claimsOf,
  createKey,
  DAY,
  flipByte,
  hc1Of,
  NOW,
  OID_TEST,
  OID_VACCINATION,
  signCose,
  signHc1,
  TEST_RESULT,
  type TestKey,
  VACCINATION,
} from '../../helpers/dcc.ts'
import { readDccVector } from './vector-file.ts'

const code = (c: string) => expect.objectContaining({ code: c })

let ec: TestKey
let rsa: TestKey
beforeAll(async () => {
  ec = await createKey('EC')
  rsa = await createKey('RSA')
})

describe('decode: prefix → Base45 → zlib → COSE → CWT', () => {
  it('reads a certificate back to its claims', async () => {
    const d = decodeHc1(await signHc1(ec))
    expect(d.claims).toEqual({
      iss: 'AT',
      iat: NOW - DAY,
      exp: NOW + 180 * DAY,
      dcc: VACCINATION,
      who: [],
    })
    expect(d.cose.tagging).toBe('cose')
  })

  it.each(['cose', 'cwt', 'none'] as const)(
    'accepts COSE tagging %s (tag 18, 61+18, none)',
    async (tagging) => {
      expect(decodeHc1(await signHc1(ec, { tagging })).cose.tagging).toBe(tagging)
    },
  )

  it.each([
    ['HC2: (a reserved later version)', (t: string) => t.replace('HC1:', 'HC2:')],
    ['HL0:', (t: string) => t.replace('HC1:', 'HL0:')],
    ['no prefix', (t: string) => t.slice(4)],
    [
      'lowercase hc1: (QR alphanumeric mode has no lowercase)',
      (t: string) => t.replace('HC1:', 'hc1:'),
    ],
  ])('refuses %s with DCC_PREFIX', async (_, change) => {
    expect(() => decodeHc1(change(hc1Text))).toThrow(code('DCC_PREFIX'))
  })

  let hc1Text: string
  beforeAll(async () => {
    hc1Text = await signHc1(ec)
  })

  it('drops surrounding line breaks, never a Base45 character', () => {
    expect(unprefixHc1(`\n${hc1Text}\r\n`)).toBe(hc1Text.slice(4))
  })

  it('refuses bad Base45 with DCC_BASE45 (a lowercase character in the text)', () => {
    expect(() =>
      decodeHc1(`HC1:${hc1Text.slice(4, 10).toLowerCase()}${hc1Text.slice(10)}`),
    ).toThrow(code('DCC_BASE45'))
  })

  it('refuses a truncated zlib stream with DCC_ZLIB', async () => {
    const z = zlibSync(await signCose(ec))
    expect(() => inflateZlib(z.subarray(0, z.length - 6))).toThrow(code('DCC_ZLIB'))
    expect(() => decodeHc1(`HC1:${base45Encode(z.subarray(0, z.length - 6))}`)).toThrow(
      code('DCC_ZLIB'),
    )
  })

  it('refuses a wrong Adler-32, trailing bytes, uncompressed COSE and a bomb with DCC_ZLIB', async () => {
    const cose = await signCose(ec)
    const z = zlibSync(cose)
    expect(() => inflateZlib(flipByte(z, z.length - 1))).toThrow(code('DCC_ZLIB'))
    expect(() => inflateZlib(Uint8Array.of(...z, 0))).toThrow(code('DCC_ZLIB'))
    // dgc-testdata Z2: the COSE itself, not compressed (hcert §3.3.3: SHALL be compressed).
    expect(() => inflateZlib(cose)).toThrow(code('DCC_ZLIB'))
    expect(() => inflateZlib(zlibSync(new Uint8Array(70_000)))).toThrow(code('DCC_ZLIB'))
  })

  it('refuses CBOR that is not a COSE_Sign1 with DCC_COSE', async () => {
    const notCose = [
      encode(new Map([[1, 'a map, not an array']])),
      encode([new Uint8Array(0), new Map(), new Uint8Array(1)]), // three items
      Uint8Array.of(
        0xd8,
        0x3d,
        ...encode([new Uint8Array(0), new Map(), new Uint8Array(1), new Uint8Array(1)]),
      ), // 61 without 18
      Uint8Array.of(
        0xd1,
        ...encode([new Uint8Array(0), new Map(), new Uint8Array(1), new Uint8Array(1)]),
      ), // tag 17 (COSE_Mac0)
      encode([new Uint8Array(0), new Map(), null, new Uint8Array(1)]), // detached payload
      Uint8Array.of(0xff, 0x00), // not CBOR at all
      Uint8Array.of(...(await signCose(ec)), 0x00), // a trailing byte
    ]
    for (const bytes of notCose) {
      expect(() => parseCoseSign1(bytes)).toThrow(code('DCC_COSE'))
      expect(() => decodeHc1(hc1Of(bytes))).toThrow(code('DCC_COSE'))
    }
  })

  it('refuses claims without hcert, iat or exp, or with a non-object DCC with DCC_CWT', async () => {
    const broken = [
      new Map<number, unknown>([
        [1, 'AT'],
        [6, NOW],
        [4, NOW + DAY],
      ]),
      new Map<number, unknown>([
        [1, 'AT'],
        [4, NOW + DAY],
        [-260, new Map([[1, VACCINATION]])],
      ]),
      new Map<number, unknown>([
        [1, 'AT'],
        [6, NOW],
        [4, 'tomorrow'],
        [-260, new Map([[1, VACCINATION]])],
      ]),
      new Map<number, unknown>([
        [1, 'AT'],
        [6, NOW],
        [4, NOW + DAY],
        [-260, new Map([[1, 'text']])],
      ]),
      new Map<number, unknown>([
        [1, 7],
        [6, NOW],
        [4, NOW + DAY],
        [-260, new Map([[1, VACCINATION]])],
      ]),
    ]
    for (const claims of broken) {
      expect(() => decodeHc1(hc1Of(encodeCose(claims)))).toThrow(code('DCC_CWT'))
    }
    expect(() => readDccClaims(encode(['not', 'a', 'map']))).toThrow(code('DCC_CWT'))
  })

  it('turns CBOR date tags in the payload into strings (tag 0, tag 1; dcc.md §1) and refuses others', () => {
    const entry = { ...TEST_RESULT.t[0], sc: new Tagged(0, '2026-11-24T08:00:00Z') }
    const tagged = { ...TEST_RESULT, t: [{ ...entry, dr: new Tagged(1, NOW) }] }
    const claims = readDccClaims(encode(claimsOf({ dcc: tagged })))
    expect(claims.dcc).toEqual({
      ...TEST_RESULT,
      t: [{ ...TEST_RESULT.t[0], dr: '2026-11-24T12:00:00Z' }],
    })
    const other = { ...TEST_RESULT, t: [{ ...entry, sc: new Tagged(32, 'https://x.test') }] }
    expect(() => readDccClaims(encode(claimsOf({ dcc: other })))).toThrow(code('DCC_CWT'))
  })
})

/** An unsigned COSE_Sign1 around arbitrary claims (the decode steps do not look at signatures). */
function encodeCose(claims: Map<number, unknown>): Uint8Array {
  return Uint8Array.of(
    0xd2,
    ...encode([encode(new Map([[1, -7]])), new Map(), encode(claims), new Uint8Array(64)]),
  )
}

describe('signature: ES256 and PS256 against the signers with the kid', () => {
  it('verifies ES256 and PS256 (RSA 2048) and returns the signer', async () => {
    for (const key of [ec, rsa]) {
      const cose = parseCoseSign1(await signCose(key))
      expect(await verifyDccSignature(cose, dccTrust([key.signer]))).toBe(key.signer)
    }
  })

  it('reads kid and alg from the unprotected header (dgc-testdata CO20)', async () => {
    const cose = parseCoseSign1(await signCose(ec, { headers: 'unprotected' }))
    expect(cose.algProtected).toBe(false)
    expect(await verifyDccSignature(cose, dccTrust([ec.signer]))).toBe(ec.signer)
  })

  it('tries every signer with a colliding kid (hcert §3.3.1)', async () => {
    const other = await createKey('EC', { kid: ec.signer.kid, country: 'XX' })
    const cose = parseCoseSign1(await signCose(ec))
    expect(await verifyDccSignature(cose, dccTrust([other.signer, ec.signer]))).toBe(ec.signer)
  })

  it('refuses a flipped signature byte with DCC_SIGNATURE (ES256 and PS256)', async () => {
    for (const key of [ec, rsa]) {
      const cose = parseCoseSign1(await signCose(key, { corrupt: (s) => flipByte(s, 5) }))
      await expect(verifyDccSignature(cose, dccTrust([key.signer]))).rejects.toThrow(
        code('DCC_SIGNATURE'),
      )
    }
  })

  it('refuses a 3-byte and a 65-byte ES256 signature with DCC_SIGNATURE (CO5, CO24)', async () => {
    for (const corrupt of [
      (s: Uint8Array) => s.subarray(0, 3),
      (s: Uint8Array) => Uint8Array.of(...s, 0),
    ]) {
      const cose = parseCoseSign1(await signCose(ec, { corrupt }))
      await expect(verifyDccSignature(cose, dccTrust([ec.signer]))).rejects.toThrow(
        code('DCC_SIGNATURE'),
      )
    }
  })

  it('refuses a kid no signer has with DCC_KID_UNKNOWN, and a missing kid too', async () => {
    const wrong = parseCoseSign1(await signCose(ec, { kid: new TextEncoder().encode('foo') }))
    await expect(verifyDccSignature(wrong, dccTrust([ec.signer]))).rejects.toThrow(
      code('DCC_KID_UNKNOWN'),
    )
    const none = { ...parseCoseSign1(await signCose(ec)), kid: undefined }
    await expect(verifyDccSignature(none, dccTrust([ec.signer]))).rejects.toThrow(
      code('DCC_KID_UNKNOWN'),
    )
  })

  it('binds alg to the key type: PS256 with an EC key, ES256 with an RSA key, no alg → DCC_ALG (CO27)', async () => {
    const cases: [TestKey, number | null][] = [
      [ec, -37],
      [rsa, -7],
      [ec, null],
      [ec, -8],
    ]
    for (const [key, alg] of cases) {
      const cose = parseCoseSign1(await signCose(key, { alg }))
      await expect(verifyDccSignature(cose, dccTrust([key.signer]))).rejects.toThrow(
        code('DCC_ALG'),
      )
    }
  })

  it('refuses a signer whose key is not a key with DCC_TRUST', async () => {
    const broken = { ...ec.signer, spki: ec.signer.spki.subarray(0, 40) }
    const cose = parseCoseSign1(await signCose(ec))
    await expect(verifyDccSignature(cose, dccTrust([broken]))).rejects.toThrow(code('DCC_TRUST'))
  })
})

describe('signer certificates (DER X.509 from dgc-testdata)', () => {
  it('reads key, validity, country and EKU, and computes the kid (CO12: test and vaccination)', async () => {
    const v = readDccVector('common/2DCode/raw/CO12.json')
    const der = fromBase64(v.TESTCTX?.CERTIFICATE as string)
    const info = readDsc(der)
    expect(info.keyType).toBe('EC')
    expect(info.notAfter).toBeGreaterThan(info.notBefore)
    expect(info.eku?.length).toBeGreaterThan(0)
    const signer = await signerFromDsc(der)
    const cose = parseCoseSign1(Uint8Array.from(Buffer.from(v.COSE as string, 'hex')))
    expect(Buffer.from(cose.kid as Uint8Array).toString('base64')).toBe(signer.kid)
  })

  it('reads an RSA DSC (CO1) and one without EKU (CO15)', async () => {
    const rsaDsc = readDsc(
      fromBase64(readDccVector('common/2DCode/raw/CO1.json').TESTCTX?.CERTIFICATE as string),
    )
    expect(rsaDsc.keyType).toBe('RSA')
    const noEku = readDsc(
      fromBase64(readDccVector('common/2DCode/raw/CO15.json').TESTCTX?.CERTIFICATE as string),
    )
    // CO15: no DCC type OID at all, so every type may be signed.
    expect(noEku.eku ?? []).toEqual([])
  })

  it('refuses truncated or trailing DER with DCC_TRUST', () => {
    const der = fromBase64(
      readDccVector('common/2DCode/raw/CO12.json').TESTCTX?.CERTIFICATE as string,
    )
    expect(() => readDsc(der.subarray(0, der.length - 1))).toThrow(code('DCC_TRUST'))
    expect(() => readDsc(Uint8Array.of(...der, 0))).toThrow(code('DCC_TRUST'))
    expect(() => readDsc(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(code('DCC_TRUST'))
  })
})

describe('time and key usage', () => {
  const signer = { notBefore: NOW - 100 * DAY, notAfter: NOW + 100 * DAY }
  const t = (iat: number, exp: number) => ({ iat, exp })

  it('passes inside every window, within the iat skew, and warns when exp outlives the DSC', () => {
    expect(checkDccTime(t(NOW - DAY, NOW + DAY), signer, NOW)).toEqual([])
    expect(checkDccTime(t(NOW + 299, NOW + DAY), signer, NOW)).toEqual([])
    expect(checkDccTime(t(NOW, NOW + 200 * DAY), signer, NOW)).toEqual(['DCC_EXP_AFTER_DSC'])
  })

  it.each([
    ['iat in the future (CO16)', t(NOW + 301, NOW + DAY), signer, 'DCC_NOT_YET_VALID'],
    ['now past exp (CO17)', t(NOW - DAY, NOW - 1), signer, 'DCC_EXPIRED'],
    [
      'the DSC expired',
      t(NOW - DAY, NOW + DAY),
      { ...signer, notAfter: NOW - 1 },
      'DCC_DSC_EXPIRED',
    ],
    ['iat before the DSC existed', t(NOW - 101 * DAY, NOW + DAY), signer, 'DCC_DSC_NOT_YET_VALID'],
  ])('%s → %s', (_, claims, dsc, expected) => {
    expect(() => checkDccTime(claims, dsc, NOW)).toThrow(code(expected))
  })

  it('a DSC with any DCC type OID signs only those types; one with none signs all (Annex A.4)', () => {
    expect(() => checkDccKeyUsage('t', [OID_VACCINATION])).toThrow(code('DCC_KEY_USAGE'))
    expect(() => checkDccKeyUsage('v', [OID_VACCINATION])).not.toThrow()
    expect(() => checkDccKeyUsage('t', [OID_TEST, OID_VACCINATION])).not.toThrow()
    expect(() => checkDccKeyUsage('r', ['1.3.6.1.4.1.0.1847.2021.1.2'])).toThrow(
      code('DCC_KEY_USAGE'),
    )
    expect(() => checkDccKeyUsage('r', ['2.23.136.1.1.14.2'])).not.toThrow()
    expect(() => checkDccKeyUsage('r', undefined)).not.toThrow()
  })
})

describe('schema (lenient, per ver)', () => {
  it('accepts v, t and r payloads and a date-time in a date field (PL 11–13)', () => {
    expect(checkDccSchema(VACCINATION).type).toBe('v')
    expect(checkDccSchema(TEST_RESULT).type).toBe('t')
    const dt = { ...VACCINATION, v: [{ ...VACCINATION.v[0], dt: '2021-03-18T22:54:00+02:00' }] }
    expect(checkDccSchema(dt).type).toBe('v')
  })

  it.each([
    ['two entry types (DGC2)', { ...VACCINATION, t: TEST_RESULT.t }, 'v+t'],
    ['no entry', { ver: '1.3.0', nam: VACCINATION.nam, dob: '1998' }, 'v'],
    ['two vaccinations in v', { ...VACCINATION, v: [VACCINATION.v[0], VACCINATION.v[0]] }, 'v'],
    ['dn as text', { ...VACCINATION, v: [{ ...VACCINATION.v[0], dn: '2' }] }, 'v[0].dn'],
    ['no ci', { ...VACCINATION, v: [{ ...VACCINATION.v[0], ci: undefined }] }, 'v[0].ci'],
    [
      'lowercase fnt',
      { ...VACCINATION, nam: { ...VACCINATION.nam, fnt: 'musterfrau' } },
      'nam.fnt',
    ],
    ['no fnt before 1.3.2', { ...VACCINATION, nam: { gnt: 'GABRIELE' } }, 'nam.fnt'],
    ['ver 2.0.0', { ...VACCINATION, ver: '2.0.0' }, 'ver'],
    ['no dob', { ...VACCINATION, dob: undefined }, 'dob'],
  ])('refuses %s with DCC_SCHEMA at %s', (_, payload, field) => {
    expect(() => checkDccSchema(JSON.parse(JSON.stringify(payload)))).toThrow(
      expect.objectContaining({ code: 'DCC_SCHEMA', field }),
    )
  })

  it('accepts gnt alone from 1.3.2 on', () => {
    expect(checkDccSchema({ ...VACCINATION, ver: '1.3.2', nam: { gnt: 'GABRIELE' } }).nam).toEqual({
      gnt: 'GABRIELE',
    })
  })
})
