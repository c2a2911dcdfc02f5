/**
 * Dashboards on each engine: issuing and the exposure paths write de-identified facts with their
 * rollups; rollups equal direct counts over the facts; the series API is role-checked, never
 * publishes a count under the threshold nor a hidden cell alone on a line with its total, spends
 * and exhausts the DP budget with its own code; the public statistics are noisy, suppressed,
 * released once, and carry the ledger's exact per-day totals.
 */
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import { RESULT_CODES } from '../../../src/core/fhir/index.ts'
import { dayStart, intervalNumber, tekmac } from '../../../src/core/gaen/index.ts'
import type { Actor } from '../../../src/platform/context/context.ts'
import { rowsOf } from '../../../src/platform/db/client.ts'
import { revokeCredential } from '../../../src/services/credentials/revoke.ts'
import { ingestFacts } from '../../../src/services/surveillance/facts.ts'
import { readHierarchy } from '../../../src/services/surveillance/regions.ts'
import { loadRegions } from '../../../src/services/surveillance/regions-csv.ts'
import { syntheticYear } from '../../../src/services/surveillance/synthetic.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')
const NOW = new Date('2026-11-24T12:00:00Z').getTime()
const YEAR = 'from=2025-11-24&to=2026-11-23&interval=week'
const POSITIVE = RESULT_CODES.filter((r) => r.outcome === 'positive').map((r) => `'${r.code}'`)

type Line = { region?: string; value?: string; counts: (number | null)[] }
interface Series {
  periods: string[]
  rows: Line[]
  totals: { byRegion?: Line[]; byValue: Line[]; all: Line }
  privacy: {
    threshold: number
    suppressedCells: number
    complementaryCells: number
    dp: null | { mechanism: string; epsilon: number }
    budget: { remaining: number }
  }
}

describe.each(ENGINES)('surveillance on %s', (engine) => {
  let t: TestApp
  let epi = ''
  let issuer = ''
  let tracer = ''
  const q = async (query: ReturnType<typeof sql>) =>
    rowsOf<Record<string, unknown>>(await t.ctx.db.execute(query))

  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, REGIONS)
    epi = await tokenFor(t, ['epidemiologist'])
    issuer = await tokenFor(t, ['issuer'])
    tracer = await tokenFor(t, ['tracer'])
  })
  afterAll(() => t?.close())

  it('issuing writes de-identified facts with series completion, test type and rollups', async () => {
    const r1 = await api(t, issuer).post('/api/credentials', {
      type: 'immunization',
      patient: { givenNames: ['Ada'], familyName: 'Bakker', birthDate: '1990' },
      immunizations: [
        { code: '208', date: '2026-03-02' },
        { code: '208', date: '2026-03-30' },
      ],
      region: 'XV-C01',
    })
    expect(r1.status).toBe(201)
    const r2 = await api(t, issuer).post('/api/credentials', {
      type: 'test',
      patient: { givenNames: ['Bram'], familyName: 'Visser', birthDate: '1970-05' },
      test: { code: '94500-6', date: '2026-11-20', result: '260373001' },
      region: 'XV-N01',
    })
    expect(r2.status).toBe(201)
    const rows = await q(
      sql`select day::text as day, region, kind, product, dose, age_band, result, test_type, report_type, series_complete from facts order by id`,
    )
    expect(rows).toEqual([
      expect.objectContaining({
        day: '2026-03-02',
        region: 'XV-C01',
        dose: 1,
        series_complete: false,
        age_band: '30-39',
      }),
      expect.objectContaining({
        day: '2026-03-30',
        region: 'XV-C01',
        dose: 2,
        series_complete: true,
      }),
      expect.objectContaining({
        kind: 'test',
        test_type: 'naat',
        result: '260373001',
        age_band: '50-59',
      }),
    ])
    const [cell] = await q(
      sql`select n from surveillance_rollups where grain = 'week' and measure = 'complete' and dim = '' and period = '2026-03-30' and region = 'XV-C01'`,
    )
    expect(Number(cell?.n)).toBe(1)
    const [pos] = await q(
      sql`select n from surveillance_rollups where grain = 'month' and measure = 'positives' and dim = 'test_type' and value = 'naat' and period = '2026-11-01'`,
    )
    expect(Number(pos?.n)).toBe(1)
    // The revocation shows in the ledger's own totals (below), not in the facts.
    const id = ((await r1.json()) as { id: string }).id
    const actor: Actor = { kind: 'token', id: 'test', name: 'test', roles: ['issuer'] }
    await revokeCredential({ ...t.ctx, actor }, { id, reason: 'test' })
  })

  it('exposure codes, redemptions and uploads write facts with no link to the code', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      t.app.request(
        path,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        },
        { incoming: { socket: { remoteAddress: '192.0.2.9' } } },
      )
    const issued = await post(
      '/api/exposure/codes',
      { testType: 'confirmed', region: 'XV-S01' },
      { authorization: `Bearer ${tracer}` },
    )
    expect(issued.status).toBe(201)
    const { code } = (await issued.json()) as { code: string }
    const bad = await post(
      '/api/exposure/codes',
      { testType: 'confirmed', region: 'south' },
      { authorization: `Bearer ${tracer}` },
    )
    expect(bad.status).toBe(400)
    const v = (await (await post('/api/exposure/verify', { code })).json()) as { token: string }
    const today = dayStart(intervalNumber(NOW / 1000))
    const keys = Array.from({ length: 3 }, (_, i) => ({
      key: toBase64(new Uint8Array(16).fill(40 + i)),
      rollingStartNumber: today - (3 - i) * 144,
      rollingPeriod: 144,
    }))
    const hmacKey = new Uint8Array(32).fill(9)
    const cert = (await (
      await post('/api/exposure/certificate', { token: v.token, ekeyhmac: tekmac(hmacKey, keys) })
    ).json()) as { certificate: string }
    const published = await post('/api/exposure/publish', {
      temporaryExposureKeys: keys,
      healthAuthorityID: 'vigil',
      verificationPayload: cert.certificate,
      hmacKey: toBase64(hmacKey),
    })
    expect(published.status).toBe(200)
    const rows = await q(
      sql`select day::text as day, region, kind, product, dose, age_band, result, test_type, report_type from facts where kind in ('code-issued', 'code-redeemed', 'upload') order by kind`,
    )
    const common = {
      day: '2026-11-24',
      region: 'XV-S01',
      product: '',
      dose: null,
      age_band: null,
      result: null,
      test_type: 'confirmed',
    }
    expect(rows).toEqual([
      { ...common, kind: 'code-issued', report_type: null },
      { ...common, kind: 'code-redeemed', report_type: null },
      { ...common, kind: 'upload', report_type: 'confirmed' },
    ])
    // The facts table has no column that could name a code, a token, a key or a time of day.
    const columns = (
      await q(sql`select column_name from information_schema.columns where table_name = 'facts'`)
    ).map((c) => c.column_name)
    expect(columns.sort()).toEqual(
      [
        'age_band',
        'day',
        'dose',
        'id',
        'kind',
        'product',
        'region',
        'report_type',
        'result',
        'series_complete',
        'test_type',
      ].sort(),
    )
  })

  it('bulk facts: every rollup equals a direct count over the facts', async () => {
    const places = await readHierarchy(t.ctx)
    const written = await ingestFacts(t.ctx, {
      facts: syntheticYear({ seed: 3, total: 20_000, start: '2025-11-24', places }),
      chunk: 3000,
    })
    expect(written).toBeGreaterThan(19_000)
    const compare = async (
      grain: string,
      measure: string,
      dim: string,
      trunc: string,
      where: ReturnType<typeof sql>,
      value: ReturnType<typeof sql>,
    ) => {
      const direct = await q(sql`
        select date_trunc(${trunc}, day)::date::text as period, coalesce(region, '') as region,
          ${value} as value, count(*)::int as n
        from facts where ${where} group by 1, 2, 3`)
      const rolled = await q(sql`
        select period::text as period, region, value, n::int as n from surveillance_rollups
        where grain = ${grain} and measure = ${measure} and dim = ${dim}`)
      const key = (r: Record<string, unknown>) => `${r.period} ${r.region} ${r.value}`
      const a = new Map(direct.map((r) => [key(r), Number(r.n)]))
      const b = new Map(rolled.map((r) => [key(r), Number(r.n)]))
      expect(b.size).toBeGreaterThan(10)
      expect(b).toEqual(a)
    }
    await compare('week', 'doses', 'age_band', 'week', sql`kind = 'dose'`, sql`age_band`)
    await compare('month', 'complete', '', 'month', sql`kind = 'dose' and series_complete`, sql`''`)
    await compare('day', 'tests', 'product', 'day', sql`kind = 'test'`, sql`product`)
    await compare(
      'week',
      'positives',
      'test_type',
      'week',
      sql`kind = 'test' and result in (${sql.raw(POSITIVE.join(','))})`,
      sql`test_type`,
    )
    await compare('week', 'uploads', 'report_type', 'week', sql`kind = 'upload'`, sql`report_type`)
  })

  it('every query path is role-checked', async () => {
    const path = `/api/surveillance/series?measure=doses&${YEAR}`
    expect((await api(t).get(path)).status).toBe(401)
    expect((await api(t, issuer).get(path)).status).toBe(403)
    expect((await api(t, tracer).get('/api/surveillance/regions')).status).toBe(403)
    expect((await api(t).get('/api/surveillance/regions')).status).toBe(401)
    const places = await api(t, epi).get('/api/surveillance/regions')
    expect(places.status).toBe(200)
    const body = (await places.json()) as { places: { code: string; population: number }[] }
    expect(body.places.find((p) => p.code === 'XV')?.population).toBeGreaterThan(3_000_000)
  })

  it('series: no published count under the threshold, no hidden cell alone on a line', async () => {
    const res = await api(t, epi).get(
      `/api/surveillance/series?measure=doses&${YEAR}&level=district&breakdown=age_band`,
    )
    expect(res.status).toBe(200)
    const s = (await res.json()) as Series
    expect(s.periods).toHaveLength(53)
    expect(s.privacy.threshold).toBe(10)
    expect(s.privacy.suppressedCells).toBeGreaterThan(0)
    expect(s.privacy.complementaryCells).toBeGreaterThan(0)
    expect(s.privacy.dp).toBeNull()
    const all = [...s.rows, ...(s.totals.byRegion ?? []), ...s.totals.byValue, s.totals.all]
    for (const line of all)
      for (const n of line.counts) expect(n === null || n === 0 || n >= 10).toBe(true)
    const regions = [...new Set(s.rows.map((r) => r.region))]
    const values = [...new Set(s.rows.map((r) => r.value))]
    const cell = (region: string | undefined, value: string | undefined, p: number) =>
      s.rows.find((r) => r.region === region && r.value === value)?.counts[p] ?? null
    for (let p = 0; p < s.periods.length; p++) {
      // Each line is its cells and its total: one hidden entry alone would be the difference.
      for (const region of regions) {
        const line = [
          ...values.map((v) => cell(region, v, p)),
          s.totals.byRegion?.find((r) => r.region === region)?.counts[p] ?? null,
        ]
        expect(line.filter((x) => x === null).length).not.toBe(1)
        if (!line.includes(null))
          expect(line.slice(0, -1).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(line.at(-1))
      }
      for (const value of values) {
        const line = [
          ...regions.map((r) => cell(r, value, p)),
          s.totals.byValue.find((r) => r.value === value)?.counts[p] ?? null,
        ]
        expect(line.filter((x) => x === null).length).not.toBe(1)
      }
    }
    // A published cell is the exact count (no noise without dp).
    const published = s.rows.find((r) => r.counts.some((n) => n !== null && n >= 10)) as Line
    const p = published.counts.findIndex((n) => n !== null && n >= 10)
    const [direct] = await q(sql`
      select count(*)::int as n from facts where kind = 'dose' and region = ${published.region}
        and age_band = ${published.value} and date_trunc('week', day)::date = ${s.periods[p]}::date`)
    expect(Number(direct?.n)).toBe(published.counts[p])
  })

  it('without a breakdown: one row per place, adding up to the published total', async () => {
    const res = await api(t, epi).get(`/api/surveillance/series?measure=tests&${YEAR}&level=region`)
    const s = (await res.json()) as Series
    expect(s.rows.map((r) => r.region)).toEqual(['XV-C', 'XV-N', 'XV-S'])
    expect(s.rows.every((r) => r.value === undefined)).toBe(true)
    let checked = 0
    for (let p = 0; p < s.periods.length; p++) {
      const cells = s.rows.map((r) => r.counts[p] ?? null)
      const total = s.totals.all.counts[p] ?? null
      expect([...cells, total].filter((x) => x === null).length).not.toBe(1)
      if (total !== null && !cells.includes(null)) {
        expect(cells.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(total)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
  })

  it('bad queries get their own codes, never a 500', async () => {
    const get = async (query: string) => {
      const r = await api(t, epi).get(`/api/surveillance/series?${query}`)
      return { status: r.status, body: (await r.json()) as { code: string; field?: string } }
    }
    expect(await get('measure=bogus')).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION', field: 'query.measure' },
    })
    expect(await get('measure=doses&breakdown=result')).toMatchObject({
      status: 400,
      body: { code: 'BREAKDOWN_UNSUPPORTED', field: 'breakdown' },
    })
    expect(await get('measure=doses&region=XV-Q')).toMatchObject({
      status: 404,
      body: { code: 'REGION_UNKNOWN', field: 'region' },
    })
    expect(await get('measure=doses&from=2026-05-01&to=2026-01-01')).toMatchObject({
      status: 400,
      body: { code: 'RANGE_INVALID', field: 'from' },
    })
    expect(await get('measure=doses&level=region&region=XV-N01')).toMatchObject({
      status: 400,
      body: { code: 'RANGE_INVALID', field: 'level' },
    })
    expect(await get('measure=doses&interval=day&from=2020-01-01&to=2026-01-01')).toMatchObject({
      status: 400,
      body: { code: 'RANGE_INVALID', field: 'to' },
    })
    expect(await get('measure=doses&dp=geometric&epsilon=0')).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION', field: 'query.epsilon' },
    })
  })

  it('differential privacy spends the daily budget and is refused once it is spent', async () => {
    const path = `/api/surveillance/series?measure=tests&${YEAR}&level=region&dp=geometric&epsilon=4`
    const exact = (await (
      await api(t, epi).get(`/api/surveillance/series?measure=tests&${YEAR}&level=region`)
    ).json()) as Series
    const first = await api(t, epi).get(path)
    expect(first.status).toBe(200)
    const noisy = (await first.json()) as Series
    expect(noisy.privacy.dp).toMatchObject({ mechanism: 'geometric', epsilon: 4 })
    expect(noisy.privacy.budget.remaining).toBeCloseTo(6)
    // Noise changed at least one figure; the row set is fixed in advance (with 'unknown').
    expect(JSON.stringify(noisy.totals.all.counts)).not.toBe(
      JSON.stringify(exact.totals.all.counts),
    )
    expect(noisy.rows.map((r) => r.region)).toContain('unknown')
    const second = (await (await api(t, epi).get(path)).json()) as Series
    expect(second.privacy.budget.remaining).toBeCloseTo(2)
    const refused = await api(t, epi).get(path)
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { code: string }).code).toBe('DP_BUDGET_EXHAUSTED')
    expect(Number(refused.headers.get('retry-after'))).toBe(12 * 3600)
    // Nothing was spent by the refusal; a cheaper query still fits; exact queries still work.
    const laplace = await api(t, epi).get(
      path.replace('epsilon=4', 'epsilon=2').replace('geometric', 'laplace'),
    )
    expect(laplace.status).toBe(200)
    expect((await api(t, epi).get(path.replace('&dp=geometric&epsilon=4', ''))).status).toBe(200)
    // Each person has their own budget.
    const other = await tokenFor(t, ['epidemiologist'])
    expect((await api(t, other).get(path)).status).toBe(200)
  })

  it('public statistics: noisy, suppressed, released once, with the ledger totals', async () => {
    const res = await api(t).get('/api/public/stats')
    expect(res.status).toBe(200)
    const s = (await res.json()) as {
      weeks: string[]
      measures: Record<
        string,
        { national: (number | null)[]; regions: Record<string, (number | null)[]> }
      >
      ledger: {
        days: { day: string; issued: number; revoked: number }[]
        total: { issued: number; revoked: number }
      }
      privacy: { mechanism: string; threshold: number; suppressedCells: number }
    }
    expect(s.weeks).toHaveLength(26)
    expect(s.privacy.mechanism).toBe('geometric')
    for (const m of Object.values(s.measures))
      for (const series of [m.national, ...Object.values(m.regions)])
        for (const n of series) expect(n === null || n === 0 || n >= s.privacy.threshold).toBe(true)
    // Not the exact counts: the released national doses differ from the rollups somewhere.
    const truth = await q(sql`
      select period::text as period, sum(n)::int as n from surveillance_rollups
      where grain = 'week' and measure = 'doses' and dim = '' group by period`)
    const exact = new Map(truth.map((r) => [r.period, Number(r.n)]))
    const national = s.measures.doses?.national ?? []
    expect(national.some((n, i) => n !== null && n !== exact.get(s.weeks[i] as string))).toBe(true)
    // Asked again: the same figures (no fresh noise to average away).
    const again = (await (await api(t).get('/api/public/stats')).json()) as typeof s
    expect(again.measures).toEqual(s.measures)
    // The ledger's totals are exact: two credentials issued and one revoked, today.
    expect(s.ledger.total).toEqual({ issued: 2, revoked: 1 })
    expect(s.ledger.days).toEqual([{ day: '2026-11-24', issued: 2, revoked: 1 }])
  })
})
