/**
 * @module http/middleware/access-log
 * One line per request: method, matched route, status, milliseconds, request id. Deliberately no
 * IP address, user agent, query string or body (docs/PRIVACY.md).
 */

import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import type { AppEnv } from '../env.ts'

export function accessLog() {
  return createMiddleware<AppEnv>(async function accessLog(c, next) {
    const started = performance.now()
    await next()
    c.get('ctx').logger.info('request', {
      method: c.req.method,
      route: routePath(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      requestId: c.get('requestId'),
    })
  })
}
