/**
 * @module http/middleware/origin
 * Cross-site request protection for cookie sessions. A state-changing request (not GET, HEAD or
 * OPTIONS) that could ride on the session cookie — it carries the cookie, or it is a sign-in or
 * enrolment step — must come from the configured origin: its `Origin` header (sent by every
 * current browser on such requests) must equal the public URL's origin. Without `Origin`, only
 * `Sec-Fetch-Site: same-origin` passes. Requests with a bearer token are exempt: a browser cannot
 * attach one across sites by itself. SameSite=Strict already stops the cookie; this is the
 * second lock (OWASP CSRF cheat sheet, "Verifying origin with standard headers").
 */
import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.ts'
import { ProblemError } from '../problem.ts'
import { sessionCookie } from './session.ts'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

export function originCheck(options: { paths?: readonly string[] } = {}) {
  const prefixes = options.paths ?? ['/api/staff/']
  return createMiddleware<AppEnv>(async function originCheck(c, next) {
    if (SAFE.has(c.req.method)) return next()
    if (/^bearer(?: |$)/i.test(c.req.header('authorization') ?? '')) return next()
    const config = c.get('ctx').config
    const hasCookie = getCookie(c, sessionCookie(config).name) !== undefined
    if (!hasCookie && !prefixes.some((p) => c.req.path.startsWith(p))) return next()
    const expected = new URL(config.publicUrl).origin
    // Attacker-controlled headers: compared as whole strings, never parsed into a pattern.
    const origin = c.req.header('origin')
    const ok =
      origin === undefined ? c.req.header('sec-fetch-site') === 'same-origin' : origin === expected
    if (!ok) {
      throw new ProblemError(
        403,
        'ORIGIN_MISMATCH',
        `state-changing requests must come from ${expected}`,
        { field: 'origin' },
      )
    }
    return next()
  })
}
