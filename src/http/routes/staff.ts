/**
 * @module http/routes/staff
 * Passkey ceremonies and the signed-in person's own things: enrol from an invitation, sign in,
 * sign out (here or everywhere), who am I, my passkeys (add, rename, remove). Thin: parse → one
 * service call → respond; errors are mapped to statuses in ../status.ts.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import { ROLES } from '../../platform/context/index.ts'
import {
  beginAddPasskey,
  beginEnrolment,
  beginSignIn,
  describeMe,
  displayName,
  endAllSessions,
  endSession,
  finishAddPasskey,
  finishEnrolment,
  finishSignIn,
  removePasskey,
  renamePasskey,
} from '../../services/staff/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import {
  clearSessionCookie,
  clientKey,
  requireStaff,
  sessionOf,
  sessionToken,
  setSessionCookie,
} from '../middleware/session.ts'
import { jsonRequest, jsonResponse, problem } from '../openapi.ts'

const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url')
const extensions = z.record(z.string(), z.unknown()).default({})
const attachment = z.enum(['platform', 'cross-platform']).optional()

/** What `startRegistration()` returns (WebAuthn §5.1 RegistrationResponseJSON). */
export const RegistrationResponse = z
  .object({
    id: b64url(1400),
    rawId: b64url(1400),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: b64url(8192),
      attestationObject: b64url(32768),
      authenticatorData: b64url(32768).optional(),
      transports: z.array(z.string().max(32)).max(10).optional(),
      publicKeyAlgorithm: z.number().int().optional(),
      publicKey: b64url(8192).optional(),
    }),
    clientExtensionResults: extensions,
    authenticatorAttachment: attachment,
  })
  .openapi('RegistrationResponse')

/** What `startAuthentication()` returns (WebAuthn §5.1 AuthenticationResponseJSON). */
export const AuthenticationResponse = z
  .object({
    id: b64url(1400),
    rawId: b64url(1400),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: b64url(8192),
      authenticatorData: b64url(32768),
      signature: b64url(4096),
      userHandle: z.string().max(128).optional(),
    }),
    clientExtensionResults: extensions,
    authenticatorAttachment: attachment,
  })
  .openapi('AuthenticationResponse')

export const PasskeyName = displayName(60)
const Invitation = z.string().min(1).max(100).openapi({ example: 'vgi_k3v7q2m4x5za_…' })
const Role = z.enum(ROLES)
const Passkey = z
  .object({
    id: z.string(),
    name: z.string(),
    deviceType: z.string(),
    backedUp: z.boolean(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('Passkey')
const Person = z.object({ id: z.string(), name: z.string(), roles: z.array(Role) })
const PasskeyId = z.object({
  id: z
    .string()
    .regex(/^[a-z2-7]{12}$/, 'must be a passkey id')
    .openapi({ param: { name: 'id', in: 'path' } }),
})
const ceremony = problem(
  'WEBAUTHN_* (MALFORMED, CHALLENGE_UNKNOWN, CHALLENGE_REPLAYED, CHALLENGE_EXPIRED, CHALLENGE_MISMATCH, ORIGIN, RP_ID, USER_VERIFICATION, ATTESTATION)',
)
const session = [{ sessionCookie: [] as string[] }]
const signedIn = () => [requireRole(...ROLES), requireStaff()]

export function staffRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-vigil_session',
    description: 'A passkey sign-in session (vigil_session on http://localhost)',
  })

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/enrol/options',
      tags: ['staff'],
      summary: 'Check an invitation and get passkey registration options (rate limited)',
      middleware: [jsonBody()] as const,
      request: { body: jsonRequest(z.object({ invitation: Invitation })) },
      responses: {
        200: { description: '{ invitation: { name, roles, expiresAt }, options }' },
        404: problem('INVITATION_UNKNOWN'),
        409: problem('INVITATION_USED'),
        410: problem('INVITATION_EXPIRED or INVITATION_REVOKED'),
        429: problem('RATE_LIMITED (Retry-After)'),
      },
    }),
    async (c) => {
      const { invitation } = c.req.valid('json')
      const started = await beginEnrolment(c.get('ctx'), { invitation, clientKey: clientKey(c) })
      c.header('cache-control', 'no-store')
      return c.json(started, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/enrol',
      tags: ['staff'],
      summary: 'Register the first passkey from an invitation: creates the person and signs in',
      middleware: [jsonBody()] as const,
      request: {
        body: jsonRequest(
          z.object({
            invitation: Invitation,
            response: RegistrationResponse,
            passkeyName: PasskeyName.default('Passkey'),
          }),
        ),
      },
      responses: {
        201: jsonResponse(
          'enrolled and signed in (Set-Cookie)',
          z.object({ user: Person, passkeyId: z.string() }),
        ),
        400: ceremony,
        404: problem('INVITATION_UNKNOWN'),
        409: problem('INVITATION_USED or WEBAUTHN_CREDENTIAL_EXISTS'),
        410: problem('INVITATION_EXPIRED or INVITATION_REVOKED'),
      },
    }),
    async (c) => {
      const { invitation, response, passkeyName } = c.req.valid('json')
      const enrolled = await finishEnrolment(c.get('ctx'), {
        invitation,
        response: response as RegistrationResponseJSON,
        passkeyName,
      })
      setSessionCookie(c, enrolled.session.token)
      c.header('cache-control', 'no-store')
      return c.json({ user: enrolled.user, passkeyId: enrolled.passkeyId }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/sign-in/options',
      tags: ['staff'],
      summary: 'Passkey authentication options (discoverable credentials; rate limited)',
      responses: {
        200: { description: '{ options } for startAuthentication()' },
        429: problem('RATE_LIMITED (Retry-After)'),
      },
    }),
    async (c) => {
      const options = await beginSignIn(c.get('ctx'), clientKey(c))
      c.header('cache-control', 'no-store')
      return c.json({ options }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/sign-in',
      tags: ['staff'],
      summary: 'Verify a passkey assertion and start a session (Set-Cookie)',
      middleware: [jsonBody()] as const,
      request: { body: jsonRequest(z.object({ response: AuthenticationResponse })) },
      responses: {
        200: jsonResponse(
          'signed in',
          z.object({ user: z.object({ id: z.string(), name: z.string() }) }),
        ),
        400: ceremony,
        401: problem('WEBAUTHN_CREDENTIAL_UNKNOWN, WEBAUTHN_COUNTER or WEBAUTHN_SIGNATURE'),
        403: problem('STAFF_DISABLED'),
      },
    }),
    async (c) => {
      const response = c.req.valid('json').response as AuthenticationResponseJSON
      const signed = await finishSignIn(c.get('ctx'), response)
      setSessionCookie(c, signed.session.token)
      c.header('cache-control', 'no-store')
      return c.json({ user: signed.user }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/sign-out',
      tags: ['staff'],
      summary: 'End this session',
      security: session,
      middleware: signedIn(),
      responses: { 204: { description: 'signed out (the cookie is cleared)' } },
    }),
    async (c) => {
      const token = sessionToken(c)
      if (token !== undefined) await endSession(c.get('ctx'), token)
      clearSessionCookie(c)
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/sign-out-everywhere',
      tags: ['staff'],
      summary: 'End every session of the signed-in person, on every device',
      security: session,
      middleware: signedIn(),
      responses: { 204: { description: 'all sessions ended (the cookie is cleared)' } },
    }),
    async (c) => {
      await endAllSessions(c.get('ctx'))
      clearSessionCookie(c)
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/session',
      tags: ['staff'],
      summary:
        'Whether this browser is signed in, and as whom (200 either way, so a page can ask without a refused request)',
      responses: {
        200: jsonResponse(
          'the signed-in person, or signedIn false',
          z.object({
            signedIn: z.boolean(),
            name: z.string().optional(),
            roles: z.array(Role).optional(),
          }),
        ),
      },
    }),
    (c) => {
      const actor = c.get('ctx').actor
      c.header('cache-control', 'no-store')
      // Only a passkey session: an API token is not a browser's sign-in.
      return actor?.kind === 'staff'
        ? c.json({ signedIn: true, name: actor.name, roles: [...actor.roles] }, 200)
        : c.json({ signedIn: false }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/me',
      tags: ['staff'],
      summary: 'Who am I: name, roles, this session and my passkeys',
      security: session,
      middleware: signedIn(),
      responses: {
        200: jsonResponse(
          'the signed-in person',
          z.object({
            id: z.string(),
            name: z.string(),
            roles: z.array(Role),
            session: z.object({
              createdAt: z.string(),
              expiresAt: z.string(),
              idleExpiresAt: z.string(),
            }),
            passkeys: z.array(Passkey),
          }),
        ),
      },
    }),
    async (c) => {
      const me = await describeMe(c.get('ctx'), sessionOf(c))
      c.header('cache-control', 'no-store')
      return c.json(me, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/me/passkeys/options',
      tags: ['staff'],
      summary: 'Registration options for another passkey (existing ones excluded)',
      security: session,
      middleware: signedIn(),
      responses: { 200: { description: '{ options } for startRegistration()' } },
    }),
    async (c) => {
      const options = await beginAddPasskey(c.get('ctx'))
      c.header('cache-control', 'no-store')
      return c.json({ options }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/me/passkeys',
      tags: ['staff'],
      summary: 'Add a passkey',
      security: session,
      middleware: [...signedIn(), jsonBody()],
      request: {
        body: jsonRequest(
          z.object({ response: RegistrationResponse, name: PasskeyName.default('Passkey') }),
        ),
      },
      responses: {
        201: jsonResponse('added', Passkey),
        400: ceremony,
        409: problem('WEBAUTHN_CREDENTIAL_EXISTS'),
      },
    }),
    async (c) => {
      const { response, name } = c.req.valid('json')
      const added = await finishAddPasskey(c.get('ctx'), {
        response: response as RegistrationResponseJSON,
        name,
      })
      return c.json(added, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/staff/me/passkeys/{id}',
      tags: ['staff'],
      summary: 'Rename one of my passkeys',
      security: session,
      middleware: [...signedIn(), jsonBody()],
      request: { params: PasskeyId, body: jsonRequest(z.object({ name: PasskeyName })) },
      responses: { 200: jsonResponse('renamed', Passkey), 404: problem('NOT_FOUND') },
    }),
    async (c) => {
      const renamed = await renamePasskey(c.get('ctx'), {
        id: c.req.valid('param').id,
        name: c.req.valid('json').name,
      })
      return c.json(renamed, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/staff/me/passkeys/{id}',
      tags: ['staff'],
      summary: 'Remove one of my passkeys (never the last)',
      security: session,
      middleware: signedIn(),
      request: { params: PasskeyId },
      responses: {
        204: { description: 'removed' },
        404: problem('NOT_FOUND'),
        409: problem('LAST_PASSKEY'),
      },
    }),
    async (c) => {
      await removePasskey(c.get('ctx'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  return app
}
