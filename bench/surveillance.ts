/**
 * `npm run bench:surveillance [-- --facts N] [-- --queries N]`: the dashboards' figures, one JSON
 * line per figure and a table.
 *
 *   1. surveillance.ingest  a synthetic year of facts (surveillance/synthetic, date order) written
 *                           with their rollups on Postgres, in chunks of 20,000: facts per second.
 *   2. surveillance.series  GET /api/surveillance/series for a year-long weekly series by district
 *                           (and by region) with one breakdown (age band), through `app.fetch`
 *                           in process with an epidemiologist's token: p50 and p99 over N
 *                           sequential queries after a warm-up. Targets p50 < 100 ms, p99 < 300 ms
 *                           at 10,000,000 facts. Also with geometric noise (dp, budget raised).
 *   3. surveillance.maps    the dashboard's map and curves (issue 22), same way: the map of
 *                           positives per district over a year and over four weeks (rates per
 *                           100,000, suppressed), the epi curve by ISO week for a year (country
 *                           and one district), this year against the last three, the outlines.
 *                           Target p99 < 100 ms at 10,000,000 facts.
 *   4. surveillance.view    the dashboard's seven charts as one view (POST /api/surveillance/view,
 *                           a year by ISO week, geometric ε 1): a new release each time (exact
 *                           pass, noisy pass, stored with its charge), the same view released
 *                           already (exact pass and a lookup), against the seven charts asked
 *                           one after another with noise (what the page did before views).
 *   5. surveillance.public  GET /api/public/stats: the first request (releases 26 weeks × 5
 *                           measures) and a repeated one.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_FACTS (as --facts; default 10,000,000).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { DEFAULT_BOUNDARIES, DEFAULT_REGIONS } from '../src/entry/commands/demo.ts'
import { createApp } from '../src/http/app.ts'
import { rowsOf } from '../src/platform/db/client.ts'
import { createApiToken } from '../src/services/staff/create-token.ts'
import { loadBoundaries } from '../src/services/surveillance/boundaries.ts'
import { ingestFacts } from '../src/services/surveillance/facts.ts'
import { dayMs, toDay } from '../src/services/surveillance/periods.ts'
import { readHierarchy } from '../src/services/surveillance/regions.ts'
import { loadRegions } from '../src/services/surveillance/regions-csv.ts'
import { syntheticYear } from '../src/services/surveillance/synthetic.ts'
import { percentile } from './append.ts'
import { openBenchDb } from './setup.ts'

const { values } = parseArgs({
  options: { facts: { type: 'string' }, queries: { type: 'string' } },
  strict: true,
})
const FACTS = Number(values.facts ?? process.env.BENCH_FACTS ?? 10_000_000)
const QUERIES = Number(values.queries ?? 200)
if (!(FACTS > 0 && QUERIES > 0)) throw new Error('--facts and --queries must be positive')

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}

async function main() {
  const b = await openBenchDb('postgres')
  try {
    const ctx = {
      ...b.ctx,
      config: {
        ...b.ctx.config,
        surveillance: { ...b.ctx.config.surveillance, dailyEpsilon: 1_000_000 },
      },
    }
    await loadRegions(ctx, readFileSync(DEFAULT_REGIONS, 'utf8'))
    await loadBoundaries(ctx, readFileSync(DEFAULT_BOUNDARIES, 'utf8'))
    const places = await readHierarchy(ctx)
    const today = toDay(Date.now())
    const start = toDay(dayMs(today) - 365 * 86_400_000)
    const end = toDay(dayMs(start) + 364 * 86_400_000)

    log(`ingest: ${FACTS} facts`)
    const t0 = performance.now()
    let lastLog = 0
    const written = await ingestFacts(ctx, {
      facts: syntheticYear({ seed: 1, total: FACTS, start, places }),
      onProgress: (n) => {
        if (n - lastLog >= 1_000_000) {
          lastLog = n
          log(`  ${n} facts, ${Math.round(n / ((performance.now() - t0) / 1000))}/s`)
        }
      },
    })
    const ingestSeconds = (performance.now() - t0) / 1000
    await ctx.db.execute(sql`analyze`)
    const [size] = rowsOf<{ rollups: string; facts: string }>(
      await ctx.db.execute(
        sql`select (select count(*) from surveillance_rollups) as rollups, (select count(*) from facts) as facts`,
      ),
    )
    emit({
      bench: 'surveillance.ingest',
      facts: written,
      rollupRows: Number(size?.rollups),
      seconds: Number(ingestSeconds.toFixed(1)),
      factsPerSec: Math.round(written / ingestSeconds),
    })

    const app = createApp({ ...ctx, version: 'bench', ledger: b.ledger }, { accessLog: false })
    const { token } = await createApiToken(ctx, {
      name: 'bench',
      roles: ['epidemiologist'],
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    const headers = { authorization: `Bearer ${token}` }
    const series = async (label: string, query: string) => {
      const url = `/api/surveillance/series?${query}`
      for (let i = 0; i < 10; i++) await (await app.request(url, { headers })).arrayBuffer()
      const times: number[] = []
      let cells = 0
      let suppressed = 0
      for (let i = 0; i < QUERIES; i++) {
        const q0 = performance.now()
        const res = await app.request(url, { headers })
        const body = (await res.json()) as {
          rows: { counts: unknown[] }[]
          privacy: { suppressedCells: number }
        }
        times.push(performance.now() - q0)
        if (res.status !== 200) throw new Error(`${label}: ${res.status} ${JSON.stringify(body)}`)
        cells = body.rows.reduce((a, r) => a + r.counts.length, 0)
        suppressed = body.privacy.suppressedCells
      }
      times.sort((x, y) => x - y)
      emit({
        bench: 'surveillance.series',
        query: label,
        facts: written,
        queries: QUERIES,
        cells,
        suppressed,
        p50Ms: Number(percentile(times, 50).toFixed(1)),
        p99Ms: Number(percentile(times, 99).toFixed(1)),
        target: 'p50 < 100 ms, p99 < 300 ms',
      })
    }
    const year = `from=${start}&to=${end}&interval=week`
    await series(
      'weekly × district × age band',
      `measure=doses&${year}&level=district&breakdown=age_band`,
    )
    await series(
      'weekly × region × age band',
      `measure=doses&${year}&level=region&breakdown=age_band`,
    )
    await series(
      'weekly positivity × district × test type',
      `measure=positivity&${year}&level=district&breakdown=test_type`,
    )
    await series(
      'weekly coverage × district × age band',
      `measure=coverage&${year}&level=district&breakdown=age_band`,
    )
    await series(
      'weekly × district × age band, geometric ε=1',
      `measure=doses&${year}&level=district&breakdown=age_band&dp=geometric&epsilon=1`,
    )

    // The map and the curves: the same loop, any JSON answer.
    const endpoint = async (label: string, url: string) => {
      for (let i = 0; i < 10; i++) await (await app.request(url, { headers })).arrayBuffer()
      const times: number[] = []
      let bytes = 0
      for (let i = 0; i < QUERIES; i++) {
        const q0 = performance.now()
        const res = await app.request(url, { headers })
        const body = await res.text()
        times.push(performance.now() - q0)
        if (res.status !== 200) throw new Error(`${label}: ${res.status} ${body}`)
        bytes = body.length
      }
      times.sort((x, y) => x - y)
      emit({
        bench: 'surveillance.maps',
        query: label,
        facts: written,
        queries: QUERIES,
        bytes,
        p50Ms: Number(percentile(times, 50).toFixed(1)),
        p99Ms: Number(percentile(times, 99).toFixed(1)),
        target: 'p99 < 100 ms',
      })
    }
    const month = toDay(dayMs(end) - 27 * 86_400_000)
    await endpoint(
      'map: positives per district, a year',
      `/api/surveillance/map?measure=positives&from=${start}&to=${end}&level=district`,
    )
    await endpoint(
      'map: positives per district, 4 weeks',
      `/api/surveillance/map?measure=positives&from=${month}&to=${end}&level=district`,
    )
    await endpoint(
      'epi curve: positives by ISO week, a year, country',
      `/api/surveillance/epicurve?measure=positives&from=${start}&to=${end}`,
    )
    await endpoint(
      'epi curve: positives by ISO week, a year, one district',
      `/api/surveillance/epicurve?measure=positives&from=${start}&to=${end}&region=XV-C01`,
    )
    await endpoint(
      'year on year: positives, this year and 3 before',
      `/api/surveillance/years?measure=positives&years=3&to=${end}`,
    )
    await endpoint('outlines: districts', '/api/surveillance/boundaries?level=district')

    // The dashboard's view: the page's seven charts (web/src/dashboard/main.ts viewOf).
    const viewCharts = [
      {
        id: 'curve',
        kind: 'series',
        measure: 'positives',
        interval: 'week',
        from: start,
        to: end,
        level: 'country',
      },
      {
        id: 'positivity',
        kind: 'series',
        measure: 'positivity',
        interval: 'week',
        from: start,
        to: end,
        level: 'country',
      },
      {
        id: 'coverage',
        kind: 'series',
        measure: 'coverage',
        interval: 'week',
        from: start,
        to: end,
        level: 'region',
      },
      {
        id: 'uploads',
        kind: 'series',
        measure: 'uploads',
        interval: 'week',
        from: start,
        to: end,
        level: 'country',
      },
      { id: 'map', kind: 'map', measure: 'positives', from: start, to: end, level: 'region' },
      { id: 'epiweeks', kind: 'epicurve', measure: 'positives', from: start, to: end },
      { id: 'years', kind: 'years', measure: 'positives', years: 3, to: end },
    ]
    const postView = (epsilon: number) =>
      app.request('/api/surveillance/view', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ dp: 'geometric', epsilon, charts: viewCharts }),
      })
    const timed = async (label: string, n: number, run: (i: number) => Promise<void>) => {
      for (let i = 0; i < 3; i++) await run(-1 - i)
      const times: number[] = []
      for (let i = 0; i < n; i++) {
        const q0 = performance.now()
        await run(i)
        times.push(performance.now() - q0)
      }
      times.sort((x, y) => x - y)
      emit({
        bench: 'surveillance.view',
        query: label,
        facts: written,
        queries: n,
        p50Ms: Number(percentile(times, 50).toFixed(1)),
        p99Ms: Number(percentile(times, 99).toFixed(1)),
      })
    }
    const VIEWS = Math.min(QUERIES, 50)
    await timed('view of 7 charts, a new release each time (ε differs)', VIEWS, async (i) => {
      const res = await postView(1 + (i + 10) * 1e-6)
      const body = (await res.json()) as { privacy?: { charge: number } }
      if (res.status !== 200 || !(body.privacy && body.privacy.charge > 0))
        throw new Error(`view: ${res.status} ${JSON.stringify(body).slice(0, 200)}`)
    })
    await timed('view of 7 charts, released already (free)', VIEWS, async () => {
      const res = await postView(1)
      const body = (await res.json()) as { privacy?: { charge: number } }
      if (res.status !== 200) throw new Error(`view: ${res.status}`)
      if (body.privacy?.charge !== 0 && body.privacy?.charge !== 1) throw new Error('charge')
    })
    const singles = [
      `/api/surveillance/series?measure=positives&${year}&level=country`,
      `/api/surveillance/series?measure=positivity&${year}&level=country`,
      `/api/surveillance/series?measure=coverage&${year}&level=region`,
      `/api/surveillance/series?measure=uploads&${year}&level=country`,
      `/api/surveillance/map?measure=positives&from=${start}&to=${end}&level=region`,
      `/api/surveillance/epicurve?measure=positives&from=${start}&to=${end}`,
      `/api/surveillance/years?measure=positives&years=3&to=${end}`,
    ].map((u) => `${u}&dp=geometric&epsilon=${(1 / 7).toFixed(6)}`)
    await timed('the same 7 charts asked one by one with noise (before views)', VIEWS, async () => {
      for (const url of singles) {
        const res = await app.request(url, { headers })
        await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
      }
    })

    const p0 = performance.now()
    await (await app.request('/api/public/stats')).arrayBuffer()
    const first = performance.now() - p0
    const p1 = performance.now()
    await (await app.request('/api/public/stats')).arrayBuffer()
    emit({
      bench: 'surveillance.public',
      facts: written,
      firstMs: Math.round(first),
      repeatMs: Number((performance.now() - p1).toFixed(1)),
    })

    console.log('\n| figure | value | target |\n|---|---|---|')
    for (const f of figures) {
      if (f.bench === 'surveillance.ingest')
        console.log(
          `| ingest ${f.facts} facts with rollups (${f.rollupRows} rollup rows) | ${f.factsPerSec} facts/s (${f.seconds} s) | — |`,
        )
      else if (f.bench === 'surveillance.maps')
        console.log(
          `| ${f.query} (${f.bytes} bytes) | p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms | ${f.target} |`,
        )
      else if (f.bench === 'surveillance.view')
        console.log(`| ${f.query} | p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms | — |`)
      else if (f.bench === 'surveillance.series')
        console.log(
          `| ${f.query}, year, ${f.cells} cells | p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms | ${f.target} |`,
        )
      else
        console.log(
          `| /api/public/stats first (releases) / repeated | ${f.firstMs} ms / ${f.repeatMs} ms | — |`,
        )
    }
  } finally {
    await b.drop()
  }
}

await main()
