/**
 * Dashboards (docs/SURVEILLANCE.md): the epidemiologist's series, outbreak signals and places
 * (role epidemiologist), and the public statistics (no sign-in; always noisy and suppressed). Every
 * series response carries its privacy metadata; an exhausted privacy budget is a 429 with its
 * own code, DP_BUDGET_EXHAUSTED, and a Retry-After until the next UTC day.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import {
  BREAKDOWNS,
  COUNTS,
  detectSignals,
  GRAINS,
  isOpenDataMeasure,
  LEVELS,
  loadRegions,
  MEASURES,
  MECHANISMS,
  openDataIndex,
  openDataset,
  openDataZip,
  publicStats,
  querySeries,
  SIGNAL_METHODS,
  surveillanceCatalogue,
} from '../../services/surveillance/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { denied, jsonResponse, problem, security } from '../openapi.ts'
import { ProblemError } from '../problem.ts'

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
const Cells = z.array(z.number().nullable())
const PlaceCode = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a loaded place code such as XV-N')

const SeriesQuery = z.object({
  measure: z.enum(MEASURES).openapi({ example: 'doses' }),
  interval: z.enum(GRAINS).default('week'),
  from: Day.optional().openapi({ description: 'Default: 52 weeks before `to`' }),
  to: Day.optional().openapi({ description: 'Default: today (UTC)' }),
  level: z.enum(LEVELS).default('region'),
  region: PlaceCode.optional().openapi({ description: 'Only places within this one' }),
  breakdown: z.enum(BREAKDOWNS).optional(),
  dp: z
    .enum(['none', ...MECHANISMS])
    .default('none')
    .openapi({ description: 'Differential privacy: spends `epsilon` from the daily budget' }),
  epsilon: z.coerce.number().gt(0).max(5).optional().openapi({ example: 1 }),
})

const SignalsQuery = z.object({
  measure: z.enum(COUNTS).openapi({ example: 'positives' }),
  method: z.enum(SIGNAL_METHODS).default('farrington').openapi({
    description: 'Farrington flexible (R defaults), Noufaily settings, EARS C1–C3, CUSUM',
  }),
  level: z.enum(LEVELS).default('district'),
  region: PlaceCode.optional().openapi({ description: 'Only places within this one' }),
  weeks: z.coerce.number().int().min(1).max(52).default(4).openapi({
    description: 'Complete weeks to evaluate, the latest last',
  }),
  to: Day.optional().openapi({
    description:
      'The last evaluated week is the last complete ISO week on or before it (default today)',
  }),
  years: z.coerce.number().int().min(1).max(5).optional().openapi({
    description: "Farrington's b: years of reference weeks (default 5)",
  }),
})

const TooShort = z
  .object({
    code: z.literal('HISTORY_TOO_SHORT'),
    needed: z.number(),
    has: z.number(),
    message: z.string(),
  })
  .openapi('HistoryTooShort')

const Signals = z
  .object({
    measure: z.enum(COUNTS),
    method: z.enum(SIGNAL_METHODS),
    level: z.enum(LEVELS),
    region: z.string().nullable(),
    weeks: z.array(z.string()),
    history: z.object({ from: z.string().nullable(), weeks: z.number() }),
    tooShort: TooShort.nullable(),
    places: z.array(
      z.object({
        region: z.string(),
        name: z.string(),
        alarms: z.array(z.string()).openapi({ description: 'First days of weeks with an alarm' }),
      }),
    ),
    threshold: z.number(),
    notes: z.array(z.string()),
  })
  .openapi('SurveillanceSignals')

const Line = z
  .object({
    region: z.string().optional(),
    name: z.string().optional(),
    value: z.string().optional(),
    counts: Cells.openapi({ description: 'One per period; null where suppressed' }),
    denominators: Cells.optional(),
    rates: Cells.optional(),
  })
  .openapi('SurveillanceLine')

const Budget = z
  .object({ daily: z.number(), spent: z.number(), remaining: z.number(), day: z.string() })
  .openapi('PrivacyBudget')

const Privacy = z
  .object({
    threshold: z.number(),
    suppressedCells: z.number(),
    complementaryCells: z.number(),
    dp: z
      .object({
        mechanism: z.enum(MECHANISMS),
        epsilon: z.number(),
        sensitivity: z.number(),
        variance: z.number(),
      })
      .nullable(),
    budget: Budget,
    notes: z.array(z.string()),
  })
  .openapi('PrivacyMetadata')

const Series = z
  .object({
    measure: z.enum(MEASURES),
    interval: z.enum(GRAINS),
    from: z.string(),
    to: z.string(),
    level: z.enum(LEVELS),
    region: z.string().nullable(),
    breakdown: z.enum(BREAKDOWNS).nullable(),
    periods: z.array(z.string()),
    rows: z.array(Line),
    totals: z.object({
      byRegion: z.array(Line).optional(),
      byValue: z.array(Line),
      all: Line,
    }),
    privacy: Privacy,
  })
  .openapi('SurveillanceSeries')

const Places = z
  .object({
    places: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        level: z.enum(LEVELS),
        parent: z.string().nullable(),
        population: z.number().nullable(),
      }),
    ),
    measures: z.array(z.object({ measure: z.enum(MEASURES), breakdowns: z.array(z.string()) })),
    budget: Budget,
  })
  .openapi('SurveillancePlaces')

const PublicSeries = z.object({ national: Cells, regions: z.record(z.string(), Cells) })
const PublicStats = z
  .object({
    generatedAt: z.string(),
    weeks: z.array(z.string()),
    places: z.array(z.object({ code: z.string(), name: z.string() })),
    measures: z.record(z.string(), PublicSeries),
    positivity: PublicSeries,
    ledger: z.object({
      days: z.array(z.object({ day: z.string(), issued: z.number(), revoked: z.number() })),
      total: z.object({ issued: z.number(), revoked: z.number() }),
      entriesCounted: z.number(),
    }),
    privacy: z.object({
      threshold: z.number(),
      mechanism: z.literal('geometric'),
      epsilonPerFigure: z.number(),
      sensitivity: z.record(z.string(), z.number()),
      suppressedCells: z.number(),
      complementaryCells: z.number(),
      notes: z.array(z.string()),
    }),
  })
  .openapi('PublicStats')

export function surveillanceRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const epidemiologist = requireRole('epidemiologist')
  const admin = requireRole('admin')

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/surveillance/series',
      tags: ['surveillance'],
      summary: 'A measure by day, week or month, by place, with one optional breakdown',
      security,
      middleware: [epidemiologist] as const,
      request: { query: SeriesQuery },
      responses: {
        200: {
          description: 'the series, suppressed (and noisy with dp), with its privacy metadata',
          content: { 'application/json': { schema: Series } },
        },
      },
    }),
    async (c) => {
      const result = await querySeries(c.get('ctx'), c.req.valid('query'))
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/surveillance/signals',
      tags: ['surveillance'],
      summary: 'Outbreak signals per place for the last complete weeks (alarms only, no counts)',
      security,
      middleware: [epidemiologist] as const,
      request: { query: SignalsQuery },
      responses: {
        200: {
          description:
            'the weeks with an alarm per place, or why the history is too short (tooShort)',
          content: { 'application/json': { schema: Signals } },
        },
      },
    }),
    async (c) => {
      const result = await detectSignals(c.get('ctx'), c.req.valid('query'))
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/surveillance/regions',
      tags: ['surveillance'],
      summary: 'The place hierarchy with populations, the measures and breakdowns, the budget',
      security,
      middleware: [epidemiologist] as const,
      responses: {
        200: { description: 'places', content: { 'application/json': { schema: Places } } },
      },
    }),
    async (c) => {
      const catalogue = await surveillanceCatalogue(c.get('ctx'))
      c.header('cache-control', 'no-store')
      return c.json(catalogue, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/surveillance/regions',
      tags: ['surveillance'],
      summary:
        'Replace the place hierarchy and populations with a regions CSV (as `vigil regions load`)',
      security,
      middleware: [admin] as const,
      request: {
        body: {
          required: true,
          content: { 'text/csv': { schema: z.string().openapi({ format: 'binary' }) } },
        },
      },
      responses: {
        200: jsonResponse('loaded', z.object({ places: z.number(), districts: z.number() })),
        400: problem('REGIONS_CSV_INVALID (with the field at fault)'),
        415: problem('UNSUPPORTED_MEDIA_TYPE: send text/csv'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
      if (type !== 'text/csv')
        throw new ProblemError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send text/csv', {
          field: 'content-type',
        })
      return c.json(await loadRegions(c.get('ctx'), await c.req.text()), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/public/stats',
      tags: ['surveillance'],
      summary:
        'Public weekly statistics: always noisy and suppressed, with the ledger’s own per-day totals',
      responses: {
        200: {
          description: 'statistics',
          content: { 'application/json': { schema: PublicStats } },
        },
      },
    }),
    async (c) => {
      const stats = await publicStats(c.get('ctx'))
      // Released figures never change; a short cache lets a CDN carry the load.
      c.header('cache-control', 'public, max-age=300')
      return c.json(stats, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/public/data',
      tags: ['surveillance'],
      summary: 'Open data: every public figure as CSV, metadata JSON and zip, at stable URLs',
      responses: {
        200: {
          description: 'the datasets and their URLs',
          content: {
            'application/json': {
              schema: z.object({
                datasets: z.array(
                  z.object({
                    dataset: z.string(),
                    csv: z.string(),
                    json: z.string(),
                    zip: z.string(),
                  }),
                ),
              }),
            },
          },
        },
      },
    }),
    (c) => {
      c.header('cache-control', 'public, max-age=3600')
      return c.json(openDataIndex(), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/public/data/{file}',
      tags: ['surveillance'],
      summary:
        "One public figure's open data: <measure>.csv (as the public page shows it), <measure>.json (definitions, ε, suppression threshold, each week's release time, hash and ledger entry) or <measure>.zip (both)",
      request: {
        params: z.object({
          file: z
            .string()
            .regex(/^[a-z]{1,20}\.(csv|json|zip)$/)
            .openapi({ example: 'positives.csv' }),
        }),
      },
      responses: {
        200: { description: 'text/csv, application/json or application/zip' },
        404: { description: 'not a public figure' },
      },
    }),
    async (c) => {
      const file = c.req.valid('param').file
      const [measure = '', ext] = file.split('.')
      if (!isOpenDataMeasure(measure)) {
        throw new ProblemError(404, 'NOT_FOUND', `${measure} is not a public figure`, {
          field: 'file',
        })
      }
      const dataset = await openDataset(c.get('ctx'), measure)
      c.header('cache-control', 'public, max-age=300')
      if (ext === 'csv') {
        c.header('content-disposition', `attachment; filename="vigil-${measure}.csv"`)
        return c.body(dataset.csv as never, 200, { 'content-type': 'text/csv; charset=utf-8' })
      }
      if (ext === 'json') {
        return c.body(dataset.metadata as never, 200, { 'content-type': 'application/json' })
      }
      c.header('content-disposition', `attachment; filename="vigil-${measure}.zip"`)
      return c.body(openDataZip(measure, dataset) as never, 200, {
        'content-type': 'application/zip',
      })
    },
  )

  return app
}
