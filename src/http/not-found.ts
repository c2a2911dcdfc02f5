/**
 * @module http/not-found
 * 404 for an unknown path, 405 (with `Allow`, RFC 9110 §15.5.6) for a known path and a method it
 * does not serve. Hono has no built-in 405, so the routes are indexed once in a second router.
 * Browsers asking for a page get the HTML error page (./error-page.ts).
 */
import type { Context, Hono } from 'hono'
import { PatternRouter } from 'hono/router/pattern-router'
import type { AppEnv } from './env.ts'
import { respondError } from './error-page.ts'

export function notFoundHandler(app: Hono<AppEnv>) {
  let router: PatternRouter<string> | undefined
  const index = () => {
    const r = new PatternRouter<string>()
    for (const route of app.routes) {
      // 'ALL' entries are middleware mounts, not resources.
      if (route.method !== 'ALL') r.add(route.method, route.path, route.method)
    }
    return r
  }

  return function notFound(c: Context<AppEnv>): Response {
    router ??= index()
    const path = c.req.path
    const allowed = new Set<string>()
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const [matches] = router.match(method, path)
      for (const [m] of matches) allowed.add(m)
    }
    if (allowed.has('GET')) allowed.add('HEAD')
    const base = { requestId: c.get('requestId'), instance: path }
    if (allowed.size > 0 && !allowed.has(c.req.method)) {
      const allow = [...allowed].sort().join(', ')
      return respondError(c, 405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`, {
        ...base,
        field: 'method',
        headers: { allow },
      })
    }
    return respondError(c, 404, 'NOT_FOUND', `no resource at ${path}`, base)
  }
}
