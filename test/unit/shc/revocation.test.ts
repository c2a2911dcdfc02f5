/**
 * Revocation (§Revocation, FAQ/revocation.md): rid derivation against derived/rid-vectors.json,
 * CRL well-formedness, the `rid.<timestamp>` rule (revoked only if the card's nbf is before the
 * timestamp), ctr = crlVersion, and fail-closed behaviour in verifyShc. The derived CRL variants
 * of the vectors README are judged at 2024-06-01 (SPEC_AT).
 */
import { describe, expect, it } from 'vitest'
import {
  checkRevocation,
  computeRid,
  parseCrl,
  type ShcTrust,
  signShcPayload,
  verifyShc,
} from '../../../src/core/shc/index.ts'
import { readVectorJson, readVectorText } from '../../helpers/vectors.ts'
import { createFreshIssuer, expectShcCode, mirrorTrust, SPEC_AT, SPEC_KID } from './fixtures.ts'

interface RidVectors {
  secret: string
  kid: string
  vectors: { user_id: string; rid: string }[]
}

const ridVectors = readVectorJson<RidVectors>('shc/derived/rid-vectors.json')
const crlPath = (root: string) =>
  `shc/${root}/spec.smarthealth.cards/examples/issuer/.well-known/crl/${SPEC_KID}.json`
const ex00 = readVectorText('shc/spec-examples/example-00-d-jws.txt')
const ex03 = readVectorText('shc/spec-examples/example-03-d-jws.txt')

describe('computeRid (derived/rid-vectors.json, smart-on-fhir/health-cards generate-examples)', () => {
  it.each(ridVectors.vectors)('$user_id → $rid', ({ user_id, rid }) => {
    expect(computeRid(ridVectors.kid, user_id, ridVectors.secret)).toBe(rid)
  })

  it('gives 11 base64url characters and depends on the kid', () => {
    const a = computeRid('kid-a', 'user', 'secret')
    expect(a).toMatch(/^[A-Za-z0-9_-]{11}$/)
    expect(computeRid('kid-b', 'user', 'secret')).not.toBe(a)
  })

  it('refuses empty inputs', async () => {
    await expectShcCode(() => computeRid(SPEC_KID, 'user', ''), 'SHC_RID_INPUT')
    await expectShcCode(() => computeRid(SPEC_KID, '', 's'), 'SHC_RID_INPUT')
  })
})

describe('CRL parsing', () => {
  const expected = { kid: SPEC_KID, crlVersion: 1 }
  const upstream = () => readVectorJson<Record<string, unknown>>(crlPath('issuers'))

  it('reads the upstream spec CRL, timestamps included', () => {
    const crl = parseCrl(readVectorText(crlPath('issuers')), expected)
    expect(crl.ctr).toBe(1)
    expect([...crl.rids]).toEqual([
      ['vwAjHdarZuc', 1664492124],
      ['FKDIxsTCGlU', null],
      ['XkNHp2Iyk0Y', 1664492124],
      ['TqB_qu_6OtM', null],
    ])
  })

  it('accepts ctr written as a string, as VCI issuers do', () => {
    expect(parseCrl({ ...upstream(), ctr: '1' }, expected).ctr).toBe(1)
  })

  it.each([
    ['another kid', { kid: 'x' }, 'crl.kid'],
    ['method hash-fhir', { method: 'hash-fhir' }, 'crl.method'],
    ['ctr 2 for crlVersion 1', { ctr: 2 }, 'crl.ctr'],
    ['ctr 1.5', { ctr: 1.5 }, 'crl.ctr'],
    ['rids not a list', { rids: 'FKDIxsTCGlU' }, 'crl.rids'],
    ['a duplicate rid', { rids: ['FKDIxsTCGlU', 'FKDIxsTCGlU.1'] }, 'crl.rids[1]'],
    ['a rid with "="', { rids: ['base64=='] }, 'crl.rids[0]'],
    ['a rid of 25 characters', { rids: ['a'.repeat(25)] }, 'crl.rids[0]'],
    ['a non-numeric timestamp', { rids: ['FKDIxsTCGlU.x'] }, 'crl.rids[0]'],
  ])('%s → SHC_CRL_INVALID', async (_, change, field) => {
    await expectShcCode(
      () => parseCrl({ ...upstream(), ...change }, expected),
      'SHC_CRL_INVALID',
      field,
    )
  })

  it('text that is not JSON → SHC_CRL_INVALID', async () => {
    await expectShcCode(() => parseCrl('{', expected), 'SHC_CRL_INVALID', 'crl')
  })
})

describe('rid.<timestamp> semantics', () => {
  const crl = parseCrl(
    { kid: 'k', method: 'rid', ctr: 1, rids: ['plain', 'stamped.1000'] },
    { kid: 'k', crlVersion: 1 },
  )

  it.each([
    ['a plain entry revokes any nbf', { rid: 'plain', nbf: 5000 }, true],
    ['nbf before the timestamp is revoked', { rid: 'stamped', nbf: 999.9 }, true],
    ['nbf at the timestamp is not', { rid: 'stamped', nbf: 1000 }, false],
    ['nbf after the timestamp is not', { rid: 'stamped', nbf: 1000.5 }, false],
    ['an unlisted rid is not', { rid: 'other', nbf: 1 }, false],
    ['a card without rid is not', { nbf: 1 }, false],
  ])('%s', (_, card, revoked) => {
    expect(checkRevocation(card, crl).revoked).toBe(revoked)
  })
})

describe('derived revocation vectors (vectors README), at 2024-06-01', () => {
  const roots = {
    upstream: 'issuers',
    plain: 'derived/issuers-revoking-example-03',
    stamped: 'derived/issuers-revoking-example-03-by-timestamp',
  }
  const trust = (root: string) => mirrorTrust(`shc/${root}/`)

  it.each([
    ['example-03 with vwAjHdarZuc listed plainly', ex03, roots.plain, 'vwAjHdarZuc'],
    [
      'example-03 with vwAjHdarZuc.1715200000 (nbf 1715107763.678 before it)',
      ex03,
      roots.stamped,
      'vwAjHdarZuc.1715200000',
    ],
  ])('%s → SHC_REVOKED', async (_, jws, root, entry) => {
    const error = await expectShcCode(
      verifyShc({ jws }, trust(root), SPEC_AT),
      'SHC_REVOKED',
      'vc.rid',
    )
    expect(error.message).toContain(entry)
  })

  it.each([
    ['example-00 (rid MKyCxh7p6uQ not listed)', ex00, roots.plain],
    ['example-00 with MKyCxh7p6uQ.1715000000 (nbf 1715107763.677 after it)', ex00, roots.stamped],
    ['example-03 with the upstream vwAjHdarZuc.1664492124 (nbf after it)', ex03, roots.upstream],
  ])('%s → not revoked', async (_, jws, root) => {
    expect((await verifyShc({ jws }, trust(root), SPEC_AT)).revoked).toBe(false)
  })

  it('example-01 (key EBKOr… without crlVersion) is not checked: revoked is absent', async () => {
    const jws = readVectorText('shc/spec-examples/example-01-d-jws.txt')
    const card = await verifyShc({ jws }, mirrorTrust(), SPEC_AT)
    expect(card.revoked).toBeUndefined()
    expect(card.warnings).toEqual([])
  })
})

describe('revocation inside verifyShc', () => {
  const spec = mirrorTrust()

  it('a key with crlVersion whose CRL is missing fails closed (SHC_CRL_UNAVAILABLE)', async () => {
    const noCrl: ShcTrust = { ...spec, resolveCrl: async () => undefined }
    await expectShcCode(verifyShc({ jws: ex00 }, noCrl, SPEC_AT), 'SHC_CRL_UNAVAILABLE')
    const failing: ShcTrust = { ...spec, resolveCrl: async () => Promise.reject(new Error('x')) }
    await expectShcCode(verifyShc({ jws: ex00 }, failing, SPEC_AT), 'SHC_CRL_UNAVAILABLE')
  })

  it('without a CRL resolver the card verifies with SHC_REVOCATION_UNCHECKED', async () => {
    const keysOnly: ShcTrust = { resolveIssuerKeys: spec.resolveIssuerKeys }
    const card = await verifyShc({ jws: ex00 }, keysOnly, SPEC_AT)
    expect(card.revoked).toBeUndefined()
    expect(card.warnings.map((w) => w.code)).toEqual(['SHC_REVOCATION_UNCHECKED'])
  })

  it('a fresh issuer revokes its own card by rid', async () => {
    const issuer = await createFreshIssuer(undefined, { crlVersion: 3 })
    const rid = computeRid(issuer.kid, 'patient-42', 'issuer-secret')
    const p = readVectorJson<{ vc: object }>(
      'shc/spec-examples/example-00-b-jws-payload-expanded.json',
    )
    const jws = await signShcPayload({ ...p, vc: { ...p.vc, rid } }, issuer.keyPair)
    const crl = { kid: issuer.kid, method: 'rid', ctr: '3', rids: [rid] }
    const trust: ShcTrust = { ...issuer.trust, resolveCrl: async () => crl }
    await expectShcCode(verifyShc({ jws }, trust, SPEC_AT), 'SHC_REVOKED')
    const other: ShcTrust = { ...issuer.trust, resolveCrl: async () => ({ ...crl, rids: [] }) }
    expect((await verifyShc({ jws }, other, SPEC_AT)).revoked).toBe(false)
  })
})
