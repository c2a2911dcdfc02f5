/**
 * Dashboard views (docs/SURVEILLANCE.md "Views"): the page's charts asked in one request, so that
 * with noise one Show is charged once, split between its charts (sequential composition), or
 * nothing when the same view on the same data was released before; and what a view would cost,
 * asked before it runs. Role epidemiologist. A view that does not fit in today's budget is
 * refused whole (429 DP_BUDGET_EXHAUSTED, Retry-After until 00:00 UTC): never half a view.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import {
  BREAKDOWNS,
  COUNTS,
  GRAINS,
  LEVELS,
  MAX_VIEW_EPSILON,
  MEASURES,
  MECHANISMS,
  showView,
  viewCost,
} from '../../services/surveillance/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { denied, jsonRequest, jsonResponse, problem, security } from '../openapi.ts'

const Day = z.iso.date({ error: 'must be a date, YYYY-MM-DD' })
const area = {
  id: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, 'letters, digits and -, at most 32'),
  region: z
    .string()
    .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a loaded place code such as XV-N')
    .optional(),
}
const Chart = z.discriminatedUnion('kind', [
  z.strictObject({
    ...area,
    kind: z.literal('series'),
    measure: z.enum(MEASURES),
    interval: z.enum(GRAINS).default('week'),
    from: Day.optional(),
    to: Day.optional(),
    level: z.enum(LEVELS).default('region'),
    breakdown: z.enum(BREAKDOWNS).optional(),
  }),
  z.strictObject({
    ...area,
    kind: z.literal('map'),
    measure: z.enum(COUNTS),
    from: Day.optional(),
    to: Day.optional(),
    level: z.enum(LEVELS).default('district'),
  }),
  z.strictObject({
    ...area,
    kind: z.literal('epicurve'),
    measure: z.enum(COUNTS),
    from: Day.optional(),
    to: Day.optional(),
  }),
  z.strictObject({
    ...area,
    kind: z.literal('years'),
    measure: z.enum(COUNTS),
    years: z.number().int().min(1).max(5).default(3),
    to: Day.optional(),
  }),
])
const ViewInput = z
  .strictObject({
    dp: z.enum(['none', ...MECHANISMS]).default('none'),
    epsilon: z.number().gt(0).max(MAX_VIEW_EPSILON).optional().openapi({
      description: "The whole view's ε, split equally between its charts (default 1)",
      example: 1,
    }),
    charts: z.array(Chart).min(1).max(12),
  })
  .openapi('SurveillanceViewRequest')

const Budget = z.object({
  daily: z.number(),
  spent: z.number(),
  remaining: z.number(),
  day: z.string(),
})
const costShape = {
  mechanism: z.enum(MECHANISMS).nullable(),
  epsilon: z.number(),
  split: z.array(z.object({ id: z.string(), epsilon: z.number() })),
  composition: z.literal('sequential'),
  released: z.boolean().openapi({
    description: 'The same view on the same data was released before: served again, free',
  }),
  charge: z.number().openapi({ description: 'ε taken from the asker’s budget' }),
  budget: Budget,
  fits: z.boolean(),
}
const Cost = z.object(costShape).openapi('SurveillanceViewCost')
const View = z
  .object({
    charts: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['series', 'map', 'epicurve', 'years']),
        result: z.unknown().openapi({
          description: 'As /series, /map, /epicurve or /years answers for this chart alone',
        }),
      }),
    ),
    privacy: z.object({ ...costShape, releasedAt: z.string().nullable() }),
  })
  .openapi('SurveillanceView')

const refusals = {
  400: problem('VALIDATION, RANGE_INVALID, BREAKDOWN_UNSUPPORTED (with the field at fault)'),
  404: problem('REGION_UNKNOWN'),
  ...denied('epidemiologist'),
}

export function surveillanceViewRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const epidemiologist = requireRole('epidemiologist')

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/surveillance/view/cost',
      tags: ['surveillance'],
      summary: 'What a view would cost now, and what is left of today’s budget (spends nothing)',
      security,
      middleware: [epidemiologist, jsonBody()] as const,
      request: { body: jsonRequest(ViewInput) },
      responses: { 200: jsonResponse('the cost, split and budget', Cost), ...refusals },
    }),
    async (c) => {
      const result = await viewCost(c.get('ctx'), c.req.valid('json'))
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/surveillance/view',
      tags: ['surveillance'],
      summary:
        'Several charts as one view: charged once, split between them, or free when released before',
      security,
      middleware: [epidemiologist, jsonBody()] as const,
      request: { body: jsonRequest(ViewInput) },
      responses: {
        200: jsonResponse('every chart, and what the view cost', View),
        ...refusals,
        429: problem('DP_BUDGET_EXHAUSTED: the view does not fit; nothing was spent'),
      },
    }),
    async (c) => {
      const result = await showView(c.get('ctx'), c.req.valid('json'))
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  return app
}
