/**
 * @module http/routes/dcc-trust
 * EU DCC / GDHCN trust lists (docs/VERIFIER.md "EU and WHO certificates"). Thin: parse → one
 * service call → respond.
 *   GET  /trust/dcc                          signed DCC trust data (public, CORS *, cacheable)
 *   GET  /api/trust/dcc/lists                every imported snapshot, newest first (admin)
 *   PUT  /api/trust/dcc/lists/{name}         import a DSC trust list: a trust-list entry (admin)
 *   PUT  /api/trust/dcc/revocations/{name}   import a revocation hash list (admin)
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { utf8 } from '../../core/codec/index.ts'
import { DCC_LIST_FORMATS, readTrustAnchors } from '../../core/dcc/index.ts'
import { TRUST_MATERIAL_MEDIA_TYPE } from '../../core/verify/index.ts'
import {
  importDccList,
  importDccRevocations,
  listDccSnapshots,
  signedDccTrust,
} from '../../services/trust/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { problem, security } from '../openapi.ts'

const Name = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'who-gdhcn' }),
})

const Snapshot = z
  .object({
    name: z.string(),
    version: z.number().int(),
    format: z.string(),
    source: z.string(),
    sha256: z
      .string()
      .openapi({ description: 'SHA-256 of the bytes imported: the entry artefact' }),
    signers: z.number().int(),
    revoked: z.number().int(),
    problems: z.array(
      z.object({ code: z.string(), message: z.string(), kid: z.string().optional() }),
    ),
    maxAge: z.number().int(),
    importedAt: z.string(),
    checkedAt: z.string(),
    leafIndex: z.number().int().nullable(),
    changed: z.boolean().openapi({ description: 'false: the same bytes as the latest snapshot' }),
    warnings: z
      .array(z.object({ code: z.string(), message: z.string(), kid: z.string().optional() }))
      .optional()
      .openapi({ description: 'on import: what was not checked (eu-dto without trustAnchors)' }),
  })
  .openapi('DccTrustSnapshot')

const content = z
  .string()
  .min(2)
  .openapi({ description: 'The list as published, as text: its UTF-8 bytes are hashed and logged' })
const maxAge = z.number().int().min(60).max(31_536_000).optional()

const ListBody = z
  .object({
    format: z.enum(DCC_LIST_FORMATS),
    content,
    source: z.string().min(1).max(2048).optional(),
    maxAge,
    signingKeys: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .openapi({ description: 'did: the signing DID verification method id → its public JWK' }),
    allowProblems: z.boolean().optional(),
    trustAnchors: z.array(z.string().min(1).max(20_000)).max(8).optional().openapi({
      description:
        'eu-dto: the EU gateway trust anchor certificate(s), PEM; every entry signature is then verified',
    }),
  })
  .openapi('DccTrustListInput')

const RevocationBody = z
  .object({ content, source: z.string().min(1).max(2048).optional(), maxAge })
  .openapi('DccRevocationsInput')

const imported = {
  200: {
    description: 'unchanged: nothing new logged',
    content: { 'application/json': { schema: Snapshot } },
  },
  201: {
    description: 'a new snapshot, logged',
    content: { 'application/json': { schema: Snapshot } },
  },
  400: problem('DCC_LIST_*: the list or entry refused (field); VALIDATION'),
  409: problem('CONFLICT: the name holds another format, or a concurrent import'),
} as const

export function dccTrustRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const admin = requireRole('admin')

  app.openapi(
    createRoute({
      method: 'get',
      path: '/trust/dcc',
      tags: ['verify'],
      summary:
        'EU DCC / GDHCN trust data for verifiers: the imported DSC lists and revocation lists, each with its hash, ledger index and age, as a JWS (EdDSA) signed with the log key',
      responses: {
        200: {
          description: 'compact JWS; payload JSON format vigil-dcc-trust/v1',
          content: { [TRUST_MATERIAL_MEDIA_TYPE]: { schema: z.string() } },
        },
      },
    }),
    async (c) => {
      const jws = await signedDccTrust(c.get('ctx'))
      c.header('cache-control', 'public, max-age=300')
      return c.body(jws, 200, { 'content-type': TRUST_MATERIAL_MEDIA_TYPE })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/trust/dcc/lists',
      tags: ['verify'],
      summary: 'Every imported DCC trust-list and revocation snapshot (the history), newest first',
      security,
      middleware: [admin] as const,
      responses: {
        200: {
          description: 'the snapshots',
          content: { 'application/json': { schema: z.object({ snapshots: z.array(Snapshot) }) } },
        },
      },
    }),
    async (c) => c.json({ snapshots: await listDccSnapshots(c.get('ctx')) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/trust/dcc/lists/{name}',
      tags: ['verify'],
      summary:
        'Import a DSC trust list (eu-dto, verifier-service, jwks, did): checked, stored, and its SHA-256 logged as a trust-list entry (key id dcc:<name>)',
      security,
      middleware: [admin, jsonBody()] as const,
      request: {
        params: Name,
        body: { required: true, content: { 'application/json': { schema: ListBody } } },
      },
      responses: imported,
    }),
    async (c) => {
      const { content, signingKeys, trustAnchors, ...rest } = c.req.valid('json')
      const view = await importDccList(c.get('ctx'), {
        ...rest,
        ...(trustAnchors === undefined
          ? {}
          : { trustAnchors: trustAnchors.flatMap((pem) => readTrustAnchors(utf8(pem))) }),
        name: c.req.valid('param').name,
        content: utf8(content),
        ...(signingKeys === undefined
          ? {}
          : { signingKeys: signingKeys as Record<string, JsonWebKey> }),
      })
      return c.json(view, view.changed ? 201 : 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/trust/dcc/revocations/{name}',
      tags: ['verify'],
      summary:
        'Import a DCC revocation hash list (vigil-dcc-revocations/v1), logged as a trust-list entry (key id dcc:<name>)',
      security,
      middleware: [admin, jsonBody()] as const,
      request: {
        params: Name,
        body: { required: true, content: { 'application/json': { schema: RevocationBody } } },
      },
      responses: imported,
    }),
    async (c) => {
      const { content, ...rest } = c.req.valid('json')
      const view = await importDccRevocations(c.get('ctx'), {
        ...rest,
        name: c.req.valid('param').name,
        content: utf8(content),
      })
      return c.json(view, view.changed ? 201 : 200)
    },
  )

  return app
}
