/**
 * @module http/middleware/session
 * The passkey session cookie: `sessionActor` plugs into `authenticate({ session })`; the cookie
 * helpers set and clear it; `requireStaff()` keeps self-service routes for people (not API
 * tokens); `clientKey` names the client for rate limits without storing its address.
 *
 * Cookie: HttpOnly, SameSite=Strict, Path=/, Max-Age = the session's absolute lifetime, and
 * Secure with the `__Host-` prefix — except on an http://localhost public URL, where browsers
 * would refuse a Secure cookie (the only case it is off).
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { isLoopbackHttpOrigin } from '../../core/shc/index.ts'
import type { Config } from '../../platform/config/index.ts'
import type { Actor } from '../../platform/context/index.ts'
import {
  resolveSession,
  SESSION_ABSOLUTE_MS,
  type SessionInfo,
} from '../../services/staff/index.ts'
import type { AppEnv } from '../env.ts'
import { ProblemError } from '../problem.ts'

export interface SessionCookie {
  name: string
  secure: boolean
}

export function sessionCookie(config: Pick<Config, 'publicUrl'>): SessionCookie {
  return isLoopbackHttpOrigin(new URL(config.publicUrl).origin)
    ? { name: 'vigil_session', secure: false }
    : { name: '__Host-vigil_session', secure: true }
}

/** The session resolved for a request (for /api/staff/me), without a second lookup. */
const resolved = new WeakMap<Request, SessionInfo>()

export function sessionOf(c: Context<AppEnv>): SessionInfo | undefined {
  return resolved.get(c.req.raw)
}

export function sessionToken(c: Context<AppEnv>): string | undefined {
  return getCookie(c, sessionCookie(c.get('ctx').config).name)
}

/** For `authenticate({ session })`: the cookie's person, or undefined (a stale cookie is cleared). */
export async function sessionActor(c: Context<AppEnv>): Promise<Actor | undefined> {
  const token = sessionToken(c)
  if (token === undefined) return undefined
  const info = await resolveSession(c.get('ctx'), token)
  if (info === undefined) {
    clearSessionCookie(c)
    return undefined
  }
  resolved.set(c.req.raw, info)
  return info.actor
}

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  const { name, secure } = sessionCookie(c.get('ctx').config)
  setCookie(c, name, token, {
    httpOnly: true,
    secure,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  })
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const { name, secure } = sessionCookie(c.get('ctx').config)
  deleteCookie(c, name, { httpOnly: true, secure, sameSite: 'Strict', path: '/' })
}

/** After `requireRole(...)`: only a signed-in person (their passkeys, their sessions). */
export function requireStaff() {
  return createMiddleware<AppEnv>(async function requireStaff(c, next) {
    const actor = c.get('ctx').actor
    if (actor === undefined)
      throw new ProblemError(401, 'UNAUTHENTICATED', 'sign in with a passkey')
    if (actor.kind !== 'staff')
      throw new ProblemError(403, 'STAFF_ONLY', 'this is for people signed in with a passkey', {
        field: 'authorization',
      })
    return next()
  })
}

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } }
}

const LOOPBACK_ADDRESS = /^(127\.|::1$|::ffff:127\.)/

/**
 * Who is asking, for rate limits only (hashed with a daily salt, never stored): on Workers,
 * Cloudflare's `cf-connecting-ip`; on Node, the socket's address — or, when that is loopback (a
 * reverse proxy on the same machine), the last `X-Forwarded-For` entry, the one the proxy added
 * (a client can only prepend to that header). Elsewhere every client shares one key; the
 * per-invitation limit still holds.
 */
export function clientKey(c: Context<AppEnv>): string {
  if ((c.req.raw as { cf?: unknown }).cf !== undefined)
    return c.req.header('cf-connecting-ip') ?? 'unknown'
  const address = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress
  if (address !== undefined && LOOPBACK_ADDRESS.test(address)) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded.slice(0, 64)
  }
  return address ?? 'unknown'
}
