/**
 * The WHO claims an HC1 code may carry under hcert −260 (smart-trust models/hcert.fsh): 3 the
 * DDCC vaccination core data set, 4 the DDCC test result, −6 the ICVP minimal certificate. Each
 * decodes, verifies with the same COSE signature, time and revocation checks as an EU DCC, and
 * shows its holder facts; a corrupted one fails with one code. Built from keys made here, in the
 * shapes the WHO models give (WorldHealthOrganization/ddcc DDCCCoreDataSet, smart-icvp ICVPMin).
 */
import { encode } from 'cborg'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DccRule } from '../../../src/core/certlogic/index.ts'
import {
  checkWhoHcert,
  dccRevocationHashes,
  dccTrust,
  decodeHc1,
  euDccOf,
  readDccClaims,
} from '../../../src/core/dcc/index.ts'
import { plainVerdict, type Verdict, verifyDcc } from '../../../src/core/verify/index.ts'
import {
  claimsOf,
  createKey,
  DAY,
  flipByte,
  NOW,
  signHc1,
  type TestKey,
  VACCINATION,
} from '../../helpers/dcc.ts'

/** ICVPMin (smart-icvp input/fsh/models/ICVPMin.fsh): yellow fever, one dose. */
const ICVP = {
  n: 'Amina Diallo',
  dob: '1990-04-12',
  s: 'female',
  nt: 'SEN',
  v: '1.0.0',
  d: '2026-03-02',
  vx: {
    vp: 'YellowFeverProductd2c75a15ed309658b3968519ddb31690',
    dv: '2026-03-01',
    bo: 'S4K05',
    is: 'SN-MSAS',
  },
}

/** DDCCCoreDataSet.VS (WorldHealthOrganization/ddcc ddcc-core-data-set.fsh). */
const DDCC_VS = {
  name: 'Eddie Murphy',
  birthDate: '1986-09-19',
  vaccination: {
    vaccine: { system: 'http://id.who.int/icd11/mms', code: 'XM68M6' },
    brand: { system: 'https://who-int.github.io/svc/refs/heads/rc2/CodeSystem', code: 'XM8NQ0' },
    lot: 'PT123F',
    date: '2021-07-08',
    dose: 1,
    totalDoses: 2,
    country: { system: 'urn:iso:std:iso:3166', code: 'USA' },
  },
  certificate: {
    issuer: { identifier: { value: 'wA84ueH46Ls6TbS2' } },
    hcid: { value: '123456' },
    version: 'RC2',
  },
}

/** DDCCCoreDataSet.TR. */
const DDCC_TR = {
  name: 'Eddie Murphy',
  birthDate: '1986-09-19',
  test: {
    pathogen: { code: '840539006' },
    type: { code: 'LP6464-4' },
    date: '2026-11-23T08:00:00Z',
    result: { code: '260415000' },
    country: { code: 'USA' },
  },
}

const hcertClaims = (hcert: Map<number, unknown>) =>
  new Map<number, unknown>([
    [1, 'SN'],
    [6, NOW - DAY],
    [4, NOW + 365 * DAY],
    [-260, hcert],
  ])

const only = (key: number, value: unknown) => hcertClaims(new Map([[key, value]]))

let ec: TestKey
beforeAll(async () => {
  ec = await createKey('EC', { country: 'SN' })
})

function verify(text: string, extra: Partial<Parameters<typeof verifyDcc>[1]> = {}) {
  return verifyDcc(text, { trust: dccTrust([ec.signer], NOW - 3600), now: NOW, ...extra })
}

const result = (v: Verdict, id: string) => v.checks.find((c) => c.id === id)

describe('decode: hcert keys 3, 4 and −6 where present', () => {
  it('reads an ICVP-only certificate and DDCC claims beside an EU DCC; an EU-only one has none', async () => {
    const icvp = decodeHc1(await signHc1(ec, { claims: only(-6, ICVP) })).claims
    expect(icvp.dcc).toBeUndefined()
    expect(icvp.who).toEqual([{ kind: 'icvp', payload: ICVP }])
    expect(() => euDccOf(icvp)).toThrow(expect.objectContaining({ code: 'DCC_CWT' }))

    const both = decodeHc1(
      await signHc1(ec, {
        claims: hcertClaims(
          new Map<number, unknown>([
            [1, VACCINATION],
            [3, DDCC_VS],
            [4, [DDCC_TR]],
          ]),
        ),
      }),
    ).claims
    expect(euDccOf(both)).toEqual(VACCINATION)
    expect(both.who.map((h) => h.kind)).toEqual(['ddcc-vs', 'ddcc-tr'])

    const eu = readDccClaims(encode(claimsOf()))
    expect(eu.who).toEqual([])
  })

  it.each([
    ['no known key (2 only)', only(2, { any: 1 })],
    ['ICVP not a map', only(-6, 'yellow fever')],
    ['DDCC an empty list', only(3, [])],
    ['DDCC with a byte string', only(3, { name: new Uint8Array(2) })],
  ])('%s → DCC_CWT', async (_, claims) => {
    const text = await signHc1(ec, { claims })
    expect(() => decodeHc1(text)).toThrow(expect.objectContaining({ code: 'DCC_CWT' }))
    const v = await verify(text)
    expect(v.reason).toMatchObject({ id: 'format', result: 'fail', code: 'DCC_CWT' })
  })
})

describe('verify: the same checks and Verdict as an EU DCC', () => {
  it('an ICVP certificate is valid, with its holder facts and no EU summary', async () => {
    const v = await verify(await signHc1(ec, { claims: only(-6, ICVP) }))
    expect(v.status).toBe('valid')
    expect(result(v, 'signature')).toMatchObject({ result: 'pass', code: 'DCC_SIGNATURE_VALID' })
    expect(result(v, 'issuer')).toMatchObject({ result: 'pass', code: 'DCC_SIGNER_TRUSTED' })
    expect(v.dcc?.summary).toBeUndefined()
    // Not "the trusted EU list": a WHO-only certificate has its own sentence.
    expect(plainVerdict(v)).toMatchObject({ kind: 'valid', key: 'valid-who' })
    expect(v.dcc?.who).toEqual([
      {
        kind: 'icvp',
        name: 'Amina Diallo',
        birthDate: '1990-04-12',
        product: ICVP.vx.vp,
        date: '2026-03-01',
        batch: 'S4K05',
        issuer: 'SN-MSAS',
      },
    ])
  })

  it('DDCC vaccination and test core data sets: codes from their Codings', async () => {
    const vs = await verify(await signHc1(ec, { claims: only(3, DDCC_VS) }))
    expect(vs.status).toBe('valid')
    expect(vs.dcc?.who).toEqual([
      {
        kind: 'ddcc-vs',
        name: 'Eddie Murphy',
        birthDate: '1986-09-19',
        product: 'XM8NQ0',
        date: '2021-07-08',
        batch: 'PT123F',
        dose: 1,
        country: 'USA',
        issuer: 'wA84ueH46Ls6TbS2',
      },
    ])
    const tr = await verify(await signHc1(ec, { claims: only(4, DDCC_TR) }))
    expect(tr.status).toBe('valid')
    expect(tr.dcc?.who?.[0]).toMatchObject({
      kind: 'ddcc-tr',
      product: 'LP6464-4',
      result: '260415000',
      country: 'USA',
    })
  })

  it('an EU DCC with a DDCC beside it shows both', async () => {
    const claims = hcertClaims(
      new Map<number, unknown>([
        [1, VACCINATION],
        [3, DDCC_VS],
      ]),
    )
    const v = await verify(await signHc1(ec, { claims }))
    expect(v.status).toBe('valid')
    expect(v.dcc?.type).toBe('v')
    expect(v.dcc?.summary?.name).toBe('Gabriele Musterfrau-Gößinger')
    expect(v.dcc?.who?.map((w) => w.kind)).toEqual(['ddcc-vs'])
    expect(plainVerdict(v).key).toBe('valid-dcc')
  })

  it('one corruption, one code: a flipped signature byte, an expired one, a missing field', async () => {
    const flipped = await verify(
      await signHc1(ec, { claims: only(-6, ICVP), corrupt: (s) => flipByte(s, 5) }),
    )
    expect(flipped.reason).toMatchObject({ id: 'signature', code: 'DCC_SIGNATURE' })
    expect(flipped.dcc).toBeUndefined()

    const expiredClaims = only(-6, ICVP)
    expiredClaims.set(4, NOW - 1)
    const expired = await verify(await signHc1(ec, { claims: expiredClaims }))
    expect(expired.reason).toMatchObject({ id: 'expiry', code: 'DCC_EXPIRED' })

    const { bo: _bo, ...noBatch } = ICVP.vx
    const missing = await verify(await signHc1(ec, { claims: only(-6, { ...ICVP, vx: noBatch }) }))
    expect(missing.reason).toMatchObject({
      id: 'format',
      code: 'DCC_SCHEMA',
      detail: { field: 'vx.bo' },
    })
    expect(missing.dcc?.who).toBeUndefined()
    expect(plainVerdict(missing).kind).toBe('not-valid')
  })

  it('revoked by its signature hash (an ICVP has no UCI) → DCC_REVOKED', async () => {
    const text = await signHc1(ec, { claims: only(-6, ICVP) })
    const { signature } = decodeHc1(text).cose
    const { SIGNATURE } = await dccRevocationHashes({
      iss: 'SN',
      uci: '',
      signature,
      keyType: 'EC',
    })
    const v = await verify(text, { revoked: { [ec.signer.kid]: { SIGNATURE: [SIGNATURE] } } })
    expect(v.reason).toMatchObject({ id: 'revocation', code: 'DCC_REVOKED' })
    const other = await verify(text, {
      revoked: { [ec.signer.kid]: { UCI: [SIGNATURE], COUNTRYCODEUCI: [SIGNATURE] } },
    })
    expect(other.status).toBe('valid')
  })

  it('EU entry rules are skipped for a WHO-only certificate, named as such', async () => {
    const rule: DccRule = {
      Identifier: 'GR-AT-0000',
      Type: 'Acceptance',
      Country: 'AT',
      Version: '1.0.0',
      SchemaVersion: '1.0.0',
      Engine: 'CERTLOGIC',
      EngineVersion: '1.3.3',
      CertificateType: 'General',
      Description: [{ lang: 'en', desc: 'never met' }],
      ValidFrom: '2021-01-01T00:00:00Z',
      ValidTo: '2030-01-01T00:00:00Z',
      AffectedFields: [],
      Logic: false,
    }
    const v = await verify(await signHc1(ec, { claims: only(-6, ICVP) }), {
      rules: { set: { country: 'AT', rules: [rule] } },
    })
    expect(v.status).toBe('valid')
    expect(result(v, 'rules')).toMatchObject({
      result: 'skipped',
      message: 'EU entry rules read EU DCCs only',
    })
  })
})

describe('checkWhoHcert (lenient, as the EU schema check)', () => {
  it.each([
    [
      'ICVP without is or cn',
      { kind: 'icvp', payload: { ...ICVP, vx: { ...ICVP.vx, is: undefined } } },
      'vx',
    ],
    ['ICVP without a name', { kind: 'icvp', payload: { ...ICVP, n: undefined } }, 'n'],
    [
      'DDCC VS dose 0',
      {
        kind: 'ddcc-vs',
        payload: { ...DDCC_VS, vaccination: { ...DDCC_VS.vaccination, dose: 0 } },
      },
      'vaccination.dose',
    ],
    ['DDCC TR without a test', { kind: 'ddcc-tr', payload: { name: 'X' } }, 'test'],
  ] as const)('%s → DCC_SCHEMA naming %s', (_, h, field) => {
    const clean = JSON.parse(JSON.stringify(h))
    expect(() => checkWhoHcert(clean)).toThrow(
      expect.objectContaining({ code: 'DCC_SCHEMA', field }),
    )
  })

  it('reads an early ICVP draft with its one entry in a list v (dt for the date)', () => {
    const early = {
      n: 'A B',
      dob: '2000-01-01',
      v: [{ vp: 'P', dt: '2026-01-01', bo: 'L', cn: 'Dr C' }],
    }
    expect(checkWhoHcert({ kind: 'icvp', payload: early })).toEqual({
      kind: 'icvp',
      name: 'A B',
      birthDate: '2000-01-01',
      product: 'P',
      date: '2026-01-01',
      batch: 'L',
    })
  })
})
