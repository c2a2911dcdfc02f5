/**
 * The service side of verification, through the real app (PGlite, and Postgres when
 * TEST_DATABASE_URL is set): signed trust material, the admin's trusted issuers, the citizen's
 * passport capability, and the page routes — checked with the same core/verify the page runs.
 */
import type { MiddlewareHandler } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashLeaf } from '../../../src/core/merkle/index.ts'
import { verifyTlogProof } from '../../../src/core/note/index.ts'
import {
  credentialLeaf,
  httpLedgerSource,
  type OpenedTrustMaterial,
  openTrustMaterial,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import type { Role } from '../../../src/platform/context/context.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { createIssuer, issueCard } from './fixtures.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

interface Issued {
  id: string
  jws: string
  qr: string
}

/** Serves two fake built pages, as the Node static-file middleware would. */
const staticFiles: MiddlewareHandler = async (c, next) => {
  if (c.req.path === '/verify.html') return c.html('<!doctype html><title>verify page</title>')
  if (c.req.path === '/passport.html') return c.html('<!doctype html><title>passport page</title>')
  return next()
}

describe.each(ENGINES)('trust material and passports on %s', (engine) => {
  let t: TestApp
  let vkey: string
  let now: number
  const as = async (roles: Role[]) => {
    const token = await tokenFor(t, roles)
    const put = (path: string, body: unknown) =>
      t.app.request(path, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    return { ...api(t, token), put }
  }

  const material = async (): Promise<OpenedTrustMaterial> =>
    openTrustMaterial(await (await t.app.request('/trust/material')).text(), vkey)

  const verify = async (text: string) =>
    verifyCredential(text, {
      trust: [await material()],
      now,
      ledger: () => httpLedgerSource('', (url) => Promise.resolve(t.app.request(url))),
    })

  beforeAll(async () => {
    t = await createTestApp(engine, {}, { staticFiles })
    vkey = (await (await t.app.request('/log/key')).text()).trim()
    now = Math.floor(t.ctx.clock.now().getTime() / 1000)
  })
  afterAll(() => t?.close())

  it('serves signed, cacheable, CORS-readable material naming its own issuer as anchored', async () => {
    const res = await t.app.request('/trust/material', {
      headers: { origin: 'https://venue.example' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/jose')
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const opened = await openTrustMaterial(await res.text(), vkey)
    expect(opened.deployment).toBe('http://localhost:8787')
    expect(opened.log.origin).toBe('localhost:8787/log')
    expect(opened.issuedAt).toBe(now)
    expect(opened.policy).toBe(`log ${vkey}\nquorum none\n`)
    const [own] = opened.issuers
    expect(own).toMatchObject({
      iss: 'http://localhost:8787',
      anchored: true,
      name: 'localhost:8787',
    })
    if (own === undefined) throw new Error('no own issuer')
    const kid = (own.jwks.keys[0] as { kid: string }).kid
    expect(own.crls[kid]).toEqual({ kid, method: 'rid', ctr: 1, rids: [] })
  })

  it('a card issued over HTTP verifies valid; revoked, it verifies invalid with the new CRL', async () => {
    const issuer = await as(['issuer'])
    const card = (await (await issuer.post('/api/credentials', immunization())).json()) as Issued
    const valid = await verify(card.qr)
    expect(valid.status).toBe('valid')
    expect(valid.checks.find((c) => c.id === 'ledger')?.code).toBe('VERIFY_LEDGER_INCLUDED')
    expect(valid.summary?.name).toBe('Anne Marie Jansen')

    const revoked = await issuer.post(`/api/credentials/${card.id}/revoke`, { reason: 'test' })
    expect(revoked.status).toBe(200)
    const after = await verify(card.qr)
    expect(after.status).toBe('invalid')
    expect(after.reason?.code).toBe('SHC_REVOKED')
  })

  it('lets an admin trust another SHC issuer, whose cards then verify without a ledger', async () => {
    const admin = await as(['admin'])
    const other = await createIssuer('https://other-issuer.example', 'Other issuer')
    const crl = { kid: other.kid, method: 'rid', ctr: 1, rids: [] }
    const body = {
      iss: other.iss,
      name: other.name,
      jwks: { keys: [other.jwk] },
      crls: { [other.kid]: crl },
    }
    const created = await admin.put('/api/trust/issuers', body)
    expect(created.status).toBe(201)
    expect(await created.json()).toMatchObject({
      iss: other.iss,
      keys: [{ kid: other.kid, crlVersion: 1 }],
      crls: { [other.kid]: 1 },
    })
    expect((await admin.put('/api/trust/issuers', { ...body, name: 'Renamed' })).status).toBe(200)
    const listed = (await (await admin.get('/api/trust/issuers')).json()) as {
      issuers: { name: string }[]
    }
    expect(listed.issuers.map((i) => i.name)).toEqual(['Renamed'])

    const opened = await material()
    expect(opened.issuers.map((i) => [i.iss, i.anchored])).toEqual([
      ['http://localhost:8787', true],
      [other.iss, false],
    ])
    const v = await verify(await issueCard(other, { nbf: now - 60 }))
    expect(v.status).toBe('valid')
    expect(v.checks.find((c) => c.id === 'ledger')?.code).toBe('VERIFY_LEDGER_NOT_ANCHORED')

    expect(
      (await admin.delete(`/api/trust/issuers?iss=${encodeURIComponent(other.iss)}`)).status,
    ).toBe(204)
    expect(
      (await admin.delete(`/api/trust/issuers?iss=${encodeURIComponent(other.iss)}`)).status,
    ).toBe(404)
    const gone = await verify(await issueCard(other, { nbf: now - 60 }))
    expect(gone.reason?.code).toBe('VERIFY_ISSUER_UNKNOWN')
  })

  it.each([
    ['an http iss', { iss: 'http://issuer.example' }, 'iss'],
    ['its own iss', { iss: 'http://localhost:8787' }, 'iss'],
    [
      'a key set without an SHC key',
      { jwks: { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] } },
      'jwks',
    ],
  ])('refuses %s (400)', async (_, change, field) => {
    const admin = await as(['admin'])
    const other = await createIssuer('https://x.example')
    const { crlVersion: _v, ...jwk } = other.jwk
    const res = await admin.put('/api/trust/issuers', {
      iss: other.iss,
      name: 'X',
      jwks: { keys: [jwk] },
      ...change,
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'VALIDATION', field })
  })

  it('refuses a key announcing a CRL without it, and non-admins', async () => {
    const other = await createIssuer('https://y.example')
    const body = { iss: other.iss, name: 'Y', jwks: { keys: [other.jwk] } }
    const res = await (await as(['admin'])).put('/api/trust/issuers', body)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ field: `crls.${other.kid}` })
    expect((await (await as(['issuer'])).put('/api/trust/issuers', body)).status).toBe(403)
    expect((await api(t).get('/api/trust/issuers')).status).toBe(401)
  })

  it('hands the citizen a capability link; only its key opens the passport data', async () => {
    const issuer = await as(['issuer'])
    const card = (await (await issuer.post('/api/credentials', immunization())).json()) as Issued
    const linkRes = await issuer.get(`/api/credentials/${card.id}/passport-link`)
    expect(linkRes.status).toBe(200)
    const { url } = (await linkRes.json()) as { url: string }
    const match = /^http:\/\/localhost:8787\/passport\/([0-9a-f-]{36})#k=([A-Za-z0-9_-]{22})$/.exec(
      url,
    )
    expect(match?.[1]).toBe(card.id)
    const key = match?.[2] as string
    expect((await api(t).get(`/api/credentials/${card.id}/passport-link`)).status).toBe(401)

    const open = (k?: string) =>
      t.app.request(`/api/passport/${card.id}`, {
        headers: k === undefined ? {} : { 'x-vigil-passport-key': k },
      })
    expect((await open()).status).toBe(404)
    expect((await open(`${key.slice(0, -1)}A`)).status).toBe(404)
    const res = await open(key)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const view = (await res.json()) as Record<string, unknown> & { receipt: string; jws: string }
    expect(view).toMatchObject({ id: card.id, status: 'active', jws: card.jws, qr: card.qr })
    expect(String(view.svg)).toMatch(/^<svg/)
    expect(view.summary).toMatchObject({ name: 'Anne Marie Jansen', birthDate: '1985-03-14' })
    const [h = ''] = card.jws.split('.')
    const { kid } = JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string }
    const leaf = hashLeaf(await credentialLeaf(card.jws, kid, now))
    const proof = await verifyTlogProof(view.receipt, leaf, (await material()).policyValue)
    expect(String(proof.index)).toBe(view.leafIndex)

    // Another credential's key does not open this one.
    const other = (await (await issuer.post('/api/credentials', immunization())).json()) as Issued
    const otherLink = (await (
      await issuer.get(`/api/credentials/${other.id}/passport-link`)
    ).json()) as {
      url: string
    }
    expect((await open(otherLink.url.split('#k=')[1])).status).toBe(404)

    expect((await issuer.delete(`/api/credentials/${card.id}/personal-data`)).status).toBe(204)
    expect((await open(key)).status).toBe(410)
  })

  it('serves the built pages at /verify and /passport/{id}, on Node and through a Workers assets binding', async () => {
    const verifyPage = await t.app.request('/verify')
    expect(verifyPage.status).toBe(200)
    expect(await verifyPage.text()).toContain('verify page')
    expect(verifyPage.headers.get('content-security-policy')).toContain("default-src 'self'")
    const id = '0b5f1e4c-3a1d-4f43-9a51-7c1f1b2d9e10'
    expect(await (await t.app.request(`/passport/${id}`)).text()).toContain('passport page')
    expect((await t.app.request('/passport/not-an-id')).status).toBe(404)

    const asked: string[] = []
    const ASSETS = {
      fetch: async (r: Request) => {
        asked.push(new URL(r.url).pathname)
        return new Response('from assets', { headers: { 'content-type': 'text/html' } })
      },
    }
    const res = await t.app.request(`/passport/${id}`, {}, { ASSETS })
    expect(await res.text()).toBe('from assets')
    expect(asked).toEqual(['/passport'])
  })
})
