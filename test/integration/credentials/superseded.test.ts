/**
 * A correction through the API: the old card's rid joins the CRL (unchanged SHC 1.4 shape, no
 * reason) and the signed trust material lists it as superseded; a plain revocation is not
 * listed; the core verifier then says "replaced" for the old card and "revoked" for the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeShcPayload, parseShcJws } from '../../../src/core/shc/index.ts'
import {
  type OpenedTrustMaterial,
  openTrustMaterial,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

interface Issued {
  id: string
  jws: string
}

async function ridOf(jws: string): Promise<{ kid: string; rid: string }> {
  const parsed = parseShcJws(jws)
  const { claims } = await decodeShcPayload(parsed.deflated)
  const vc = claims.vc as { rid: string }
  return { kid: parsed.header.kid, rid: vc.rid }
}

describe.each(ENGINES)('superseded cards on %s', (engine) => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  let vkey: string
  const material = async (): Promise<OpenedTrustMaterial> =>
    openTrustMaterial(await (await t.app.request('/trust/material')).text(), vkey)
  const issue = async () =>
    (await (await issuer.post('/api/credentials', immunization())).json()) as Issued

  beforeAll(async () => {
    t = await createTestApp(engine)
    issuer = api(t, await tokenFor(t, ['issuer']))
    vkey = (await (await t.app.request('/log/key')).text()).trim()
  })
  afterAll(() => t?.close())

  it('a reissue lists the old rid as superseded; a revocation does not', async () => {
    const before = await material()
    expect(before.issuers.every((i) => i.superseded === undefined)).toBe(true)

    const old = await issue()
    const fixed = immunization({
      patient: { givenNames: ['Anne'], familyName: 'Janssen', birthDate: '1985-03-14' },
    })
    const res = await issuer.post(`/api/credentials/${old.id}/reissue`, fixed)
    expect(res.status).toBe(201)
    const neu = (await res.json()) as Issued
    const withdrawn = await issue()
    expect(
      (await issuer.post(`/api/credentials/${withdrawn.id}/revoke`, { reason: 'error' })).status,
    ).toBe(200)

    const o = await ridOf(old.jws)
    const w = await ridOf(withdrawn.jws)
    const n = await ridOf(neu.jws)
    // The CRL keeps its SHC shape and lists both revoked rids, with no reason field.
    const crl = (await (await t.app.request(`/.well-known/crl/${o.kid}.json`)).json()) as Record<
      string,
      unknown
    >
    expect(Object.keys(crl).sort()).toEqual(['ctr', 'kid', 'method', 'rids'])
    expect(crl.rids).toEqual(expect.arrayContaining([o.rid, w.rid]))

    const after = await material()
    const own = after.issuers.filter((i) => i.anchored)
    expect(own.length).toBeGreaterThan(0)
    for (const i of own) {
      expect(i.superseded?.[o.kid]).toEqual([o.rid])
      expect(i.superseded?.[o.kid]).not.toContain(w.rid)
      expect(i.superseded?.[o.kid]).not.toContain(n.rid)
    }

    const now = Math.floor(t.ctx.clock.now().getTime() / 1000) + 60
    const code = async (jws: string) =>
      (await verifyCredential(jws, { trust: [after], now })).checks.find(
        (c) => c.id === 'revocation',
      )?.code
    expect(await code(old.jws)).toBe('VERIFY_SUPERSEDED')
    expect(await code(withdrawn.jws)).toBe('SHC_REVOKED')
    expect(await code(neu.jws)).toBe('VERIFY_NOT_REVOKED')
  })
})
