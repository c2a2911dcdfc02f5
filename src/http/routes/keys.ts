/** Public keys: the log's signed-note verifier key and the issuers' JWKs. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { publicKeyViews } from '../../platform/keys/index.ts'
import type { AppEnv } from '../env.ts'

const PublicKey = z
  .object({
    id: z.string(),
    purpose: z.enum(['log', 'issuer']),
    algorithm: z.enum(['Ed25519', 'ES256']),
    status: z.enum(['active', 'retired']),
    createdAt: z.string(),
    jwk: z.record(z.string(), z.unknown()),
    vkey: z
      .string()
      .optional()
      .openapi({ description: 'c2sp.org/signed-note verifier key (log keys)' }),
  })
  .openapi('PublicKey')

export function keyRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/keys',
      tags: ['keys'],
      summary: 'Public keys of this deployment (log and issuers, active and retired)',
      responses: {
        200: {
          description: 'the keys',
          content: { 'application/json': { schema: z.object({ keys: z.array(PublicKey) }) } },
        },
      },
    }),
    async (c) => {
      const deps = c.get('ctx')
      const keys = await publicKeyViews(deps.keys, deps.config.logOrigin)
      c.header('cache-control', 'public, max-age=60')
      return c.json({ keys }, 200)
    },
  )
  return app
}
