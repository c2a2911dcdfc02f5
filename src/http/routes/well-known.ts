/** The issuer's public trust material (SHC 1.4 §Determining keys, §Revocation); CORS *. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { issuerCrl, issuerJwks } from '../../services/credentials/index.ts'
import type { AppEnv } from '../env.ts'

export function wellKnownRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      tags: ['credentials'],
      summary: "The issuer's JWK Set (ES256 keys, active and retired)",
      responses: { 200: { description: 'JWK Set' } },
    }),
    async (c) => {
      c.header('cache-control', 'public, max-age=300')
      return c.json(await issuerJwks(c.get('ctx')), 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/crl/{file}',
      tags: ['credentials'],
      summary: 'Revocation list of one issuer key: {kid, method: "rid", ctr, rids}',
      // `{kid}.json` cannot be a route parameter (the suffix would join its name): the file is.
      request: {
        params: z.object({
          file: z
            .string()
            .regex(/^[A-Za-z0-9_-]{43}\.json$/, 'expected <kid>.json, kid a JWK thumbprint'),
        }),
      },
      responses: { 200: { description: 'CRL' } },
    }),
    async (c) => {
      c.header('cache-control', 'public, max-age=60')
      return c.json(
        await issuerCrl(c.get('ctx'), c.req.valid('param').file.slice(0, -'.json'.length)),
        200,
      )
    },
  )
  return app
}
