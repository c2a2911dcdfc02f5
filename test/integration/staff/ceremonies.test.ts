/**
 * Passkey ceremonies through the HTTP API with a software authenticator (nid-webauthn-emulator),
 * on each engine: enrolment from an invitation and sign-in succeed, and every way they can fail
 * has its own code (WebAuthn Level 3 §7.1 registration and §7.2 authentication steps).
 */

import { generateRegistrationOptions } from '@simplewebauthn/server'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionCookie } from '../../../src/http/middleware/session.ts'
import { passkeys } from '../../../src/platform/db/schema/people.ts'
import { relyingParty, revokeInvitation, updatePerson } from '../../../src/services/staff/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import {
  call,
  enrol,
  enrolOptions,
  expectProblem,
  invite,
  later,
  newAuthenticator,
  originOf,
  personWith,
  signIn,
  signInOptions,
} from './helpers.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const MINUTE = 60_000

describe.each(ENGINES)('passkey ceremonies on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
  })
  afterAll(() => t?.close())

  it('enrols from an invitation, signs in, and the session cookie is HttpOnly SameSite=Strict', async () => {
    const authenticator = newAuthenticator()
    const { token } = await invite(t, ['issuer', 'auditor'], 'Dr. A. Jansen')
    const started = await enrolOptions(t, token)
    expect(started.status).toBe(200)
    const body = (await started.json()) as {
      invitation: unknown
      options: { rp: { id: string }; authenticatorSelection: unknown; user: { name: string } }
    }
    expect(body.invitation).toMatchObject({ name: 'Dr. A. Jansen', roles: ['issuer', 'auditor'] })
    expect(body.options.rp.id).toBe('localhost')
    expect(body.options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    })

    const { res, cookie } = await enrol(t, authenticator, token)
    expect(res.status).toBe(201)
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{43};/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).toContain('Path=/')
    expect(setCookie).toContain('Max-Age=43200')
    // http://localhost is the one place the cookie is not Secure.
    expect(setCookie).not.toContain('Secure')

    const me = await call(t, 'GET', '/api/staff/me', undefined, { cookie })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({
      name: 'Dr. A. Jansen',
      roles: ['issuer', 'auditor'],
      passkeys: [{ name: 'Laptop' }],
    })

    const signed = await signIn(t, authenticator)
    expect(signed.res.status).toBe(200)
    expect(await signed.res.json()).toMatchObject({ user: { name: 'Dr. A. Jansen' } })
    expect(signed.cookie).not.toBe(cookie)
    const again = await signIn(t, authenticator)
    expect(again.res.status).toBe(200)
  })

  describe('enrolment failures each have their own code', () => {
    it('wrong origin: WEBAUTHN_ORIGIN', async () => {
      const { token } = await invite(t, ['issuer'])
      const evil = 'http://localhost:9999'
      const { res } = await enrol(t, newAuthenticator(), token, { origin: evil })
      await expectProblem(res, 400, 'WEBAUTHN_ORIGIN')
    })

    it('wrong RP ID: WEBAUTHN_RP_ID', async () => {
      const { token } = await invite(t, ['issuer'])
      const started = await enrolOptions(t, token)
      const { options } = (await started.json()) as { options: { rp: { id: string } } }
      // An authenticator scoped to another site, answering through this origin.
      options.rp.id = 'evil.example'
      const response = newAuthenticator().createJSON(originOf(t), options as never, [originOf(t)])
      const res = await call(t, 'POST', '/api/staff/enrol', { invitation: token, response })
      await expectProblem(res, 400, 'WEBAUTHN_RP_ID')
    })

    it('no user verification: WEBAUTHN_USER_VERIFICATION', async () => {
      const { token } = await invite(t, ['issuer'])
      // Touched, but no PIN or biometrics.
      const lazy = newAuthenticator({
        userMakeCredentialInteraction: () => ({ options: { uv: false, up: true } }),
      })
      const { res } = await enrol(t, lazy, token)
      await expectProblem(res, 400, 'WEBAUTHN_USER_VERIFICATION')
    })

    it('an invitation used twice: INVITATION_USED (options and finish)', async () => {
      const { token } = await invite(t, ['tracer'])
      // A second tab got its options before the first one finished.
      const second = await enrolOptions(t, token)
      const { options } = (await second.json()) as { options: Record<string, unknown> }
      const first = await enrol(t, newAuthenticator(), token)
      expect(first.res.status).toBe(201)
      await expectProblem(await enrolOptions(t, token), 409, 'INVITATION_USED')
      const response = newAuthenticator().createJSON(originOf(t), options as never)
      const res = await call(t, 'POST', '/api/staff/enrol', { invitation: token, response })
      await expectProblem(res, 409, 'INVITATION_USED')
    })

    it('unknown, revoked and expired invitations', async () => {
      const { id, token } = await invite(t, ['tracer'])
      const forged = `${token.slice(0, -4)}AAAA`
      await expectProblem(await enrolOptions(t, forged), 404, 'INVITATION_UNKNOWN')
      await expectProblem(await enrolOptions(t, 'not-an-invitation'), 404, 'INVITATION_UNKNOWN')
      await later(t, 24 * 3_600_000, async () => {
        await expectProblem(await enrolOptions(t, token), 410, 'INVITATION_EXPIRED')
      })
      await revokeInvitation(t.ctx, id)
      await expectProblem(await enrolOptions(t, token), 410, 'INVITATION_REVOKED')
    })

    it('a sign-in challenge cannot enrol: WEBAUTHN_CHALLENGE_MISMATCH', async () => {
      const { token } = await invite(t, ['tracer'])
      const started = await enrolOptions(t, token)
      const { options } = (await started.json()) as { options: { challenge: string } }
      options.challenge = ((await signInOptions(t)) as { challenge: string }).challenge
      const response = newAuthenticator().createJSON(originOf(t), options as never)
      const res = await call(t, 'POST', '/api/staff/enrol', { invitation: token, response })
      await expectProblem(res, 400, 'WEBAUTHN_CHALLENGE_MISMATCH')
    })
  })

  describe('sign-in failures each have their own code', () => {
    let person: Awaited<ReturnType<typeof personWith>>
    beforeAll(async () => {
      person = await personWith(t, ['epidemiologist'])
    })

    it('wrong origin: WEBAUTHN_ORIGIN', async () => {
      const evil = 'http://localhost:9999'
      const { res } = await signIn(t, person.authenticator, { origin: evil })
      await expectProblem(res, 400, 'WEBAUTHN_ORIGIN')
    })

    it('wrong RP ID: WEBAUTHN_RP_ID', async () => {
      // The same person's authenticator, holding a credential for another site.
      const other = newAuthenticator()
      const foreign = await generateRegistrationOptions({
        rpName: 'Evil',
        rpID: 'evil.example',
        userName: 'x',
        authenticatorSelection: { residentKey: 'required' },
      })
      other.createJSON(originOf(t), foreign, [originOf(t)])
      const options = { ...(await signInOptions(t)), rpId: 'evil.example' }
      const { res } = await signIn(t, other, { options, relatedOrigins: [originOf(t)] })
      await expectProblem(res, 400, 'WEBAUTHN_RP_ID')
    })

    it('a replayed assertion: WEBAUTHN_CHALLENGE_REPLAYED', async () => {
      const { res, response } = await signIn(t, person.authenticator)
      expect(res.status).toBe(200)
      const replay = await call(t, 'POST', '/api/staff/sign-in', { response })
      await expectProblem(replay, 400, 'WEBAUTHN_CHALLENGE_REPLAYED')
    })

    it('an expired challenge: WEBAUTHN_CHALLENGE_EXPIRED', async () => {
      const options = await signInOptions(t)
      const response = person.authenticator.getJSON(originOf(t), options as never)
      await later(t, 5 * MINUTE, async () => {
        const res = await call(t, 'POST', '/api/staff/sign-in', { response })
        await expectProblem(res, 400, 'WEBAUTHN_CHALLENGE_EXPIRED')
      })
    })

    it('a challenge never issued: WEBAUTHN_CHALLENGE_UNKNOWN', async () => {
      const options = { ...(await signInOptions(t)), challenge: 'A'.repeat(43) }
      const { res } = await signIn(t, person.authenticator, { options })
      await expectProblem(res, 400, 'WEBAUTHN_CHALLENGE_UNKNOWN')
    })

    it('an unknown credential: WEBAUTHN_CREDENTIAL_UNKNOWN', async () => {
      const stranger = newAuthenticator()
      const foreign = await generateRegistrationOptions({
        rpName: 'Vigil',
        rpID: 'localhost',
        userName: 'stranger',
        authenticatorSelection: { residentKey: 'required' },
      })
      stranger.createJSON(originOf(t), foreign)
      const { res } = await signIn(t, stranger)
      await expectProblem(res, 401, 'WEBAUTHN_CREDENTIAL_UNKNOWN')
    })

    it('a counter that goes backwards: WEBAUTHN_COUNTER', async () => {
      // As if a clone of this authenticator had signed in 1000 times meanwhile.
      await t.ctx.db.update(passkeys).set({ counter: 1000 }).where(eq(passkeys.userId, person.id))
      const { res } = await signIn(t, person.authenticator)
      await expectProblem(res, 401, 'WEBAUTHN_COUNTER')
    })

    it('a tampered signature: WEBAUTHN_SIGNATURE', async () => {
      await t.ctx.db.update(passkeys).set({ counter: 0 }).where(eq(passkeys.userId, person.id))
      const options = await signInOptions(t)
      const response = person.authenticator.getJSON(originOf(t), options as never)
      const sig = response.response.signature
      const flipped = `${sig.slice(0, 20)}${sig[20] === 'A' ? 'B' : 'A'}${sig.slice(21)}`
      const tampered = { ...response, response: { ...response.response, signature: flipped } }
      const res = await call(t, 'POST', '/api/staff/sign-in', { response: tampered })
      await expectProblem(res, 401, 'WEBAUTHN_SIGNATURE')
    })

    it('a malformed response: VALIDATION or WEBAUTHN_MALFORMED', async () => {
      const res = await call(t, 'POST', '/api/staff/sign-in', { response: { id: 'x' } })
      await expectProblem(res, 400, 'VALIDATION')
      const options = await signInOptions(t)
      const response = person.authenticator.getJSON(originOf(t), options as never)
      const garbled = {
        ...response,
        response: { ...response.response, clientDataJSON: 'bm90IGpzb24' },
      }
      const bad = await call(t, 'POST', '/api/staff/sign-in', { response: garbled })
      await expectProblem(bad, 400, 'WEBAUTHN_MALFORMED')
    })
  })

  it('rate limits sign-in attempts per client (hashed, never stored): RATE_LIMITED', async () => {
    const client = '203.0.113.7'
    // Through a reverse proxy on the same machine: the address the proxy appended counts.
    const proxied = { client: '127.0.0.1', headers: { 'x-forwarded-for': `10.9.9.9, ${client}` } }
    for (let i = 0; i < 30; i++) await signInOptions(t, i % 2 === 0 ? { client } : proxied)
    const limited = await call(t, 'POST', '/api/staff/sign-in/options', undefined, { client })
    await expectProblem(limited, 429, 'RATE_LIMITED')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    await signInOptions(t, { client: '203.0.113.8' })
    const rows = await t.ctx.db.execute(
      sql`select encode(bucket, 'escape') as b from rate_limit_hits`,
    )
    expect(JSON.stringify(rows)).not.toContain('203.0.113')
  })

  it('rate limits enrolment attempts per invitation: RATE_LIMITED', async () => {
    const { token } = await invite(t, ['issuer'])
    for (let i = 0; i < 10; i++)
      expect((await enrolOptions(t, token, { client: `198.51.100.${i}` })).status).toBe(200)
    await expectProblem(
      await enrolOptions(t, token, { client: '198.51.100.99' }),
      429,
      'RATE_LIMITED',
    )
  })

  describe('sessions', () => {
    it('sign-out ends this session and clears the cookie', async () => {
      const { cookie, authenticator } = await personWith(t, ['tracer'])
      const other = (await signIn(t, authenticator)).cookie
      const out = await call(t, 'POST', '/api/staff/sign-out', undefined, { cookie })
      expect(out.status).toBe(204)
      expect(out.headers.get('set-cookie')).toMatch(/^vigil_session=; Max-Age=0/)
      await expectProblem(
        await call(t, 'GET', '/api/staff/me', undefined, { cookie }),
        401,
        'UNAUTHENTICATED',
      )
      expect((await call(t, 'GET', '/api/staff/me', undefined, { cookie: other })).status).toBe(200)
    })

    it('sign-out everywhere ends every session of the person', async () => {
      const { cookie, authenticator } = await personWith(t, ['tracer'])
      const other = (await signIn(t, authenticator)).cookie
      const out = await call(t, 'POST', '/api/staff/sign-out-everywhere', undefined, { cookie })
      expect(out.status).toBe(204)
      for (const c of [cookie, other])
        expect((await call(t, 'GET', '/api/staff/me', undefined, { cookie: c })).status).toBe(401)
    })

    it('ends after 30 idle minutes, and after 12 hours however busy', async () => {
      const { cookie } = await personWith(t, ['tracer'])
      const me = (ms: number) =>
        later(
          t,
          ms,
          async () => (await call(t, 'GET', '/api/staff/me', undefined, { cookie })).status,
        )
      for (let minutes = 20; minutes < 720; minutes += 20)
        expect(await me(minutes * MINUTE)).toBe(200)
      expect(await me(720 * MINUTE)).toBe(401)

      const idle = await personWith(t, ['tracer'])
      const res = await later(t, 30 * MINUTE, () =>
        call(t, 'GET', '/api/staff/me', undefined, { cookie: idle.cookie }),
      )
      await expectProblem(res, 401, 'UNAUTHENTICATED')
      // A stale cookie is cleared by the next successful response.
      const health = await later(t, 30 * MINUTE, () =>
        call(t, 'GET', '/healthz', undefined, { cookie: idle.cookie }),
      )
      expect(health.headers.get('set-cookie')).toMatch(/^vigil_session=; Max-Age=0/)
    })

    it('state-changing requests with the cookie need the origin: ORIGIN_MISMATCH', async () => {
      const { cookie } = await personWith(t, ['tracer'])
      const post = (opts: Parameters<typeof call>[4]) =>
        call(t, 'POST', '/api/staff/me/passkeys/options', undefined, { cookie, ...opts })
      await expectProblem(await post({ origin: 'https://evil.example' }), 403, 'ORIGIN_MISMATCH')
      await expectProblem(await post({ origin: null }), 403, 'ORIGIN_MISMATCH')
      const sameSite = await post({ origin: null, headers: { 'sec-fetch-site': 'same-origin' } })
      expect(sameSite.status).toBe(200)
      expect((await post({})).status).toBe(200)
      // Sign-in and enrolment steps are checked even without a cookie (login CSRF).
      const anonymous = await call(t, 'POST', '/api/staff/sign-in/options', undefined, {
        origin: 'https://evil.example',
      })
      await expectProblem(anonymous, 403, 'ORIGIN_MISMATCH')
    })

    it('a disabled person cannot sign in (STAFF_DISABLED) and their sessions end', async () => {
      const { cookie, authenticator, id } = await personWith(t, ['tracer'])
      await updatePerson(t.ctx, { id, disabled: true })
      expect((await call(t, 'GET', '/api/staff/me', undefined, { cookie })).status).toBe(401)
      await expectProblem((await signIn(t, authenticator)).res, 403, 'STAFF_DISABLED')
      await updatePerson(t.ctx, { id, disabled: false })
      expect((await signIn(t, authenticator)).res.status).toBe(200)
    })

    it('an API token cannot use the self-service routes: STAFF_ONLY', async () => {
      const token = await tokenFor(t, ['admin'])
      await expectProblem(
        await call(t, 'GET', '/api/staff/me', undefined, { token }),
        403,
        'STAFF_ONLY',
      )
    })
  })

  describe('my passkeys', () => {
    it('adds a second passkey, renames it, removes one, never the last (LAST_PASSKEY)', async () => {
      const { cookie, authenticator } = await personWith(t, ['issuer'])
      const started = await call(t, 'POST', '/api/staff/me/passkeys/options', undefined, { cookie })
      expect(started.status).toBe(200)
      const { options } = (await started.json()) as {
        options: { excludeCredentials: unknown[]; user: { id: string } }
      }
      expect(options.excludeCredentials).toHaveLength(1)
      const phone = newAuthenticator()
      const response = phone.createJSON(originOf(t), options as never)
      const added = await call(
        t,
        'POST',
        '/api/staff/me/passkeys',
        { response, name: 'Phone' },
        { cookie },
      )
      expect(added.status).toBe(201)
      const { id } = (await added.json()) as { id: string }
      // The new passkey signs the same person in.
      expect((await signIn(t, phone)).res.status).toBe(200)

      const renamed = await call(
        t,
        'PATCH',
        `/api/staff/me/passkeys/${id}`,
        { name: 'Work phone' },
        { cookie },
      )
      expect(await renamed.json()).toMatchObject({ id, name: 'Work phone' })
      const me = (await (await call(t, 'GET', '/api/staff/me', undefined, { cookie })).json()) as {
        passkeys: { id: string; name: string }[]
      }
      expect(me.passkeys.map((p) => p.name).sort()).toEqual(['Laptop', 'Work phone'])

      const first = me.passkeys.find((p) => p.id !== id)?.id as string
      expect(
        (await call(t, 'DELETE', `/api/staff/me/passkeys/${first}`, undefined, { cookie })).status,
      ).toBe(204)
      await expectProblem((await signIn(t, authenticator)).res, 401, 'WEBAUTHN_CREDENTIAL_UNKNOWN')
      const last = await call(t, 'DELETE', `/api/staff/me/passkeys/${id}`, undefined, { cookie })
      await expectProblem(last, 409, 'LAST_PASSKEY')

      const stranger = await personWith(t, ['issuer'])
      const theirs = await call(t, 'DELETE', `/api/staff/me/passkeys/${id}`, undefined, {
        cookie: stranger.cookie,
      })
      await expectProblem(theirs, 404, 'NOT_FOUND')
    })

    it('a challenge for someone else cannot add to my passkeys: WEBAUTHN_CHALLENGE_MISMATCH', async () => {
      const me = await personWith(t, ['issuer'])
      const other = await personWith(t, ['issuer'])
      const started = await call(t, 'POST', '/api/staff/me/passkeys/options', undefined, {
        cookie: other.cookie,
      })
      const { options } = (await started.json()) as { options: unknown }
      const response = newAuthenticator().createJSON(originOf(t), options as never)
      const res = await call(
        t,
        'POST',
        '/api/staff/me/passkeys',
        { response },
        { cookie: me.cookie },
      )
      await expectProblem(res, 400, 'WEBAUTHN_CHALLENGE_MISMATCH')
    })
  })
})

describe('session cookie settings', () => {
  it('Secure with the __Host- prefix, except on an http://localhost public URL', () => {
    expect(sessionCookie({ publicUrl: 'https://vigil.example.org' })).toEqual({
      name: '__Host-vigil_session',
      secure: true,
    })
    expect(sessionCookie({ publicUrl: 'http://vigil.example.org' }).secure).toBe(true)
    expect(sessionCookie({ publicUrl: 'https://localhost:8787' }).secure).toBe(true)
    expect(sessionCookie({ publicUrl: 'http://localhost.example.org' }).secure).toBe(true)
    const locals = ['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787']
    // A public URL with a path is still served from the loopback origin.
    for (const local of [...locals, 'http://localhost:8787/vigil', 'http://LOCALHOST'])
      expect(sessionCookie({ publicUrl: local })).toEqual({ name: 'vigil_session', secure: false })
  })

  it('the relying party comes from the public URL', () => {
    expect(relyingParty({ publicUrl: 'https://staff.vigil.example.org:8443' })).toEqual({
      id: 'staff.vigil.example.org',
      name: 'Vigil',
      origin: 'https://staff.vigil.example.org:8443',
    })
  })
})
