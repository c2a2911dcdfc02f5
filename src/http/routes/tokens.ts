/**
 * @module http/routes/tokens
 * API token administration (admin only): create (the secret is in this one response), list,
 * revoke. The first admin token comes from `vigil tokens create`, which needs no token.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { ROLES } from '../../platform/context/index.ts'
import {
  createApiToken,
  DEFAULT_TOKEN_DAYS,
  isTokenId,
  listApiTokens,
  MAX_TOKEN_DAYS,
  revokeApiToken,
} from '../../services/staff/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { denied, problem, security } from '../openapi.ts'

const Role = z.enum(ROLES).openapi('Role')
const CreateToken = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ example: 'records system, clinic A' }),
    roles: z.array(Role).min(1).max(ROLES.length),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(DEFAULT_TOKEN_DAYS),
  })
  .openapi('CreateToken')
const CreatedToken = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(Role),
    token: z.string().openapi({ description: 'vgl_<id>_<secret>: shown once, store it now' }),
    expiresAt: z.string(),
  })
  .openapi('CreatedToken')
const TokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(Role),
    status: z.enum(['active', 'revoked', 'expired']),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('TokenView')
const TokenId = z.object({
  id: z
    .string()
    .refine(isTokenId, 'must be a token id (12 characters a-z, 2-7)')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'k3v7q2m4x5za' }),
})

const guarded = { tags: ['tokens'], security }

export function tokenRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token, vgl_<id>_<secret> (vigil tokens create)',
  })

  app.openapi(
    createRoute({
      ...guarded,
      method: 'post',
      path: '/api/tokens',
      summary: 'Create an API token; the response is the only time its secret is shown',
      middleware: [requireRole('admin'), jsonBody()] as const,
      request: {
        body: { required: true, content: { 'application/json': { schema: CreateToken } } },
      },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: CreatedToken } } },
        400: problem('VALIDATION naming the field'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      const created = await createApiToken(c.get('ctx'), c.req.valid('json'))
      c.header('cache-control', 'no-store')
      return c.json(created, 201)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      path: '/api/tokens',
      summary: 'List API tokens (never their secrets)',
      middleware: [requireRole('admin')] as const,
      responses: {
        200: {
          description: 'the tokens, oldest first',
          content: { 'application/json': { schema: z.object({ tokens: z.array(TokenView) }) } },
        },
        ...denied('admin'),
      },
    }),
    async (c) => {
      c.header('cache-control', 'no-store')
      return c.json({ tokens: await listApiTokens(c.get('ctx')) }, 200)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'delete',
      path: '/api/tokens/{id}',
      summary: 'Revoke an API token at once (idempotent)',
      middleware: [requireRole('admin')] as const,
      request: { params: TokenId },
      responses: { 204: { description: 'revoked' }, 404: problem('NOT_FOUND'), ...denied('admin') },
    }),
    async (c) => {
      await revokeApiToken(c.get('ctx'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  return app
}
