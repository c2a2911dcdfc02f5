/**
 * Maps and curves on each engine (issue 22): the sample outlines loaded and served per level
 * (a place left out of the file is listed as missing); the map's counts per district over a
 * range that starts and ends mid-week equal the facts written, its rates are per 100,000 of the
 * population table, and a small district is suppressed with a complementary one, marked as such;
 * the epi curve has every ISO week across 2026-W53 with zeros where nothing happened; year on
 * year lines weeks up by number; refusals carry their codes.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULT_CODES } from '../../../src/core/fhir/index.ts'
import type { EpiCurve, MapResult, YearsResult } from '../../../src/core/stats/index.ts'
import {
  type FactRow,
  ingestFacts,
  loadBoundaries,
  loadRegions,
  readHierarchy,
} from '../../../src/services/surveillance/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const data = (file: string) =>
  readFileSync(new URL(`../../../data/${file}`, import.meta.url), 'utf8')
const POSITIVE = RESULT_CODES.find((r) => r.outcome === 'positive')?.code as string

const positive = (day: string, region: string | null): FactRow => ({
  day,
  region,
  kind: 'test',
  product: '94500-6',
  dose: null,
  ageBand: null,
  result: POSITIVE,
  testType: 'naat',
  reportType: null,
  seriesComplete: false,
})
const many = (n: number, day: string, region: string | null) =>
  Array.from({ length: n }, () => positive(day, region))

/**
 * The map's range, 2026-10-29 (Thursday) to 2026-11-24 (Tuesday): four days before the first
 * whole week, three whole weeks, two days after. Facts on 10-28 and 11-25 lie outside it.
 */
const IN_RANGE: Record<string, [day: string, n: number][]> = {
  'XV-N01': [
    ['2026-10-29', 20],
    ['2026-11-04', 100],
  ],
  'XV-N02': [['2026-11-24', 3]],
  'XV-N03': [['2026-11-10', 40]],
  'XV-C01': [
    ['2026-11-01', 200],
    ['2026-11-16', 300],
  ],
  'XV-C02': [['2026-11-22', 60]],
  'XV-C03': [['2026-11-23', 25]],
  'XV-C04': [['2026-11-12', 30]],
  'XV-S01': [['2026-11-05', 50]],
  'XV-S02': [['2026-11-06', 35]],
  'XV-S03': [['2026-11-18', 70]],
}

function* facts(): Generator<FactRow[]> {
  for (const [region, days] of Object.entries(IN_RANGE))
    for (const [day, n] of days) yield many(n, day, region)
  yield [...many(500, '2026-10-28', 'XV-N01'), ...many(500, '2026-11-25', 'XV-N01')]
  // Epi weeks around the 53-week year 2026: W52 12, W53 14, nothing in 2027-W01, W02 11.
  yield [
    ...many(12, '2026-12-23', 'XV-S03'),
    ...many(14, '2026-12-30', 'XV-S03'),
    ...many(11, '2027-01-13', 'XV-S03'),
  ]
  // Week 10 of 2025 and 2026 for year on year.
  yield [...many(15, '2025-03-05', 'XV-S01'), ...many(25, '2026-03-04', 'XV-S01')]
}

const MAP = 'measure=positives&from=2026-10-29&to=2026-11-24&level=district'

describe.each(ENGINES)('maps and curves on %s', (engine) => {
  let t: TestApp
  let epi = ''
  let admin = ''
  const get = async <T>(path: string, token = epi) => {
    const r = await api(t, token).get(path)
    return { status: r.status, body: (await r.json()) as T & { code?: string; field?: string } }
  }
  const put = (body: string, type = 'application/json') =>
    t.app.request('/api/surveillance/boundaries', {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': type },
      body,
    })

  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, data('regions-xv.csv'))
    await loadBoundaries(t.ctx, data('boundaries-xv.topojson'))
    await ingestFacts(t.ctx, { facts: facts() })
    epi = await tokenFor(t, ['epidemiologist'])
    admin = await tokenFor(t, ['admin'])
  }, 120_000)
  afterAll(() => t?.close())

  it('serves an outline for every place at each level, none missing', async () => {
    for (const [level, n] of [
      ['country', 1],
      ['region', 3],
      ['district', 10],
    ] as const) {
      const { status, body } = await get<{ places: { region: string }[]; missing: unknown[] }>(
        `/api/surveillance/boundaries?level=${level}`,
      )
      expect(status).toBe(200)
      expect(body.places).toHaveLength(n)
      expect(body.missing).toEqual([])
    }
    const north = await get<{ places: { region: string }[] }>(
      '/api/surveillance/boundaries?level=district&region=XV-N',
    )
    expect(north.body.places.map((p) => p.region)).toEqual(['XV-N01', 'XV-N02', 'XV-N03'])
  })

  it('counts each district over the range exactly, with rates per 100,000 of its population', async () => {
    const { status, body } = await get<MapResult>(`/api/surveillance/map?${MAP}`)
    expect(status).toBe(200)
    const places = await readHierarchy(t.ctx)
    const threshold = body.privacy.threshold
    expect(threshold).toBe(10)
    expect(body.places.map((p) => p.region)).toEqual(Object.keys(IN_RANGE).sort())
    for (const p of body.places) {
      if (p.suppressed) continue
      const expected = (IN_RANGE[p.region] ?? []).reduce((n, [, k]) => n + k, 0)
      expect(p.count, p.region).toBe(expected)
      const population = places.population(p.region) as number
      expect(p.population).toBe(population)
      expect(p.rate).toBeCloseTo((expected / population) * 100_000, 2)
    }
    // Harbourside: 20 on the Thursday before the first whole week + 100 inside it; the 500s
    // the day before and the day after the range are not counted.
    expect(body.places.find((p) => p.region === 'XV-N01')?.count).toBe(120)
  })

  it('a small district is suppressed, and another beside it, both marked; the total stays', async () => {
    const { body } = await get<MapResult>(`/api/surveillance/map?${MAP}`)
    const hidden = body.places.filter((p) => p.suppressed)
    // Fjordmark's 3 is under the threshold; one more cell hides it from the published total.
    expect(hidden.map((p) => p.region)).toContain('XV-N02')
    expect(hidden).toHaveLength(2)
    for (const p of hidden) expect([p.count, p.rate]).toEqual([null, null])
    expect(body.privacy.suppressedCells).toBe(1)
    expect(body.privacy.complementaryCells).toBe(1)
    expect(body.total.count).toBe(933)
    const published = body.places.filter((p) => p.count !== null).map((p) => p.count as number)
    expect(published.filter((n) => n > 0 && n < body.privacy.threshold)).toEqual([])
  })

  it('by region, within a region, and with noise that spends the budget', async () => {
    const regions = await get<MapResult>(
      `/api/surveillance/map?${MAP.replace('district', 'region')}`,
    )
    expect(regions.body.places.map((p) => [p.region, p.count])).toEqual([
      ['XV-C', 615],
      ['XV-N', 163],
      ['XV-S', 155],
    ])
    const within = await get<MapResult>(`/api/surveillance/map?${MAP}&region=XV-S`)
    expect(within.body.places.map((p) => p.region)).toEqual(['XV-S01', 'XV-S02', 'XV-S03'])
    expect(within.body.total.count).toBe(155)
    const noisy = await get<MapResult>(`/api/surveillance/map?${MAP}&dp=geometric&epsilon=0.5`)
    expect(noisy.status).toBe(200)
    expect(noisy.body.privacy.dp).toMatchObject({ mechanism: 'geometric', epsilon: 0.5 })
    expect(noisy.body.privacy.budget.spent).toBeCloseTo(0.5, 9)
    // Under noise the rows are fixed in advance, `unknown` included.
    expect(noisy.body.places.at(-1)?.region).toBe('unknown')
  })

  it('the epi curve has every ISO week across 2026-W53, zero where nothing happened', async () => {
    const { status, body } = await get<EpiCurve>(
      '/api/surveillance/epicurve?measure=positives&from=2026-12-21&to=2027-01-17&region=XV-S03',
    )
    expect(status).toBe(200)
    expect(body.name).toBe('Southport')
    expect(body.weeks.map((w) => [w.label, w.start, w.count])).toEqual([
      ['2026-W52', '2026-12-21', 12],
      ['2026-W53', '2026-12-28', 14],
      ['2027-W01', '2027-01-04', 0],
      ['2027-W02', '2027-01-11', 11],
    ])
    const country = await get<EpiCurve>(
      '/api/surveillance/epicurve?measure=positives&from=2026-11-02&to=2026-11-22',
    )
    expect(country.body.name).toBe('Valdoria (fictional)')
    // 2026-W45 … W47; weeks with 1–9 cases in the country would be null, none here.
    expect(country.body.weeks.map((w) => w.count)).toEqual([100 + 50 + 35, 40 + 30, 300 + 60 + 70])
  })

  it('year on year: the same ISO week side by side; week 53 only in 53-week years', async () => {
    const { body } = await get<YearsResult>(
      '/api/surveillance/years?measure=positives&years=1&region=XV-S01',
    )
    expect(body.years.map((y) => [y.year, y.weeks])).toEqual([
      [2026, 53],
      [2025, 52],
    ])
    const [now, before] = body.years as [YearsResult['years'][0], YearsResult['years'][0]]
    expect(now.counts[9]).toBe(25)
    expect(before.counts[9]).toBe(15)
    // Today is Tuesday of 2026-W48: W47 has ended and shows, W48 does not yet.
    expect(now.present.lastIndexOf(true)).toBe(46)
    expect(now.counts.slice(47)).toEqual(Array(6).fill(null))
    // Positives were first recorded in 2025-W10: earlier weeks are no data, not zeros.
    expect(body.since).toBe('2025-03-03')
    expect(before.present.indexOf(true)).toBe(9)
    expect(before.present.filter(Boolean)).toHaveLength(52 - 9)
    expect(before.counts.slice(0, 9)).toEqual(Array(9).fill(null))
    expect(before.present[52]).toBe(false)
    const after = await get<YearsResult>(
      '/api/surveillance/years?measure=positives&years=1&to=2027-01-17&region=XV-S03',
    )
    expect(after.body.years[1]).toMatchObject({ year: 2026, weeks: 53 })
    expect(after.body.years[1]?.counts[52]).toBe(14)
    expect(after.body.years[1]?.present[52]).toBe(true)
  })

  it('refusals carry their codes and fields', async () => {
    const cases: [string, number, string, string][] = [
      [`/api/surveillance/map?${MAP}&region=XV-Q`, 404, 'REGION_UNKNOWN', 'region'],
      [
        '/api/surveillance/map?measure=tests&from=2026-11-05&to=2026-11-01',
        400,
        'RANGE_INVALID',
        'from',
      ],
      [
        '/api/surveillance/map?measure=tests&level=region&region=XV-N01',
        400,
        'RANGE_INVALID',
        'level',
      ],
      ['/api/surveillance/map?measure=coverage', 400, 'VALIDATION', 'query.measure'],
      [
        '/api/surveillance/map?measure=tests&from=2016-01-01&to=2026-11-01',
        400,
        'RANGE_INVALID',
        'to',
      ],
      ['/api/surveillance/epicurve?measure=tests&region=XV-Q', 404, 'REGION_UNKNOWN', 'region'],
      [
        '/api/surveillance/epicurve?measure=tests&from=2026-12-01&to=2026-11-01',
        400,
        'RANGE_INVALID',
        'from',
      ],
      ['/api/surveillance/years?measure=tests&years=9', 400, 'VALIDATION', 'query.years'],
      ['/api/surveillance/map?measure=tests&from=2026-02-30', 400, 'VALIDATION', 'query.from'],
      ['/api/surveillance/epicurve?measure=tests&to=2026-13-01', 400, 'VALIDATION', 'query.to'],
      ['/api/surveillance/boundaries?level=planet', 400, 'VALIDATION', 'query.level'],
    ]
    for (const [path, status, code, field] of cases) {
      const r = await get<object>(path)
      expect([path, r.status, r.body.code, r.body.field]).toEqual([path, status, code, field])
    }
    expect((await get<object>(`/api/surveillance/map?${MAP}`, '')).status).toBe(401)
    expect((await get<object>(`/api/surveillance/map?${MAP}`, admin)).status).toBe(403)
  })

  it('an administrator replaces the outlines; a place left out of the file is listed as missing', async () => {
    const topo = JSON.parse(data('boundaries-xv.topojson'))
    topo.objects.places.geometries = topo.objects.places.geometries.filter(
      (g: { id: string }) => g.id !== 'XV-N01',
    )
    const r = await put(JSON.stringify(topo))
    expect(r.status).toBe(200)
    const report = (await r.json()) as { stored: number; missing: { region: string }[] }
    expect(report.stored).toBe(13)
    expect(report.missing.map((m) => m.region)).toEqual(['XV-N01'])
    const { body } = await get<{ places: unknown[]; missing: unknown[] }>(
      '/api/surveillance/boundaries?level=district',
    )
    expect(body.places).toHaveLength(9)
    expect(body.missing).toEqual([{ region: 'XV-N01', name: 'Harbourside' }])
    expect((await put('code,name\n', 'text/csv')).status).toBe(415)
    const none = await put(JSON.stringify({ type: 'Feature', id: 'XX-1', geometry: null }))
    expect(await none.json()).toMatchObject({ code: 'BOUNDARIES_INVALID', field: 'features' })
    // Refused: nothing changed.
    expect(
      (await get<{ places: unknown[] }>('/api/surveillance/boundaries?level=district')).body.places,
    ).toHaveLength(9)
  })
})
