/**
 * Maps and curves for the dashboard (issue 22; docs/SURVEILLANCE.md "Maps and curves"): the
 * places' outlines, a choropleth's rates per 100,000, the epi curve by ISO week and this year
 * against earlier ones. Role epidemiologist; the boundary upload is an administrator's (as
 * `vigil regions load FILE.topojson`). Figures follow the series' suppression and noise rules.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import {
  COUNTS,
  epiCurve,
  LEVELS,
  loadBoundaries,
  MECHANISMS,
  mapRates,
  readBoundaries,
  yearOnYear,
} from '../../services/surveillance/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { denied, jsonResponse, problem, security } from '../openapi.ts'
import { ProblemError } from '../problem.ts'

// A calendar date (zod checks month lengths and leap years): 2026-02-30 is a 400, not a NaN.
const Day = z.iso.date({ error: 'must be a date, YYYY-MM-DD' })
const PlaceCode = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a loaded place code such as XV-N')
const Noise = {
  dp: z
    .enum(['none', ...MECHANISMS])
    .default('none')
    .openapi({ description: 'Differential privacy: spends `epsilon` from the daily budget' }),
  epsilon: z.coerce.number().gt(0).max(5).optional().openapi({ example: 1 }),
}
const Measure = z.enum(COUNTS).default('positives')

const Position = z.tuple([z.number(), z.number()])
const Geometry = z
  .union([
    z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position)) }),
    z.object({
      type: z.literal('MultiPolygon'),
      coordinates: z.array(z.array(z.array(Position))),
    }),
  ])
  .openapi('AreaGeometry', { description: 'RFC 7946 Polygon or MultiPolygon, WGS 84' })

const Budget = z.object({
  daily: z.number(),
  spent: z.number(),
  remaining: z.number(),
  day: z.string(),
})
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
  .openapi('MapPrivacy')

const Boundaries = z
  .object({
    level: z.enum(LEVELS),
    region: z.string().nullable(),
    places: z.array(z.object({ region: z.string(), name: z.string(), geometry: Geometry })),
    missing: z.array(z.object({ region: z.string(), name: z.string() })),
  })
  .openapi('SurveillanceBoundaries')

const MapPlace = z.object({
  region: z.string(),
  name: z.string(),
  population: z.number().nullable(),
  count: z.number().nullable(),
  rate: z.number().nullable(),
  suppressed: z.boolean(),
})
const MapResult = z
  .object({
    measure: z.enum(COUNTS),
    from: z.string(),
    to: z.string(),
    level: z.enum(LEVELS),
    region: z.string().nullable(),
    per: z.literal(100_000),
    places: z.array(MapPlace),
    total: z.object({
      count: z.number().nullable(),
      rate: z.number().nullable(),
      population: z.number().nullable(),
    }),
    privacy: Privacy,
  })
  .openapi('SurveillanceMap')

const EpiCurve = z
  .object({
    measure: z.enum(COUNTS),
    region: z.string().nullable(),
    name: z.string(),
    from: z.string(),
    to: z.string(),
    weeks: z.array(
      z.object({
        start: z.string(),
        label: z.string(),
        year: z.number(),
        week: z.number(),
        count: z.number().nullable(),
      }),
    ),
    privacy: Privacy,
  })
  .openapi('SurveillanceEpiCurve')

const Years = z
  .object({
    measure: z.enum(COUNTS),
    region: z.string().nullable(),
    name: z.string(),
    to: z.string(),
    since: z.string().nullable(),
    years: z.array(
      z.object({
        year: z.number(),
        weeks: z.number(),
        counts: z.array(z.number().nullable()),
        present: z.array(z.boolean()),
      }),
    ),
    privacy: Privacy,
  })
  .openapi('SurveillanceYears')

const LoadReport = z.object({
  stored: z.number(),
  matched: z.array(
    z.object({ region: z.string(), feature: z.string(), by: z.enum(['code', 'name']) }),
  ),
  unmatched: z.array(z.object({ feature: z.string(), reason: z.string() })),
  missing: z.array(z.object({ region: z.string(), name: z.string(), level: z.enum(LEVELS) })),
})

const ok = <T extends z.ZodType>(description: string, schema: T) => ({
  200: { description, content: { 'application/json': { schema } } },
  400: problem('VALIDATION or RANGE_INVALID (with the field at fault)'),
  404: problem('REGION_UNKNOWN'),
  ...denied('epidemiologist'),
})

export function surveillanceMapRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const epidemiologist = requireRole('epidemiologist')
  const admin = requireRole('admin')
  const route = <P extends string>(path: P, summary: string) => ({
    method: 'get' as const,
    path,
    tags: ['surveillance'],
    summary,
    security,
  })

  app.openapi(
    createRoute({
      ...route('/api/surveillance/boundaries', 'The outlines of the places at one level'),
      middleware: [epidemiologist] as const,
      request: {
        query: z.object({
          level: z.enum(LEVELS).default('district'),
          region: PlaceCode.optional().openapi({ description: 'Only places within this one' }),
        }),
      },
      responses: ok('outlines, and the places the loaded file has none for', Boundaries),
    }),
    async (c) => {
      const result = await readBoundaries(c.get('ctx'), c.req.valid('query'))
      c.header('cache-control', 'private, max-age=300')
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      ...route('/api/surveillance/map', 'A count per place over a range, and its rate per 100,000'),
      middleware: [epidemiologist] as const,
      request: {
        query: z.object({
          measure: Measure,
          from: Day.optional().openapi({ description: 'First day; default 27 days before `to`' }),
          to: Day.optional().openapi({ description: 'Last day; default today (UTC)' }),
          level: z.enum(LEVELS).default('district'),
          region: PlaceCode.optional().openapi({ description: 'Only places within this one' }),
          ...Noise,
        }),
      },
      responses: ok('per place: count and rate, null where suppressed', MapResult),
    }),
    async (c) => {
      const result = await mapRates(c.get('ctx'), c.req.valid('query'))
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      ...route('/api/surveillance/epicurve', 'Counts by ISO week, every week present'),
      middleware: [epidemiologist] as const,
      request: {
        query: z.object({
          measure: Measure,
          from: Day.optional().openapi({ description: 'Its ISO week is the first' }),
          to: Day.optional().openapi({ description: 'Its ISO week is the last; default today' }),
          region: PlaceCode.optional().openapi({ description: 'The area; default the country' }),
          ...Noise,
        }),
      },
      responses: ok('one entry per ISO week, zero-filled, null where suppressed', EpiCurve),
    }),
    async (c) => {
      const result = await epiCurve(c.get('ctx'), c.req.valid('query'))
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      ...route('/api/surveillance/years', 'This ISO week-year against the ones before'),
      middleware: [epidemiologist] as const,
      request: {
        query: z.object({
          measure: Measure,
          years: z.coerce.number().int().min(1).max(5).default(3),
          to: Day.optional().openapi({ description: 'Its ISO week-year is the current one' }),
          region: PlaceCode.optional().openapi({ description: 'The area; default the country' }),
          ...Noise,
        }),
      },
      responses: ok('weeks 1–53 of each year, null where suppressed or not there', Years),
    }),
    async (c) => {
      const result = await yearOnYear(c.get('ctx'), c.req.valid('query'))
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/surveillance/boundaries',
      tags: ['surveillance'],
      summary: 'Replace the outlines with a TopoJSON or GeoJSON file (as `vigil regions load`)',
      security,
      description:
        'The body is the file itself (application/json or application/geo+json). It is read, not validated against a schema here: the service checks every geometry and names the one at fault.',
      middleware: [admin] as const,
      responses: {
        200: jsonResponse('stored, with unmatched features and places without outline', LoadReport),
        400: problem('BOUNDARIES_INVALID (with the field at fault)'),
        415: problem('UNSUPPORTED_MEDIA_TYPE: send application/json or application/geo+json'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
      if (type !== 'application/json' && type !== 'application/geo+json')
        throw new ProblemError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'send application/json or application/geo+json',
          { field: 'content-type' },
        )
      return c.json(await loadBoundaries(c.get('ctx'), await c.req.text()), 200)
    },
  )

  return app
}
