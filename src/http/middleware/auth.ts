/**
 * @module http/middleware/auth
 * Who is asking. `authenticate()` runs on every request and sets `actor` (or undefined);
 * `requireRole(...)` guards a route. Bearer tokens follow RFC 6750; the passkey session
 * plugs in through the `session` option and sets the same `actor`, so guards need not change.
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { Actor, Role, ServiceContext } from '../../platform/context/index.ts'
import { verifyApiToken } from '../../services/staff/index.ts'
import type { AppEnv } from '../env.ts'
import { ProblemError } from '../problem.ts'

export interface AuthenticateOptions {
  /** Bearer token → actor; undefined rejects the request. Default: the API token service. */
  verifyToken?: (ctx: ServiceContext, token: string) => Promise<Actor | undefined>
  /** Consulted when no bearer token is sent (the passkey session cookie, docs/STAFF.md). */
  session?: (c: Context<AppEnv>) => Promise<Actor | undefined>
}

/** Puts who acts (and under which role) on this request's copy of the context. */
function scope(c: Context<AppEnv>, add: { actor?: Actor | undefined; role?: Role }): void {
  c.set('ctx', { ...c.get('ctx'), ...add })
}

// RFC 6750 §2.1: the scheme is case-insensitive; the b64token grammar bounds the credential.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

export function authenticate(options: AuthenticateOptions = {}) {
  const verifyToken = options.verifyToken ?? verifyApiToken
  return createMiddleware<AppEnv>(async function authenticate(c, next) {
    const header = c.req.header('authorization')
    // Another scheme (say Basic, added by a proxy in front of a staging site) is not ours to judge.
    if (header === undefined || !/^bearer(?: |$)/i.test(header)) {
      const actor = options.session === undefined ? undefined : await options.session(c)
      scope(c, { actor })
      return next()
    }
    // Attacker-controlled: a malformed header is an invalid token, never a query or an echo.
    const token = BEARER.exec(header)?.[1]
    const actor = token === undefined ? undefined : await verifyToken(c.get('ctx'), token)
    if (actor === undefined) {
      // RFC 6750 §3.1: invalid_token for a token that is malformed, unknown, revoked or expired.
      throw new ProblemError(
        401,
        'INVALID_TOKEN',
        'the bearer token is invalid, expired or revoked',
        {
          field: 'authorization',
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        },
      )
    }
    scope(c, { actor })
    return next()
  })
}

/** Passes an actor holding any of `roles`; 401 without an actor, 403 without the role. */
export function requireRole(...roles: Role[]) {
  const needed = roles.join(', ')
  return createMiddleware<AppEnv>(async function requireRole(c, next) {
    const actor = c.get('ctx').actor
    if (actor === undefined) {
      // RFC 6750 §3: a challenge without an error code when no credentials were sent.
      throw new ProblemError(401, 'UNAUTHENTICATED', `sign in or send a bearer token (${needed})`, {
        headers: { 'www-authenticate': 'Bearer' },
      })
    }
    const role = actor.roles.find((held) => roles.includes(held))
    if (role === undefined) {
      throw new ProblemError(403, 'FORBIDDEN', `this needs one of the roles: ${needed}`, {
        // RFC 6750 §3.1: insufficient_scope belongs to bearer tokens, not to sessions.
        headers:
          actor.kind === 'token' ? { 'www-authenticate': 'Bearer error="insufficient_scope"' } : {},
      })
    }
    // The audit trail records which of the actor's roles allowed the action.
    scope(c, { role })
    return next()
  })
}
