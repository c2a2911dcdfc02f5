/**
 * Signal alerts (docs/SURVEILLANCE.md "Alerts"), role epidemiologist: scan for alarms and store
 * them, list them, accept or dismiss one; set alarm thresholds per place and measure; record
 * known outbreak periods that leave the baselines. Figures under the suppression threshold are
 * withheld (null) as on the dashboards.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { ALERT_STATES, COUNTS, LEVELS, SIGNAL_METHODS } from '../../core/stats/index.ts'
import {
  addExclusion,
  deleteExclusion,
  deleteThreshold,
  listAlerts,
  listExclusions,
  listThresholds,
  reviewAlert,
  scanAlerts,
  setThreshold,
} from '../../services/surveillance/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { denied, jsonRequest, jsonResponse, problem, security } from '../openapi.ts'

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
const PlaceCode = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a loaded place code such as XV-N')
const Id = z.string().regex(/^[0-9a-f-]{36}$/, 'must be an id as the list gives it')
const Nullable = <T extends z.ZodType>(t: T) => t.nullable()

const Alert = z
  .object({
    id: z.string(),
    measure: z.enum(COUNTS),
    method: z.enum(SIGNAL_METHODS),
    region: z.string(),
    name: z.string(),
    week: z.string().openapi({ description: 'First day (Monday) of the ISO week' }),
    observed: Nullable(z.number()),
    expected: Nullable(z.number()),
    upperBound: Nullable(z.number()),
    pValue: Nullable(z.number()),
    score: Nullable(z.number()),
    alpha: Nullable(z.number()),
    cusumH: Nullable(z.number()),
    state: z.enum(ALERT_STATES),
    raisedAt: z.string(),
    reviewedAt: Nullable(z.string()),
    reviewer: Nullable(z.string()),
    note: Nullable(z.string()),
  })
  .openapi('SignalAlert', {
    description: 'Figures under the suppression threshold are null (withheld)',
  })

const TooShort = z.object({
  code: z.literal('HISTORY_TOO_SHORT'),
  needed: z.number(),
  has: z.number(),
  message: z.string(),
})

const Scan = z
  .object({
    measure: z.enum(COUNTS),
    method: z.enum(SIGNAL_METHODS),
    level: z.enum(LEVELS),
    region: z.string().nullable(),
    weeks: z.array(z.string()),
    tooShort: TooShort.nullable(),
    raised: z.number(),
    updated: z.number(),
    withdrawn: z.number(),
    alerts: z.array(Alert),
    threshold: z.number(),
  })
  .openapi('AlertScan')

const ScanInput = z
  .strictObject({
    measure: z.enum(COUNTS).openapi({ example: 'positives' }),
    method: z.enum(SIGNAL_METHODS).default('farrington'),
    level: z.enum(LEVELS).default('district'),
    region: PlaceCode.optional(),
    weeks: z.number().int().min(1).max(52).default(4),
    to: Day.optional(),
    years: z.number().int().min(1).max(5).optional(),
  })
  .openapi('AlertScanInput')

const Threshold = z
  .object({
    region: z.string(),
    measure: z.enum(COUNTS),
    alpha: z.number().nullable(),
    cusumH: z.number().nullable(),
    minCases: z.number().nullable(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .openapi('AlertThreshold')

const ThresholdInput = z
  .strictObject({
    region: PlaceCode,
    measure: z.enum(COUNTS),
    alpha: z
      .number()
      .nullable()
      .optional()
      .openapi({ description: 'Farrington and EARS, (0, 0.5)' }),
    cusumH: z.number().nullable().optional().openapi({ description: 'CUSUM, (0, 20]' }),
    minCases: z.number().int().nullable().optional().openapi({
      description: 'No alert for fewer cases in the week; at least the suppression threshold',
    }),
  })
  .openapi('AlertThresholdInput')

const Exclusion = z
  .object({
    id: z.string(),
    region: z.string(),
    measure: z.enum(COUNTS).nullable(),
    from: z.string(),
    to: z.string(),
    label: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('OutbreakExclusion')

const ExclusionInput = z
  .strictObject({
    region: PlaceCode,
    measure: z
      .enum(COUNTS)
      .nullable()
      .optional()
      .openapi({ description: 'Default: every measure' }),
    from: Day,
    to: Day,
    label: z.string().min(1).max(120),
  })
  .openapi('OutbreakExclusionInput')

export function alertRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const epidemiologist = requireRole('epidemiologist')
  const tags = ['surveillance']
  const noStore = { 'cache-control': 'no-store' }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/surveillance/alerts/scan',
      tags,
      summary:
        'Run a detector over the last complete weeks of every place at a level and store its alarms as alerts',
      security,
      middleware: [epidemiologist, jsonBody()] as const,
      request: { body: jsonRequest(ScanInput) },
      responses: {
        200: jsonResponse(
          'the alerts of the scanned places and weeks, or why the history is too short',
          Scan,
        ),
        400: problem('VALIDATION, RANGE_INVALID (a place coarser than the level)'),
        404: problem('REGION_UNKNOWN'),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => c.json(await scanAlerts(c.get('ctx'), c.req.valid('json')), 200, noStore),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/surveillance/alerts',
      tags,
      summary: 'Stored alerts, latest week first',
      security,
      middleware: [epidemiologist] as const,
      request: {
        query: z.object({
          state: z.enum(ALERT_STATES).optional(),
          measure: z.enum(COUNTS).optional(),
          method: z.enum(SIGNAL_METHODS).optional(),
          region: PlaceCode.optional().openapi({ description: 'Only places within this one' }),
          from: Day.optional(),
          to: Day.optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        }),
      },
      responses: {
        200: jsonResponse('alerts', z.object({ alerts: z.array(Alert), threshold: z.number() })),
        400: problem('VALIDATION, RANGE_INVALID'),
        404: problem('REGION_UNKNOWN'),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => c.json(await listAlerts(c.get('ctx'), c.req.valid('query')), 200, noStore),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/surveillance/alerts/{id}/review',
      tags,
      summary:
        'Accept or dismiss an alert (who and when are recorded, and the audit trail keeps each review)',
      security,
      middleware: [epidemiologist, jsonBody()] as const,
      request: {
        params: z.object({ id: Id }),
        body: jsonRequest(
          z.strictObject({
            state: z.enum(['accepted', 'dismissed']),
            note: z.string().max(280).optional(),
          }),
        ),
      },
      responses: {
        200: jsonResponse('the alert as reviewed', Alert),
        400: problem('VALIDATION'),
        404: problem('NOT_FOUND'),
        ...denied('epidemiologist'),
      },
    }),
    async (c) =>
      c.json(
        await reviewAlert(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')),
        200,
        noStore,
      ),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/surveillance/alert-thresholds',
      tags,
      summary:
        'Alarm thresholds set per place and measure (a place without one takes its nearest ancestor’s)',
      security,
      middleware: [epidemiologist] as const,
      responses: {
        200: jsonResponse('thresholds', z.object({ thresholds: z.array(Threshold) })),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => c.json({ thresholds: await listThresholds(c.get('ctx')) }, 200, noStore),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/surveillance/alert-thresholds',
      tags,
      summary: 'Set the alarm thresholds of a place and measure',
      security,
      middleware: [epidemiologist, jsonBody()] as const,
      request: { body: jsonRequest(ThresholdInput) },
      responses: {
        200: jsonResponse('the thresholds as set', Threshold),
        400: problem('VALIDATION, RANGE_INVALID (alpha, cusumH, minCases)'),
        404: problem('REGION_UNKNOWN'),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => c.json(await setThreshold(c.get('ctx'), c.req.valid('json')), 200, noStore),
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/surveillance/alert-thresholds/{region}/{measure}',
      tags,
      summary: 'Remove the thresholds of a place and measure',
      security,
      middleware: [epidemiologist] as const,
      request: { params: z.object({ region: PlaceCode, measure: z.enum(COUNTS) }) },
      responses: {
        204: { description: 'removed' },
        404: problem('NOT_FOUND'),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => {
      await deleteThreshold(c.get('ctx'), c.req.valid('param'))
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/surveillance/exclusions',
      tags,
      summary: 'Known outbreak periods left out of the baselines',
      security,
      middleware: [epidemiologist] as const,
      responses: {
        200: jsonResponse('exclusions', z.object({ exclusions: z.array(Exclusion) })),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => c.json({ exclusions: await listExclusions(c.get('ctx')) }, 200, noStore),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/surveillance/exclusions',
      tags,
      summary:
        'Record a known outbreak: its weeks leave the baselines of the place, the places within it and those containing it',
      security,
      middleware: [epidemiologist, jsonBody()] as const,
      request: { body: jsonRequest(ExclusionInput) },
      responses: {
        201: jsonResponse('recorded', Exclusion),
        400: problem('VALIDATION, RANGE_INVALID (from after to)'),
        404: problem('REGION_UNKNOWN'),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => c.json(await addExclusion(c.get('ctx'), c.req.valid('json')), 201, noStore),
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/surveillance/exclusions/{id}',
      tags,
      summary: 'Remove a known outbreak period',
      security,
      middleware: [epidemiologist] as const,
      request: { params: z.object({ id: Id }) },
      responses: {
        204: { description: 'removed' },
        404: problem('NOT_FOUND'),
        ...denied('epidemiologist'),
      },
    }),
    async (c) => {
      await deleteExclusion(c.get('ctx'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

  return app
}
