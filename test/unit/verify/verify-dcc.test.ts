/**
 * core/verify/verify-dcc: an EU DCC gets the same Verdict a SMART Health Card gets — every
 * check, a status, a plain sentence for the door and, once signed, the holder's summary. One
 * corruption per case, each with its own code; last, every DCC code is shown produced here.
 */

import { zlibSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DccRule } from '../../../src/core/certlogic/index.ts'
import { fromBase64 } from '../../../src/core/codec/index.ts'
import {
  base45Encode,
  dccRevocationHashes,
  dccTrust,
  decodeHc1,
  signerFromDsc,
} from '../../../src/core/dcc/index.ts'
import {
  type CheckCode,
  type CheckId,
  DCC_CHECK_CODES,
  type DccRulesOption,
  type DccVerifyOptions,
  plainVerdict,
  type Verdict,
  verifyCredential,
  verifyDcc,
} from '../../../src/core/verify/index.ts'
import {
  createKey,
  DAY,
  flipByte,
  hc1Of,
  NOW,
  OID_VACCINATION,
  signCose,
  signHc1,
  TEST_RESULT,
  type TestKey,
  VACCINATION,
} from '../../helpers/dcc.ts'
import { readDccVector, validationClock } from '../dcc/vector-file.ts'

const produced = new Set<CheckCode>()
/** gnt then fnt of DE/2DCode/raw/1.json's JSON. */
const TRANSLITERATED_DE1 = 'ERIKA MUSTERMANN'
const truncated = (bytes: Uint8Array, drop: number) => bytes.subarray(0, bytes.length - drop)

async function verify(text: string, options: Partial<DccVerifyOptions> = {}): Promise<Verdict> {
  const v = await verifyDcc(text, {
    trust: dccTrust([ec.signer], NOW - 3600),
    now: NOW,
    ...options,
  })
  for (const c of v.checks) produced.add(c.code)
  return v
}

function expectCheck(v: Verdict, id: CheckId, result: string, code: CheckCode) {
  expect(v.checks.find((c) => c.id === id)).toMatchObject({ id, result, code })
}

let ec: TestKey
let rsa: TestKey
beforeAll(async () => {
  ec = await createKey('EC')
  rsa = await createKey('RSA', { country: 'IS' })
})

describe('a valid DCC', () => {
  it('is valid, with every check in order and the holder summary', async () => {
    const v = await verify(await signHc1(ec))
    expect(v.status).toBe('valid')
    expect(v.checks.map((c) => [c.id, c.result, c.code])).toEqual([
      ['format', 'pass', 'DCC_FORMAT_OK'],
      ['issuer', 'pass', 'DCC_SIGNER_TRUSTED'],
      ['signature', 'pass', 'DCC_SIGNATURE_VALID'],
      ['expiry', 'pass', 'DCC_NOT_EXPIRED'],
      ['revocation', 'pass', 'DCC_NO_REVOCATION_LIST'],
      ['ledger', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED'],
      ['checkpoint', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED'],
      ['witnesses', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED'],
    ])
    expect(v.dcc).toMatchObject({ country: 'AT', kid: ec.signer.kid, alg: 'ES256', type: 'v' })
    expect(v.dcc?.summary).toEqual({
      name: 'Gabriele Musterfrau-Gößinger',
      transliterated: 'GABRIELE MUSTERFRAU<GOESSINGER',
      birthDate: '1998-02-26',
      type: 'v',
      version: '1.3.0',
      country: 'AT',
      issuer: 'Ministry of Health, Austria',
      uci: 'URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B',
      vaccination: {
        disease: '840539006',
        vaccine: '1119349007',
        product: 'EU/1/20/1528',
        manufacturer: 'ORG-100030215',
        dose: 2,
        doses: 2,
        date: '2021-02-18',
      },
    })
    expect(v.dataAge).toBe(3600)
    expect(plainVerdict(v)).toMatchObject({ kind: 'valid', key: 'valid-dcc' })
  })

  it('is valid signed PS256 with an RSA key, and a test certificate is summarised', async () => {
    const v = await verify(await signHc1(rsa, { dcc: TEST_RESULT, iss: 'IS' }), {
      trust: dccTrust([rsa.signer]),
    })
    expect(v.status).toBe('valid')
    expect(v.dcc).toMatchObject({ alg: 'PS256', signerCountry: 'IS', type: 't' })
    expect(v.dcc?.summary?.test).toEqual({
      disease: '840539006',
      testType: 'LP217198-3',
      device: '1232',
      collected: '2026-11-24T08:00:00Z',
      result: '260415000',
      centre: 'Testzentrum Wien',
    })
  })

  it('is valid for a published vector with its own DSC at its own clock (DE/2DCode/raw/1.json)', async () => {
    const vector = readDccVector('DE/2DCode/raw/1.json')
    const signer = await signerFromDsc(fromBase64(vector.TESTCTX?.CERTIFICATE as string))
    const v = await verifyDcc(vector.PREFIX as string, {
      trust: dccTrust([signer]),
      now: validationClock(vector) as number,
    })
    expect(v.status).toBe('valid')
    expect(v.dcc?.summary?.transliterated).toBe(TRANSLITERATED_DE1)
  })

  it('is routed from verifyCredential when DCC trust is given, and named unsupported without it', async () => {
    const text = await signHc1(ec)
    const routed = await verifyCredential(`  ${text}\n`, {
      trust: [],
      now: NOW,
      dcc: { trust: dccTrust([ec.signer]) },
    })
    expect(routed.status).toBe('valid')
    const refused = await verifyCredential(text, { trust: [], now: NOW })
    expect(refused.reason?.code).toBe('VERIFY_INPUT_DCC')
  })
})

describe('one corruption, one code', () => {
  const cases: [
    string,
    () => Promise<string>,
    Partial<DccVerifyOptions> | undefined,
    CheckId,
    CheckCode,
    string,
  ][] = [
    [
      'no HC1: prefix',
      async () => (await signHc1(ec)).slice(4),
      undefined,
      'format',
      'DCC_PREFIX',
      'could-not-read',
    ],
    [
      'bad Base45 (=)',
      async () => `${(await signHc1(ec)).slice(0, 20)}=${(await signHc1(ec)).slice(21)}`,
      undefined,
      'format',
      'DCC_BASE45',
      'could-not-read',
    ],
    [
      'truncated zlib',
      async () => `HC1:${base45Encode(truncated(zlibSync(await signCose(ec)), 6))}`,
      undefined,
      'format',
      'DCC_ZLIB',
      'could-not-read',
    ],
    [
      'non-COSE CBOR (a CBOR map)',
      async () => hc1Of(Uint8Array.of(0xa1, 0x01, 0x02)),
      undefined,
      'format',
      'DCC_COSE',
      'could-not-read',
    ],
    [
      'claims without hcert',
      async () =>
        signHc1(ec, {
          claims: new Map<number, unknown>([
            [1, 'AT'],
            [6, NOW],
            [4, NOW + DAY],
          ]),
        }),
      undefined,
      'format',
      'DCC_CWT',
      'could-not-read',
    ],
    [
      'a flipped signature byte',
      async () => signHc1(ec, { corrupt: (s) => flipByte(s, 10) }),
      undefined,
      'signature',
      'DCC_SIGNATURE',
      'not-valid',
    ],
    [
      'PS256 named for an EC key',
      async () => signHc1(ec, { alg: -37 }),
      undefined,
      'signature',
      'DCC_ALG',
      'not-valid',
    ],
    [
      'a wrong kid',
      async () => signHc1(ec, { kid: new Uint8Array(8) }),
      undefined,
      'issuer',
      'DCC_KID_UNKNOWN',
      'cannot-confirm',
    ],
    [
      'iat in the future',
      async () => signHc1(ec, { iat: NOW + DAY }),
      undefined,
      'expiry',
      'DCC_NOT_YET_VALID',
      'not-valid',
    ],
    [
      'expired',
      async () => signHc1(ec, { iat: NOW - 10 * DAY, exp: NOW - DAY }),
      undefined,
      'expiry',
      'DCC_EXPIRED',
      'not-valid',
    ],
    [
      'two entries (DGC2)',
      async () => signHc1(ec, { dcc: { ...VACCINATION, t: TEST_RESULT.t } }),
      undefined,
      'format',
      'DCC_SCHEMA',
      'not-valid',
    ],
  ]

  it.each(cases)('%s → %s %s', async (_, make, options, id, code, kind) => {
    const v = await verify(await make(), options)
    expect(v.status).toBe('invalid')
    expect(v.reason).toMatchObject({ id, result: 'fail', code })
    expect(plainVerdict(v).kind).toBe(kind)
    // Nothing of an unverified or unreadable certificate is shown; a signed one that fails a
    // later check is, as a SMART Health Card is (the door sees who it was issued to).
    const signed = id === 'expiry' || id === 'revocation'
    expect(v.dcc?.summary === undefined).toBe(!signed)
  })

  it('an expired DSC → DCC_DSC_EXPIRED; iat before the DSC → DCC_DSC_NOT_YET_VALID', async () => {
    const expired = { ...ec.signer, notAfter: NOW - 1 }
    const v = await verify(await signHc1(ec), { trust: dccTrust([expired]) })
    expect(v.reason).toMatchObject({ id: 'expiry', code: 'DCC_DSC_EXPIRED' })
    expect(plainVerdict(v)).toMatchObject({ kind: 'not-valid', key: 'signer-invalid' })
    const young = { ...ec.signer, notBefore: NOW - 2 * DAY }
    const w = await verify(await signHc1(ec, { iat: NOW - 3 * DAY }), { trust: dccTrust([young]) })
    expect(w.reason).toMatchObject({ id: 'expiry', code: 'DCC_DSC_NOT_YET_VALID' })
  })

  it('a test certificate under a vaccination-only DSC → DCC_KEY_USAGE', async () => {
    const vaccinationOnly = { ...ec.signer, eku: [OID_VACCINATION] }
    const trust = dccTrust([vaccinationOnly])
    const v = await verify(await signHc1(ec, { dcc: TEST_RESULT }), { trust })
    expect(v.status).toBe('invalid')
    expect(v.reason).toMatchObject({ id: 'issuer', result: 'fail', code: 'DCC_KEY_USAGE' })
    expect(plainVerdict(v)).toMatchObject({ kind: 'not-valid', key: 'signer-not-allowed' })
    expect((await verify(await signHc1(ec), { trust })).status).toBe('valid')
  })

  it.each(['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const)(
    'revoked by its %s hash → DCC_REVOKED',
    async (type) => {
      const text = await signHc1(ec)
      const { signature } = decodeHc1(text).cose
      const hashes = await dccRevocationHashes({
        iss: 'AT',
        uci: VACCINATION.v[0]?.ci as string,
        signature,
        keyType: 'EC',
      })
      const v = await verify(text, { revoked: { [ec.signer.kid]: { [type]: [hashes[type]] } } })
      expect(v.reason).toMatchObject({
        id: 'revocation',
        code: 'DCC_REVOKED',
        detail: { hashType: type },
      })
      expect(plainVerdict(v)).toMatchObject({ kind: 'not-valid', key: 'revoked' })
      const other = await verify(text, {
        revoked: { [ec.signer.kid]: { [type]: ['AAAAAAAAAAAAAAAAAAAAAA=='] } },
      })
      expectCheck(other, 'revocation', 'pass', 'DCC_NOT_REVOKED')
    },
  )
})

describe('revocation of a certificate the schema refuses', () => {
  it('is still found by its SIGNATURE hash; the UCI lists are not consulted', async () => {
    const text = await signHc1(ec, { dcc: { ...VACCINATION, t: TEST_RESULT.t } })
    const { signature } = decodeHc1(text).cose
    const uci = VACCINATION.v[0]?.ci as string
    const hashes = await dccRevocationHashes({ iss: 'AT', uci, signature, keyType: 'EC' })
    const bySignature = await verify(text, {
      revoked: { [ec.signer.kid]: { SIGNATURE: [hashes.SIGNATURE] } },
    })
    expectCheck(bySignature, 'revocation', 'fail', 'DCC_REVOKED')
    const byUci = await verify(text, { revoked: { [ec.signer.kid]: { UCI: [hashes.UCI] } } })
    expectCheck(byUci, 'revocation', 'pass', 'DCC_NO_REVOCATION_LIST')
    expect(byUci.reason?.code).toBe('DCC_SCHEMA')
  })
})

describe('trust data', () => {
  it('no signers → issuer unknown (VERIFY_NO_TRUST), cannot confirm', async () => {
    const v = await verify(await signHc1(ec), { trust: dccTrust([]) })
    expect(v.status).toBe('cannot-confirm')
    expectCheck(v, 'issuer', 'unknown', 'VERIFY_NO_TRUST')
  })

  it('a list older than maxAge → issuer and revocation unknown (VERIFY_DATA_STALE)', async () => {
    const v = await verify(await signHc1(ec), { maxAge: 60 })
    expect(v.status).toBe('cannot-confirm')
    expectCheck(v, 'issuer', 'unknown', 'VERIFY_DATA_STALE')
    expectCheck(v, 'revocation', 'unknown', 'VERIFY_DATA_STALE')
  })

  it('a signer whose key is unusable → DCC_TRUST, cannot confirm', async () => {
    const broken = { ...ec.signer, spki: ec.signer.spki.subarray(0, 30) }
    const v = await verify(await signHc1(ec), { trust: dccTrust([broken]) })
    expect(v.reason).toMatchObject({ id: 'issuer', code: 'DCC_TRUST' })
    expect(plainVerdict(v)).toMatchObject({ kind: 'cannot-confirm', key: 'trust-invalid' })
  })
})

/** A rule of the EU format, Country AT, for vaccinations (overrides per case). */
function rule(over: Partial<DccRule> = {}): DccRule {
  return {
    Identifier: 'VR-AT-0001',
    Type: 'Acceptance',
    Country: 'AT',
    Version: '1.0.0',
    SchemaVersion: '1.0.0',
    Engine: 'CERTLOGIC',
    EngineVersion: '1.3.3',
    CertificateType: 'Vaccination',
    Description: [
      { lang: 'en', desc: 'Only vaccines in the allowed list are accepted' },
      { lang: 'es', desc: 'Solo se aceptan las vacunas de la lista permitida' },
    ],
    ValidFrom: '2021-06-01T00:00:00Z',
    ValidTo: '2030-06-01T00:00:00Z',
    AffectedFields: ['v.0.mp'],
    Logic: { in: [{ var: 'payload.v.0.mp' }, ['EU/1/20/1528', 'EU/1/20/1507']] },
    ...over,
  }
}
const rulesOf = (...rules: DccRule[]): DccRulesOption => ({ set: { country: 'AT', rules } })

describe("a country's business rules (CertLogic) add the rules check", () => {
  it('met → rules passes, listed last, the verdict valid', async () => {
    const v = await verify(await signHc1(ec), { rules: rulesOf(rule()) })
    expect(v.status).toBe('valid')
    expect(v.checks.map((c) => c.id).at(-1)).toBe('rules')
    expectCheck(v, 'rules', 'pass', 'DCC_RULES_PASSED')
    expect(v.checks.at(-1)?.detail).toMatchObject({ country: 'AT', count: '1' })
  })

  it('not met → DCC_RULE_FAILED, not valid, naming the rule in the verifier’s language', async () => {
    const strict = rule({ Logic: { in: [{ var: 'payload.v.0.mp' }, ['EU/1/20/1507']] } })
    const v = await verify(await signHc1(ec), { rules: { ...rulesOf(strict), lang: 'es' } })
    expect(v.status).toBe('invalid')
    expect(v.reason).toMatchObject({ id: 'rules', result: 'fail', code: 'DCC_RULE_FAILED' })
    expect(plainVerdict(v)).toMatchObject({
      kind: 'not-valid',
      key: 'rule-failed',
      params: { rule: 'VR-AT-0001', desc: 'Solo se aceptan las vacunas de la lista permitida' },
    })
  })

  it('an evaluation error counts as failed → DCC_RULE_ERROR', async () => {
    const broken = rule({
      Identifier: 'VR-AT-0002',
      Logic: { 'not-after': [{ plusTime: [{ var: 'payload.v.0.nope' }, 0, 'day'] }, true] },
    })
    const v = await verify(await signHc1(ec), { rules: rulesOf(rule(), broken) })
    expect(v.status).toBe('invalid')
    expect(v.reason).toMatchObject({ id: 'rules', code: 'DCC_RULE_ERROR' })
    expect(v.reason?.detail?.rule).toBe('VR-AT-0002')
  })

  it('no rule of the country of arrival → DCC_RULES_NONE, cannot confirm', async () => {
    const v = await verify(await signHc1(ec), {
      rules: { set: { country: 'DE', rules: [rule()] } },
    })
    expect(v.status).toBe('cannot-confirm')
    expect(v.reason).toMatchObject({ id: 'rules', result: 'unknown', code: 'DCC_RULES_NONE' })
    expect(plainVerdict(v)).toMatchObject({ key: 'rules-none', params: { country: 'DE' } })
  })

  it('a rule set the device could not read → DCC_RULES_INVALID, cannot confirm', async () => {
    const v = await verify(await signHc1(ec), { rules: { set: { invalid: 'rule 0: Logic' } } })
    expect(v.status).toBe('cannot-confirm')
    expect(v.reason).toMatchObject({ id: 'rules', code: 'DCC_RULES_INVALID' })
  })

  it('rules of another type, or not yet valid, do not apply (a test meets the set)', async () => {
    const later = rule({
      Identifier: 'TR-AT-0001',
      CertificateType: 'Test',
      ValidFrom: '2027-01-01T00:00:00Z',
    })
    const v = await verify(await signHc1(ec, { dcc: TEST_RESULT }), {
      rules: rulesOf(rule(), later),
    })
    expectCheck(v, 'rules', 'pass', 'DCC_RULES_PASSED')
    expect(v.checks.at(-1)?.detail?.count).toBe('0')
  })

  it('without a rule set there is no rules check; a certificate not read skips it', async () => {
    expect((await verify(await signHc1(ec))).checks.some((c) => c.id === 'rules')).toBe(false)
    const v = await verify('HC1:!!', { rules: rulesOf(rule()) })
    expectCheck(v, 'rules', 'skipped', 'VERIFY_NOT_CHECKED')
  })
})

describe('check codes', () => {
  // Last in the file: it reads what every case above produced.
  it('every DCC code in VERIFY_CHECK_CODES is produced by a case in this file', () => {
    expect(DCC_CHECK_CODES.filter((code) => !produced.has(code))).toEqual([])
  })
})
