/**
 * @module http/routes/audit
 * The audit trail for admins and auditors: page and filter the events (newest first, keyset
 * cursor), export them as CSV, and list the daily digests committed to the ledger with a check of
 * the chain.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import {
  AUDIT_CSV_COLUMNS,
  auditCsv,
  listAuditDigests,
  listAuditEvents,
  MAX_AUDIT_PAGE,
  verifyAuditDigests,
} from '../../services/staff/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { denied, problem, sessionOrBearer } from '../openapi.ts'
import { filterText } from '../params.ts'

const Event = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.object({ kind: z.string(), id: z.string(), name: z.string() }),
    role: z.string().nullable(),
    action: z.string(),
    targetId: z.string().nullable(),
    requestId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditEvent')
const Digest = z
  .object({
    day: z.string(),
    events: z.number(),
    digest: z
      .string()
      .openapi({ description: 'hex SHA-256, the artefact hash of the ledger entry' }),
    leafIndex: z.number().nullable(),
  })
  .openapi('AuditDigest')
const short = filterText(100)
const Query = z.object({
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({ description: 'the previous page’s next' }),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50),
  action: short.optional().openapi({ example: 'token.create' }),
  actor: short.optional().openapi({ description: 'actor id (person, token or system)' }),
  target: short.optional(),
  requestId: short.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
})

const guarded = {
  tags: ['audit'],
  security: sessionOrBearer,
}

export function auditRoutes() {
  const app = new OpenAPIHono<AppEnv>()

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      middleware: [requireRole('admin', 'auditor')] as const,
      path: '/api/audit',
      summary: 'Audit events, newest first, filtered; page with ?before=<next>',
      request: { query: Query },
      responses: {
        200: {
          description: 'one page',
          content: {
            'application/json': {
              schema: z.object({ events: z.array(Event), next: z.number().nullable() }),
            },
          },
        },
        400: problem('VALIDATION'),
        ...denied('admin or auditor'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const page = await listAuditEvents(c.get('ctx'), {
        before: q.before,
        limit: q.limit,
        action: q.action,
        actorId: q.actor,
        targetId: q.target,
        requestId: q.requestId,
        from: q.from === undefined ? undefined : new Date(q.from),
        to: q.to === undefined ? undefined : new Date(q.to),
      })
      c.header('cache-control', 'no-store')
      return c.json(page, 200)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      middleware: [requireRole('admin', 'auditor')] as const,
      path: '/api/audit.csv',
      summary: 'The audit trail as CSV (RFC 4180), newest first, with the same filters; streamed',
      request: { query: Query.omit({ before: true, limit: true }) },
      responses: {
        200: {
          description: `a header line (${AUDIT_CSV_COLUMNS.join(', ')}), then one record per event; detail is JSON`,
          content: { 'text/csv': { schema: z.string() } },
        },
        400: problem('VALIDATION'),
        ...denied('admin or auditor'),
      },
    }),
    (c) => {
      const q = c.req.valid('query')
      const chunks = auditCsv(c.get('ctx'), {
        action: q.action,
        actorId: q.actor,
        targetId: q.target,
        requestId: q.requestId,
        from: q.from === undefined ? undefined : new Date(q.from),
        to: q.to === undefined ? undefined : new Date(q.to),
      })
      const encoder = new TextEncoder()
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await chunks.next()
          if (next.done) controller.close()
          else controller.enqueue(encoder.encode(next.value))
        },
        async cancel() {
          await chunks.return(undefined)
        },
      })
      c.header('cache-control', 'no-store')
      // `header=present` (RFC 4180 §3): the first line names the columns.
      c.header('content-type', 'text/csv; charset=utf-8; header=present')
      c.header('content-disposition', 'attachment; filename="vigil-audit.csv"')
      return c.body(body, 200)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      middleware: [requireRole('admin', 'auditor')] as const,
      path: '/api/audit/digests',
      summary:
        'Daily digests in the ledger (last 60 days); ?verify=true also recomputes the whole chain',
      request: {
        query: z.object({
          verify: z.enum(['true', 'false']).default('false').openapi({
            description: 'recompute every day from the rows and compare with the ledger',
          }),
        }),
      },
      responses: {
        200: {
          description: 'digests, oldest first',
          content: {
            'application/json': {
              schema: z.object({
                digests: z.array(Digest),
                check: z
                  .object({ days: z.number(), firstMismatch: z.string().nullable() })
                  .nullable(),
              }),
            },
          },
        },
        ...denied('admin or auditor'),
      },
    }),
    async (c) => {
      const ctx = c.get('ctx')
      const digests = await listAuditDigests(ctx)
      const check = c.req.valid('query').verify === 'true' ? await verifyAuditDigests(ctx) : null
      c.header('cache-control', 'no-store')
      return c.json({ digests, check }, 200)
    },
  )
  return app
}
