/**
 * Cases for the staff codes: WebAuthn ceremonies (WebAuthn Level 3 §7.1 registration, §7.2
 * authentication) with a software authenticator, invitations and people.
 */

import { generateRegistrationOptions } from '@simplewebauthn/server'
import { eq } from 'drizzle-orm'
import { expect } from 'vitest'
import { toBase64Url, utf8 } from '../../../src/core/codec/index.ts'
import { passkeys } from '../../../src/platform/db/schema/people.ts'
import type { ServiceErrorCode } from '../../../src/platform/errors/index.ts'
import {
  type Authenticator,
  call,
  enrol,
  enrolOptions,
  invite,
  later,
  newAuthenticator,
  originOf,
  personWith,
  signIn,
  signInOptions,
} from '../staff/helpers.ts'
import { type Case, HOUR, MINUTE, type World } from './world.ts'

/** A new person's sign-in response (WebAuthn §5.2.2), for options changed by `edit`. */
async function signInWith(
  w: World,
  edit: (options: Record<string, unknown>) => Record<string, unknown> = (o) => o,
  origin = originOf(w.t),
) {
  const person = await personWith(w.t, ['tracer'])
  const options = edit(await signInOptions(w.t))
  const response = person.authenticator.getJSON(origin, options as never)
  return { person, response }
}

type Registration = ReturnType<Authenticator['createJSON']>

/** Enrols with a new invitation, the authenticator's response changed by `edit` on the way. */
async function enrolWith(w: World, edit: (response: Registration) => Registration) {
  const { token } = await invite(w.t, ['tracer'])
  const started = await enrolOptions(w.t, token)
  const { options } = (await started.json()) as { options: Record<string, unknown> }
  const response = newAuthenticator().createJSON(originOf(w.t), options as never)
  return call(w.t, 'POST', '/api/staff/enrol', { invitation: token, response: edit(response) })
}

export const STAFF_CASES = {
  WEBAUTHN_MALFORMED: {
    field: 'response.clientDataJSON',
    async provoke(w) {
      const { response } = await signInWith(w)
      const garbled = { ...response, response: { ...response.response, clientDataJSON: 'bm90' } }
      return call(w.t, 'POST', '/api/staff/sign-in', { response: garbled })
    },
  },
  WEBAUTHN_CHALLENGE_UNKNOWN: {
    field: 'response.clientDataJSON',
    async provoke(w) {
      const { response } = await signInWith(w, (o) => ({ ...o, challenge: 'A'.repeat(43) }))
      return call(w.t, 'POST', '/api/staff/sign-in', { response })
    },
  },
  WEBAUTHN_CHALLENGE_REPLAYED: {
    field: 'response.clientDataJSON',
    async provoke(w) {
      const { response } = await signInWith(w)
      expect((await call(w.t, 'POST', '/api/staff/sign-in', { response })).status).toBe(200)
      return call(w.t, 'POST', '/api/staff/sign-in', { response })
    },
  },
  WEBAUTHN_CHALLENGE_EXPIRED: {
    field: 'response.clientDataJSON',
    async provoke(w) {
      const { response } = await signInWith(w)
      return later(w.t, 5 * MINUTE, () => call(w.t, 'POST', '/api/staff/sign-in', { response }))
    },
  },
  WEBAUTHN_CHALLENGE_MISMATCH: {
    field: 'response.clientDataJSON',
    async provoke(w) {
      // A sign-in challenge answered in an enrolment.
      const { token } = await invite(w.t, ['tracer'])
      const started = await enrolOptions(w.t, token)
      const { options } = (await started.json()) as { options: { challenge: string } }
      options.challenge = ((await signInOptions(w.t)) as { challenge: string }).challenge
      const response = newAuthenticator().createJSON(originOf(w.t), options as never)
      return call(w.t, 'POST', '/api/staff/enrol', { invitation: token, response })
    },
  },
  WEBAUTHN_ORIGIN: {
    field: 'response.clientDataJSON',
    async provoke(w) {
      const { response } = await signInWith(w, undefined, 'http://localhost:9999')
      return call(w.t, 'POST', '/api/staff/sign-in', { response })
    },
  },
  WEBAUTHN_RP_ID: {
    field: 'response.authenticatorData',
    async provoke(w) {
      // An authenticator scoped to another site, answering through this origin.
      const { token } = await invite(w.t, ['tracer'])
      const started = await enrolOptions(w.t, token)
      const { options } = (await started.json()) as { options: { rp: { id: string } } }
      options.rp.id = 'evil.example'
      const origin = originOf(w.t)
      const response = newAuthenticator().createJSON(origin, options as never, [origin])
      return call(w.t, 'POST', '/api/staff/enrol', { invitation: token, response })
    },
  },
  WEBAUTHN_USER_VERIFICATION: {
    field: 'response.authenticatorData',
    async provoke(w) {
      // Touched, but no PIN or biometrics.
      const { token } = await invite(w.t, ['tracer'])
      const lazy = newAuthenticator({
        userMakeCredentialInteraction: () => ({ options: { uv: false, up: true } }),
      })
      return (await enrol(w.t, lazy, token)).res
    },
  },
  WEBAUTHN_ATTESTATION: {
    field: 'response.attestationObject',
    // rawId must be the credential id itself (WebAuthn §5.1 rawId; RegistrationResponseJSON).
    provoke: (w) => enrolWith(w, (r) => ({ ...r, rawId: 'AAAA' })),
  },
  WEBAUTHN_CREDENTIAL_UNKNOWN: {
    field: 'response.id',
    async provoke(w) {
      // A passkey for this site that was never registered here.
      const stranger = newAuthenticator()
      const foreign = await generateRegistrationOptions({
        rpName: 'Vigil',
        rpID: 'localhost',
        userName: 'stranger',
        authenticatorSelection: { residentKey: 'required' },
      })
      stranger.createJSON(originOf(w.t), foreign)
      return (await signIn(w.t, stranger)).res
    },
  },
  WEBAUTHN_CREDENTIAL_EXISTS: {
    field: 'response.id',
    async provoke(w) {
      // A "none" attestation (WebAuthn §8.7) does not sign the client data: the passkey someone
      // already enrolled, replayed with a new invitation's challenge, reaches the duplicate check.
      const first = await invite(w.t, ['tracer'])
      const { res, response } = await enrol(w.t, newAuthenticator(), first.token)
      expect(res.status).toBe(201)
      const second = await invite(w.t, ['tracer'])
      const started = await enrolOptions(w.t, second.token)
      const { options } = (await started.json()) as { options: { challenge: string } }
      const clientData = {
        type: 'webauthn.create',
        challenge: options.challenge,
        origin: originOf(w.t),
      }
      const replayed = {
        ...response,
        response: {
          ...response.response,
          clientDataJSON: toBase64Url(utf8(JSON.stringify(clientData))),
        },
      }
      return call(w.t, 'POST', '/api/staff/enrol', { invitation: second.token, response: replayed })
    },
  },
  WEBAUTHN_COUNTER: {
    field: 'response.authenticatorData',
    async provoke(w) {
      // As if a clone of this authenticator had signed in 1000 times meanwhile.
      const { person, response } = await signInWith(w)
      await w.t.ctx.db.update(passkeys).set({ counter: 1000 }).where(eq(passkeys.userId, person.id))
      return call(w.t, 'POST', '/api/staff/sign-in', { response })
    },
  },
  WEBAUTHN_SIGNATURE: {
    field: 'response.signature',
    async provoke(w) {
      const { response } = await signInWith(w)
      const sig = response.response.signature
      const flipped = `${sig.slice(0, 20)}${sig[20] === 'A' ? 'B' : 'A'}${sig.slice(21)}`
      const tampered = { ...response, response: { ...response.response, signature: flipped } }
      return call(w.t, 'POST', '/api/staff/sign-in', { response: tampered })
    },
  },
  INVITATION_UNKNOWN: {
    field: 'invitation',
    provoke: (w) => enrolOptions(w.t, 'not-an-invitation'),
  },
  INVITATION_USED: {
    field: 'invitation',
    async provoke(w) {
      const { token } = await invite(w.t, ['tracer'])
      expect((await enrol(w.t, newAuthenticator(), token)).res.status).toBe(201)
      return enrolOptions(w.t, token)
    },
  },
  INVITATION_EXPIRED: {
    field: 'invitation',
    async provoke(w) {
      const { token } = await invite(w.t, ['tracer'])
      return later(w.t, 24 * HOUR, () => enrolOptions(w.t, token))
    },
  },
  INVITATION_REVOKED: {
    field: 'invitation',
    async provoke(w) {
      const { id, token } = await invite(w.t, ['tracer'])
      const del = await call(w.t, 'DELETE', `/api/staff/invitations/${id}`, undefined, w.auth.admin)
      expect(del.status).toBe(204)
      return enrolOptions(w.t, token)
    },
  },
  STAFF_DISABLED: {
    field: 'response.id',
    async provoke(w) {
      const { person, response } = await signInWith(w)
      const off = await call(
        w.t,
        'PATCH',
        `/api/staff/people/${person.id}`,
        { disabled: true },
        w.auth.admin,
      )
      expect(off.status).toBe(200)
      return call(w.t, 'POST', '/api/staff/sign-in', { response })
    },
  },
  LAST_PASSKEY: {
    field: 'id',
    async provoke(w) {
      const { cookie } = await personWith(w.t, ['tracer'])
      const me = await call(w.t, 'GET', '/api/staff/me', undefined, { cookie })
      const { passkeys: mine } = (await me.json()) as { passkeys: { id: string }[] }
      return call(w.t, 'DELETE', `/api/staff/me/passkeys/${mine[0]?.id}`, undefined, { cookie })
    },
  },
  LAST_ADMIN: {
    field: 'roles',
    async provoke(w) {
      // The only administrator among the people (tokens are not people) cannot step down.
      const { id } = await personWith(w.t, ['admin'])
      return call(w.t, 'PATCH', `/api/staff/people/${id}`, { roles: ['auditor'] }, w.auth.admin)
    },
  },
} satisfies Partial<Record<ServiceErrorCode, Case>>
