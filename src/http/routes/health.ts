/** Liveness and readiness: /healthz says the process answers, /readyz that the database does. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { pingDatabase } from '../../platform/health/index.ts'
import type { AppEnv } from '../env.ts'
import { DATABASE_RETRY_AFTER_S } from '../errors.ts'
import { ProblemError } from '../problem.ts'

const Health = z.object({ status: z.literal('ok'), version: z.string() }).openapi('Health')
const Ready = z
  .object({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) })
  .openapi('Ready')

export function healthRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      responses: {
        200: { description: 'alive', content: { 'application/json': { schema: Health } } },
      },
    }),
    (c) => c.json({ status: 'ok' as const, version: c.get('ctx').version }, 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['operations'],
      summary: 'Readiness: the database answers',
      responses: {
        200: { description: 'ready', content: { 'application/json': { schema: Ready } } },
        503: { description: 'database unreachable' },
      },
    }),
    async (c) => {
      const deps = c.get('ctx')
      try {
        await pingDatabase(deps.db)
      } catch (cause) {
        deps.logger.warn('readiness check failed', { error: String(cause) })
        throw new ProblemError(503, 'DATABASE_UNAVAILABLE', 'the database is not reachable', {
          headers: { 'retry-after': String(DATABASE_RETRY_AFTER_S) },
          cause,
        })
      }
      c.header('cache-control', 'no-store')
      return c.json({ status: 'ready' as const, database: deps.dbKind }, 200)
    },
  )
  return app
}
