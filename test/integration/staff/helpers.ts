/**
 * Staff test helpers: a software authenticator per person (nid-webauthn-emulator with its own
 * credential store — the library's default store is shared by every instance), requests that
 * carry the session cookie and a same-origin `Origin`, and the ceremonies end to end.
 */
import {
  AuthenticatorEmulator,
  type AuthenticatorParameters,
  PasskeysCredentialsMemoryRepository,
  WebAuthnEmulator,
} from 'nid-webauthn-emulator'
import { expect } from 'vitest'
import type { Role } from '../../../src/platform/context/context.ts'
import { createInvitation } from '../../../src/services/staff/index.ts'
import type { TestApp } from '../../helpers/app.ts'

export type Authenticator = WebAuthnEmulator

export function newAuthenticator(params: Partial<AuthenticatorParameters> = {}): Authenticator {
  return new WebAuthnEmulator(
    new AuthenticatorEmulator({
      algorithmIdentifiers: ['ES256'],
      credentialsRepository: new PasskeysCredentialsMemoryRepository(),
      ...params,
    }),
  )
}

export const originOf = (t: TestApp) => new URL(t.ctx.config.publicUrl).origin

let clients = 0

export interface Call {
  cookie?: string | undefined
  origin?: string | null
  token?: string
  /** The client's socket address, as @hono/node-server passes it in `c.env`. */
  client?: string
  headers?: Record<string, string>
}

export async function call(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  opts: Call = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.origin !== null) headers.origin = opts.origin ?? originOf(t)
  if (opts.cookie !== undefined) headers.cookie = opts.cookie
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  // Each call from its own address unless a test names one, so rate limits stay out of the way.
  const client = opts.client ?? `192.0.2.${++clients % 250}`
  const env = { incoming: { socket: { remoteAddress: client } } }
  return await t.app.request(
    path,
    { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
    env,
  )
}

/** `name=value` of the session cookie a response sets ('' when it clears it). */
export function sessionCookieOf(res: Response): string | undefined {
  const header = res.headers.get('set-cookie')
  if (header === null) return undefined
  const match = /((?:__Host-)?vigil_session)=([^;]*)/.exec(header)
  return match === null ? undefined : `${match[1]}=${match[2]}`
}

export async function expectProblem(res: Response, status: number, code: string) {
  const body = (await res.json()) as { code: string; field?: string; detail?: string }
  expect({ status: res.status, code: body.code }).toEqual({ status, code })
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  return body
}

export async function invite(t: TestApp, roles: Role[], name = `person ${roles.join('+')}`) {
  const created = await createInvitation(t.ctx, { name, roles, expiresInHours: 24 })
  return { ...created, token: created.link.split('#')[1] as string }
}

type Json = Record<string, unknown>

export async function enrolOptions(t: TestApp, token: string, opts: Call = {}) {
  return call(t, 'POST', '/api/staff/enrol/options', { invitation: token }, opts)
}

/** Enrols through the HTTP API; returns the session cookie and the person. */
export async function enrol(
  t: TestApp,
  authenticator: Authenticator,
  token: string,
  opts: { origin?: string; relatedOrigins?: string[] } = {},
) {
  const started = await enrolOptions(t, token)
  expect(started.status).toBe(200)
  const { options } = (await started.json()) as { options: Json }
  const response = authenticator.createJSON(
    opts.origin ?? originOf(t),
    options as never,
    opts.relatedOrigins,
  )
  const res = await call(t, 'POST', '/api/staff/enrol', {
    invitation: token,
    response,
    passkeyName: 'Laptop',
  })
  return { res, cookie: sessionCookieOf(res), response }
}

export async function signInOptions(t: TestApp, opts: Call = {}) {
  const res = await call(t, 'POST', '/api/staff/sign-in/options', undefined, opts)
  expect(res.status).toBe(200)
  return ((await res.json()) as { options: Json }).options
}

export async function signIn(
  t: TestApp,
  authenticator: Authenticator,
  opts: { origin?: string; relatedOrigins?: string[]; options?: Json } = {},
) {
  const options = opts.options ?? (await signInOptions(t))
  const response = authenticator.getJSON(
    opts.origin ?? originOf(t),
    options as never,
    opts.relatedOrigins,
  )
  const res = await call(t, 'POST', '/api/staff/sign-in', { response })
  return { res, cookie: sessionCookieOf(res), response }
}

/** A signed-in person with `roles`: the session cookie. */
export async function personWith(t: TestApp, roles: Role[]) {
  const authenticator = newAuthenticator()
  const { token } = await invite(t, roles)
  const { res, cookie } = await enrol(t, authenticator, token)
  expect(res.status).toBe(201)
  const { user } = (await res.json()) as { user: { id: string } }
  return { cookie: cookie as string, id: user.id, authenticator }
}

/** Runs `fn` with the app's clock moved by `ms` (the test app shares its clock object). */
export async function later<T>(t: TestApp, ms: number, fn: () => Promise<T>): Promise<T> {
  const clock = t.ctx.clock as { now: () => Date }
  const original = clock.now
  const at = original().getTime() + ms
  clock.now = () => new Date(at)
  try {
    return await fn()
  } finally {
    clock.now = original
  }
}
