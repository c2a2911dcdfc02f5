/**
 * core/verify: a card the issuer replaced with a newer one (a correction) is told apart from a
 * withdrawn one. The CRL (SHC 1.4 §Revocation) has no reason field, so the signed trust material
 * names superseded rids per key; only a rid the CRL revokes can read as superseded.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  checkTrustMaterial,
  plainVerdict,
  type Verdict,
  type VerifyOptions,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import { en } from '../../../web/src/i18n/en.ts'
import { es } from '../../../web/src/i18n/es.ts'
import {
  createIssuer,
  issueCard,
  issuerEntry,
  MemoryLog,
  material,
  NOW,
  ridOf,
  type TestIssuer,
} from './fixtures.ts'

let issuer: TestIssuer
let log: MemoryLog
let oldCard: string
let withdrawn: string
let base: Omit<VerifyOptions, 'trust'>

const revocation = (v: Verdict) => v.checks.find((c) => c.id === 'revocation')

async function trustWith(superseded: Record<string, string[]> | undefined) {
  const rids = [ridOf(issuer, 'old'), ridOf(issuer, 'withdrawn')]
  const entry = issuerEntry(issuer, {
    crl: { kid: issuer.kid, method: 'rid', ctr: 2, rids },
    jwk: { ...issuer.jwk, crlVersion: 2 },
  })
  const { opened, value } = await material(log, [
    superseded === undefined ? entry : { ...entry, superseded },
  ])
  return { opened, value }
}

beforeAll(async () => {
  issuer = await createIssuer()
  log = await MemoryLog.create()
  oldCard = await issueCard(issuer, { subject: 'old' })
  withdrawn = await issueCard(issuer, { subject: 'withdrawn' })
  for (const c of [oldCard, withdrawn]) await log.appendCard(c, issuer.kid, NOW - 7200)
  base = { now: NOW, ledger: () => log.source() }
})

describe('superseded cards', () => {
  it('a superseded rid → VERIFY_SUPERSEDED; a withdrawn one stays SHC_REVOKED', async () => {
    const { opened } = await trustWith({ [issuer.kid]: [ridOf(issuer, 'old')] })
    const replaced = await verifyCredential(oldCard, { ...base, trust: [opened] })
    expect(replaced.status).toBe('invalid')
    expect(revocation(replaced)).toMatchObject({ result: 'fail', code: 'VERIFY_SUPERSEDED' })
    expect(plainVerdict(replaced)).toMatchObject({ kind: 'not-valid', key: 'superseded' })

    const revoked = await verifyCredential(withdrawn, { ...base, trust: [opened] })
    expect(revocation(revoked)).toMatchObject({ result: 'fail', code: 'SHC_REVOKED' })
    expect(plainVerdict(revoked)).toMatchObject({ kind: 'not-valid', key: 'revoked' })
  })

  it('without the list (older material, other issuers) a revoked card reads revoked', async () => {
    const { opened } = await trustWith(undefined)
    const v = await verifyCredential(oldCard, { ...base, trust: [opened] })
    expect(revocation(v)?.code).toBe('SHC_REVOKED')
  })

  it('the list never revokes: a superseded rid missing from the CRL passes', async () => {
    const entry = issuerEntry(issuer, { jwk: { ...issuer.jwk, crlVersion: 1 } })
    const { opened } = await material(log, [
      { ...entry, superseded: { [issuer.kid]: [ridOf(issuer, 'old')] } },
    ])
    const v = await verifyCredential(oldCard, { ...base, trust: [opened] })
    expect(revocation(v)).toMatchObject({ result: 'pass', code: 'VERIFY_NOT_REVOKED' })
  })

  it('the list is checked like the rest of the material', async () => {
    const { value } = await trustWith({ [issuer.kid]: [ridOf(issuer, 'old')] })
    const bad = (superseded: unknown) => ({
      ...value,
      issuers: [{ ...value.issuers[0], superseded }],
    })
    expect(checkTrustMaterial(bad({ [issuer.kid]: ['ok-rid'] })).issuers[0]?.superseded).toEqual({
      [issuer.kid]: ['ok-rid'],
    })
    for (const v of [[], { k: 'rid' }, { k: ['not a rid!'] }, { k: [7] }]) {
      expect(() => checkTrustMaterial(bad(v)), JSON.stringify(v)).toThrow(
        expect.objectContaining({ code: 'VERIFY_TRUST_FORMAT' }),
      )
    }
  })

  it('has its own sentence in English and Spanish, not the revoked one', () => {
    expect(en['plain.superseded']).toMatch(/replaced by a newer card/)
    expect(es['plain.superseded']).toBeTruthy()
    expect(es['plain.superseded']).not.toBe(es['plain.revoked'])
  })
})
