/**
 * Issuing, reading, revoking, correcting and erasing credentials (role `issuer`, by passkey
 * session or API token). Thin: parse → one service call → respond.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { toHex } from '../../core/codec/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import {
  CredentialInput,
  eraseCredentialPersonalData,
  findCredentials,
  getCredential,
  issueBatchText,
  issueCredential,
  LIST_FILTERS,
  listCredentials,
  MAX_LIST,
  reissueCredential,
  renderCredential,
  revokeCredential,
} from '../../services/credentials/index.ts'
import { passportUrl } from '../../services/trust/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { security } from '../openapi.ts'
import { canonicalUuid } from '../params.ts'
import { ProblemError } from '../problem.ts'

const Id = z.object({ id: canonicalUuid() })
const Issued = z
  .object({
    id: z.string(),
    kind: z.enum(['immunization', 'test']),
    jws: z.string(),
    qr: z.string().openapi({ description: 'shc:/ numeric QR text' }),
    leafIndex: z.string(),
    receipt: z
      .string()
      .openapi({ description: 'c2sp.org/tlog-proof@v1 receipt of the ledger entry' }),
    links: z.record(z.string(), z.string()),
  })
  .openapi('IssuedCredential')

/**
 * Staff links (role issuer) and the citizen's own page: a capability link to hand over. Only for
 * a credential just issued (no lookup).
 */
async function links(ctx: ServiceContext, id: string) {
  const at = `${ctx.config.publicUrl}/api/credentials/${id}`
  return {
    self: at,
    svg: `${at}/qr.svg`,
    png: `${at}/qr.png`,
    file: `${at}/card.smart-health-card`,
    print: `${at}/passport`,
    passport: await passportUrl(ctx, id),
  }
}

export function credentialRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const issuer = requireRole('issuer')

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/credentials',
      tags: ['credentials'],
      summary: 'Issue a vaccination or test credential (SMART Health Card anchored in the ledger)',
      security,
      middleware: [issuer, jsonBody()] as const,
      request: {
        body: { required: true, content: { 'application/json': { schema: CredentialInput } } },
      },
      responses: {
        201: {
          description: 'issued and in a signed checkpoint',
          content: { 'application/json': { schema: Issued } },
        },
      },
    }),
    async (c) => {
      const ctx = c.get('ctx')
      const issued = await issueCredential(ctx, c.req.valid('json'))
      c.header('cache-control', 'no-store')
      return c.json(
        { ...issued, leafIndex: String(issued.leafIndex), links: await links(ctx, issued.id) },
        201,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/credentials',
      tags: ['credentials'],
      summary:
        'Recent credentials, newest first, with their state and subject (keyset pages), optionally one state',
      security,
      middleware: [issuer] as const,
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(MAX_LIST).optional(),
          before: canonicalUuid().optional().openapi({ description: "the previous page's next" }),
          state: z.enum(LIST_FILTERS).optional().openapi({
            description: 'only this state; `erased`: the rows whose personal data was erased',
          }),
        }),
      },
      responses: { 200: { description: '{ items, next }' } },
    }),
    async (c) => {
      const { limit, before, state } = c.req.valid('query')
      c.header('cache-control', 'private, no-store')
      return c.json(
        await listCredentials(c.get('ctx'), {
          ...(limit === undefined ? {} : { limit }),
          ...(before === undefined ? {} : { before }),
          ...(state === undefined ? {} : { state }),
        }),
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/credentials/search',
      tags: ['credentials'],
      summary:
        'Find credentials by id, or by name and birth date (matched by a keyed hash, docs/PRIVACY.md)',
      security,
      middleware: [issuer, jsonBody()] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              // POST, so names never travel in a URL (history, proxies, logs).
              schema: z.union([
                z.strictObject({ id: canonicalUuid() }),
                z.strictObject({
                  givenNames: z.array(z.string().min(1).max(100)).min(1).max(10),
                  familyName: z.string().min(1).max(100),
                  birthDate: z
                    .string()
                    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD'),
                }),
              ]),
            },
          },
        },
      },
      responses: { 200: { description: '{ items }' } },
    }),
    async (c) => {
      c.header('cache-control', 'private, no-store')
      return c.json({ items: await findCredentials(c.get('ctx'), c.req.valid('json')) }, 200)
    },
  )

  app.post('/api/credentials/batch', issuer, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/x-ndjson' && type !== 'text/csv') {
      throw new ProblemError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'send application/x-ndjson or text/csv',
        {
          field: 'content-type',
        },
      )
    }
    const report = await issueBatchText(c.get('ctx'), {
      text: await c.req.text(),
      type,
      source: c.req.query('source') ?? 'api',
    })
    return c.json(report, 200)
  })
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/credentials/batch',
    tags: ['credentials'],
    summary: 'Bulk issue from NDJSON (one issuing request per line) or CSV; idempotent by row key',
    security,
    responses: {
      200: { description: 'a report per row: issued, existing or error (with code and field)' },
    },
  })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/credentials/{id}',
      tags: ['credentials'],
      summary: 'Status of a credential (no personal data)',
      security,
      middleware: [issuer] as const,
      request: { params: Id },
      responses: { 200: { description: 'status' } },
    }),
    async (c) => {
      const row = await getCredential(c.get('ctx'), c.req.valid('param').id)
      return c.json(
        {
          ...row,
          jwsHash: toHex(row.jwsHash),
          leafIndex: String(row.leafIndex),
          revocationLeafIndex:
            row.revocationLeafIndex === null ? null : String(row.revocationLeafIndex),
        },
        200,
      )
    },
  )

  const renders = [
    ['qr.svg', 'image/svg+xml', 'the QR code as SVG'],
    ['qr.png', 'image/png', 'the QR code as PNG'],
    ['card.smart-health-card', 'application/smart-health-card', 'the .smart-health-card file'],
    ['passport', 'text/html; charset=utf-8', 'a printable passport page'],
  ] as const
  for (const [name, type, summary] of renders) {
    app.openapi(
      createRoute({
        method: 'get',
        path: `/api/credentials/{id}/${name}`,
        tags: ['credentials'],
        summary,
        security,
        middleware: [issuer] as const,
        request: { params: Id },
        responses: { 200: { description: summary }, 410: { description: 'personal data erased' } },
      }),
      async (c) => {
        const body = await renderCredential(c.get('ctx'), {
          id: c.req.valid('param').id,
          rendering: name,
        })
        c.header('cache-control', 'private, no-store')
        if (name === 'card.smart-health-card')
          c.header('content-disposition', 'attachment; filename="vigil.smart-health-card"')
        return c.body(body as never, 200, { 'content-type': type })
      },
    )
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/credentials/{id}/revoke',
      tags: ['credentials'],
      summary: 'Revoke: the rid joins the CRL and a revocation entry goes into the ledger',
      security,
      middleware: [issuer, jsonBody()] as const,
      request: {
        params: Id,
        body: {
          required: true,
          content: {
            'application/json': { schema: z.object({ reason: z.string().min(1).max(500) }) },
          },
        },
      },
      responses: { 200: { description: 'revoked' } },
    }),
    async (c) => {
      const r = await revokeCredential(c.get('ctx'), {
        id: c.req.valid('param').id,
        reason: c.req.valid('json').reason,
      })
      return c.json({ ...r, leafIndex: String(r.leafIndex) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/credentials/{id}/reissue',
      tags: ['credentials'],
      summary:
        'Correct: issue a new credential from corrected input and revoke the old one, linked',
      security,
      middleware: [issuer, jsonBody()] as const,
      request: {
        params: Id,
        body: { required: true, content: { 'application/json': { schema: CredentialInput } } },
      },
      responses: {
        201: {
          description: 'the corrected credential',
          content: { 'application/json': { schema: Issued } },
        },
      },
    }),
    async (c) => {
      const ctx = c.get('ctx')
      const issued = await reissueCredential(ctx, {
        id: c.req.valid('param').id,
        input: c.req.valid('json'),
      })
      return c.json(
        { ...issued, leafIndex: String(issued.leafIndex), links: await links(ctx, issued.id) },
        201,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/credentials/{id}/personal-data',
      tags: ['credentials'],
      summary: 'Erase the sealed personal data (the ledger commitment stays, unlinkable)',
      security,
      middleware: [issuer] as const,
      request: { params: Id },
      responses: { 204: { description: 'erased' } },
    }),
    async (c) => {
      await eraseCredentialPersonalData(c.get('ctx'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  return app
}
