/**
 * Dashboard views on each engine (issue 22, "a privacy budget a person can work with"): the
 * dashboard's seven charts asked as one view are charged once, split equally (each chart's ε is
 * its share); the same view on unchanged data is served again, identical, charged nothing, to
 * anyone, and for 15 minutes after it was drawn whatever arrived since; after that a new fact
 * (anywhere: the data's version, not the view's cells) makes a new release, charged; the cost
 * is said before, spending nothing; a view that does not fit is refused whole with
 * DP_BUDGET_EXHAUSTED and nothing is spent or stored; two identical views at once are charged
 * once; bad views are refused with their codes before anything is spent.
 */
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULT_CODES } from '../../../src/core/fhir/index.ts'
import {
  PRIVACY_NOTES,
  type ViewChart,
  type ViewCost,
  type ViewResult,
} from '../../../src/core/stats/index.ts'
import { rowsOf } from '../../../src/platform/db/client.ts'
import { type FactRow, ingestFacts, loadRegions } from '../../../src/services/surveillance/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')
const POSITIVE = RESULT_CODES.find((r) => r.outcome === 'positive')?.code as string
const DISTRICTS = ['XV-N01', 'XV-N02', 'XV-C01', 'XV-C02', 'XV-S01', 'XV-S02']

const test = (day: string, region: string, positive: boolean): FactRow => ({
  day,
  region,
  kind: 'test',
  product: '94500-6',
  dose: null,
  ageBand: '30-39',
  result: positive ? POSITIVE : '260385009',
  testType: 'naat',
  reportType: null,
  seriesComplete: false,
})

/** Twelve weeks of tests in six districts, a third positive. */
function* facts(): Generator<FactRow[]> {
  for (let w = 0; w < 12; w++) {
    const day = new Date(Date.UTC(2026, 8, 2 + 7 * w)).toISOString().slice(0, 10)
    yield DISTRICTS.flatMap((region, i) =>
      Array.from({ length: 30 + 5 * i + w }, (_, k) => test(day, region, k % 3 === 0)),
    )
  }
}

const FROM = '2026-09-01'
const TO = '2026-11-22'
/** The page's seven charts (web/src/dashboard/main.ts viewOf). */
const CHARTS: ViewChart[] = [
  {
    id: 'curve',
    kind: 'series',
    measure: 'positives',
    interval: 'week',
    from: FROM,
    to: TO,
    level: 'country',
  },
  {
    id: 'positivity',
    kind: 'series',
    measure: 'positivity',
    interval: 'week',
    from: FROM,
    to: TO,
    level: 'country',
  },
  {
    id: 'coverage',
    kind: 'series',
    measure: 'coverage',
    interval: 'week',
    from: FROM,
    to: TO,
    level: 'region',
  },
  {
    id: 'uploads',
    kind: 'series',
    measure: 'uploads',
    interval: 'week',
    from: FROM,
    to: TO,
    level: 'country',
  },
  { id: 'map', kind: 'map', measure: 'positives', from: FROM, to: TO, level: 'region' },
  { id: 'epiweeks', kind: 'epicurve', measure: 'positives', from: FROM, to: TO },
  { id: 'years', kind: 'years', measure: 'positives', years: 3, to: TO },
]
const VIEW = { dp: 'geometric', epsilon: 1, charts: CHARTS } as const

/** The charts without what differs between askers (their budget) and the release note. */
const figures = (v: ViewResult) =>
  v.charts.map((c) => {
    const { budget: _b, notes, ...privacy } = c.result.privacy
    return {
      ...c,
      result: {
        ...c.result,
        privacy: { ...privacy, notes: notes.filter((n) => n !== PRIVACY_NOTES.released) },
      },
    }
  })

describe.each(ENGINES)('dashboard views on %s', (engine) => {
  let t: TestApp
  let epi = ''
  const post = async <T>(path: string, body: unknown, token = epi) => {
    const r = await api(t, token).post(path, body)
    return {
      status: r.status,
      retryAfter: r.headers.get('retry-after'),
      body: (await r.json()) as T & { code?: string; field?: string },
    }
  }
  const view = (body: unknown = VIEW, token = epi) =>
    post<ViewResult>('/api/surveillance/view', body, token)
  const cost = (body: unknown = VIEW, token = epi) =>
    post<ViewCost>('/api/surveillance/view/cost', body, token)
  const spent = async (token = epi) =>
    (await cost({ dp: 'none', charts: [CHARTS[0]] }, token)).body.budget.spent
  const releases = async () =>
    Number(
      rowsOf<{ n: number | string }>(
        await t.ctx.db.execute(sql`select count(*) as n from dp_view_releases`),
      )[0]?.n,
    )

  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, REGIONS)
    await ingestFacts(t.ctx, { facts: facts() })
    epi = await tokenFor(t, ['epidemiologist'])
  }, 120_000)
  afterAll(() => t?.close())

  it('the cost is said before: ε 1 split over 7 charts, fits, and asking spends nothing', async () => {
    const { status, body } = await cost()
    expect(status).toBe(200)
    expect(body).toMatchObject({
      mechanism: 'geometric',
      epsilon: 1,
      composition: 'sequential',
      released: false,
      charge: 1,
      fits: true,
      budget: { daily: 10, spent: 0, remaining: 10 },
    })
    expect(body.split).toEqual(CHARTS.map((c) => ({ id: c.id, epsilon: 1 / 7 })))
    expect(await spent()).toBe(0)
  })

  it('one view of seven charts is charged once, each chart noised with its share', async () => {
    const { status, body } = await view()
    expect(status).toBe(200)
    expect(body.privacy).toMatchObject({ charge: 1, released: false, budget: { spent: 1 } })
    expect(body.privacy.releasedAt).toBe('2026-11-24T12:00:00.000Z')
    expect(body.charts.map((c) => [c.id, c.kind])).toEqual(CHARTS.map((c) => [c.id, c.kind]))
    for (const c of body.charts) {
      expect(c.result.privacy.dp?.epsilon, c.id).toBeCloseTo(1 / 7, 12)
      expect(c.result.privacy.budget.spent).toBe(1)
      expect(c.result.privacy.notes).toContain(PRIVACY_NOTES.view)
    }
    expect(await spent()).toBe(1)
    expect(await releases()).toBe(1)
    // Positives and tests each carry noise; the share shown is still a share (at most 1).
    const positivity = body.charts.find((c) => c.id === 'positivity')
    if (positivity?.kind !== 'series') throw new Error('no positivity chart')
    const { rows, totals } = positivity.result
    const rates = [...rows, totals.all].flatMap((l) => l.rates ?? [])
    expect(rates.some((r) => r !== null)).toBe(true)
    for (const r of rates) if (r !== null) expect(r).toBeLessThanOrEqual(1)
  })

  it('the same view again on unchanged data: the same figures, charged nothing (the cost said so)', async () => {
    const first = await view()
    expect((await cost()).body).toMatchObject({ released: true, charge: 0, fits: true })
    const again = await view()
    expect(again.body.privacy).toMatchObject({ charge: 0, released: true, budget: { spent: 1 } })
    expect(again.body.privacy.releasedAt).toBe(first.body.privacy.releasedAt)
    expect(figures(again.body)).toEqual(figures(first.body))
    for (const c of again.body.charts)
      expect(c.result.privacy.notes).toContain(PRIVACY_NOTES.released)
    expect(await spent()).toBe(1)
    // Key order in the request does not make another view.
    const reordered = await view({ charts: CHARTS, epsilon: 1, dp: 'geometric' })
    expect(reordered.body.privacy.charge).toBe(0)
  })

  it('someone else asking the same view gets the same release, free', async () => {
    const other = await tokenFor(t, ['epidemiologist'])
    const mine = await view()
    const theirs = await view(VIEW, other)
    expect(theirs.body.privacy).toMatchObject({ charge: 0, released: true, budget: { spent: 0 } })
    expect(figures(theirs.body)).toEqual(figures(mine.body))
  })

  it('a new fact: the release is served for 15 minutes, then the next Show is a new one, charged', async () => {
    // Whether a release is served is free to learn: it follows the clock and the whole data's
    // version, never the view's own cells, or it would tell that one small cell changed.
    const clock = t.ctx.clock as { now: () => Date }
    const noon = clock.now
    try {
      const before = await view()
      expect(before.body.privacy.charge).toBe(0)
      await ingestFacts(t.ctx, { facts: [[test('2026-12-02', 'XV-N01', true)]] })
      clock.now = () => new Date('2026-11-24T12:14:00Z')
      expect((await cost()).body).toMatchObject({ released: true, charge: 0 })
      expect(figures((await view()).body)).toEqual(figures(before.body))
      clock.now = () => new Date('2026-11-24T12:16:00Z')
      expect((await cost()).body).toMatchObject({ released: false, charge: 1 })
      const after = await view()
      expect(after.body.privacy).toMatchObject({ charge: 1, released: false, budget: { spent: 2 } })
      expect(after.body.privacy.releasedAt).toBe('2026-11-24T12:16:00.000Z')
      expect(figures(after.body)).not.toEqual(figures(before.body))
      // Served again on unchanged data, however long after.
      clock.now = () => new Date('2026-11-24T18:00:00Z')
      expect((await view()).body.privacy).toMatchObject({ charge: 0, released: true })
      expect(await releases()).toBe(2)
    } finally {
      clock.now = noon
    }
  })

  it('a view that does not fit is refused whole: 429, nothing spent, nothing stored', async () => {
    const poor = await tokenFor(t, ['epidemiologist'])
    // 9.5 of 10 spent on other views (each a new release: a new ε).
    for (const epsilon of [5, 4.5])
      expect((await view({ ...VIEW, epsilon, charts: CHARTS.slice(0, 4) }, poor)).status).toBe(200)
    expect(await spent(poor)).toBeCloseTo(9.5, 9)
    const stored = await releases()
    const fresh = { ...VIEW, epsilon: 0.75 }
    expect((await cost(fresh, poor)).body).toMatchObject({ charge: 0.75, fits: false })
    const refused = await view(fresh, poor)
    expect(refused.status).toBe(429)
    expect(refused.body.code).toBe('DP_BUDGET_EXHAUSTED')
    expect(Number(refused.retryAfter)).toBe(12 * 3600)
    expect(await spent(poor)).toBeCloseTo(9.5, 9)
    expect(await releases()).toBe(stored)
    // A released view still costs nothing, whatever is left; a small one still fits.
    expect((await view(VIEW, poor)).body.privacy.charge).toBe(0)
    expect((await view({ ...VIEW, epsilon: 0.5 }, poor)).status).toBe(200)
    expect(await spent(poor)).toBeCloseTo(10, 9)
  })

  it("a day's normal work fits the defaults: ten different views at the view's default ε, each seen again free; an eleventh waits for tomorrow, exact views do not", async () => {
    const worker = await tokenFor(t, ['epidemiologist'])
    expect((await cost(VIEW, worker)).body.budget).toMatchObject({ daily: 10, remaining: 10 })
    // Ten views a morning might ask: the dates moved a day at a time (no epsilon: the default).
    const day = (k: number) => `2026-09-${String(3 + k).padStart(2, '0')}`
    const viewOn = (k: number) => ({
      dp: 'geometric',
      charts: CHARTS.map((c) => ('from' in c ? { ...c, from: day(k) } : c)),
    })
    for (let k = 0; k < 10; k++) {
      const first = await view(viewOn(k), worker)
      expect(first.status, `view ${k + 1}`).toBe(200)
      expect(first.body.privacy).toMatchObject({ epsilon: 1, charge: 1, released: false })
      const again = await view(viewOn(k), worker)
      expect(again.body.privacy).toMatchObject({ charge: 0, released: true })
    }
    expect(await spent(worker)).toBe(10)
    const eleventh = await view(viewOn(10), worker)
    expect(eleventh.status).toBe(429)
    expect(eleventh.body.code).toBe('DP_BUDGET_EXHAUSTED')
    expect(await spent(worker)).toBe(10)
    const exact = await view({ dp: 'none', charts: CHARTS }, worker)
    expect(exact.status).toBe(200)
    expect(exact.body.privacy.charge).toBe(0)
  })

  it('two identical new views at once are charged once and show the same figures', async () => {
    const body = { ...VIEW, epsilon: 0.7 }
    const [a, b] = await Promise.all([view(body), view(body)])
    expect([a.status, b.status]).toEqual([200, 200])
    expect(a.body.privacy.charge + b.body.privacy.charge).toBeCloseTo(0.7, 12)
    expect(figures(a.body)).toEqual(figures(b.body))
  })

  it('a view without an end date ends today (by the test clock), and is served again that day', async () => {
    const undated = { ...VIEW, epsilon: 0.3, charts: CHARTS.map(({ to: _to, ...c }) => c) }
    const first = await view(undated)
    expect(first.body.privacy.charge).toBeCloseTo(0.3, 12)
    expect((await view(undated)).body.privacy.charge).toBe(0)
    const curve = first.body.charts[0]?.result as { to: string }
    expect(curve.to).toBe('2026-11-24')
  })

  it('without noise: nothing charged, nothing stored, exact figures', async () => {
    const stored = await releases()
    const before = await spent()
    const { status, body } = await view({ dp: 'none', charts: CHARTS })
    expect(status).toBe(200)
    expect(body.privacy).toMatchObject({ mechanism: null, epsilon: 0, charge: 0 })
    for (const c of body.charts) expect(c.result.privacy.dp).toBeNull()
    expect(await spent()).toBe(before)
    expect(await releases()).toBe(stored)
  })

  it('bad views are refused with their codes before anything is spent', async () => {
    const before = await spent()
    const cases: [unknown, number, string, string | undefined][] = [
      [
        {
          ...VIEW,
          charts: [...CHARTS, { ...CHARTS[0], region: 'XV-Q' }].map((c, i) => ({
            ...c,
            id: `c${i}`,
          })),
        },
        404,
        'REGION_UNKNOWN',
        'region',
      ],
      [{ ...VIEW, charts: [CHARTS[0], CHARTS[0]] }, 400, 'VALIDATION', 'charts[1].id'],
      [{ ...VIEW, epsilon: 11 }, 400, 'VALIDATION', 'body.epsilon'],
      [
        { ...VIEW, charts: [{ ...CHARTS[0], breakdown: 'report_type' }] },
        400,
        'BREAKDOWN_UNSUPPORTED',
        'breakdown',
      ],
      [{ ...VIEW, charts: [] }, 400, 'VALIDATION', 'body.charts'],
    ]
    for (const [body, status, code, field] of cases) {
      const r = await view(body)
      expect([r.status, r.body.code, r.body.field], JSON.stringify(body).slice(0, 80)).toEqual([
        status,
        code,
        field,
      ])
    }
    expect(await spent()).toBe(before)
    const issuer = await tokenFor(t, ['issuer'])
    expect((await view(VIEW, issuer)).status).toBe(403)
  })
})
