/**
 * @module surveillance/public
 * Public statistics (`/api/public/stats`, no sign-in): weekly counts by region and for the
 * country, always differentially private (geometric noise, ε per figure from the configuration)
 * and suppressed with complementary cells, plus the ledger's own per-day totals.
 *
 * Each (measure, week) is released once, for a week that has ended, and stored: a repeated
 * request reads the same figures, so nobody can average the noise away by asking again. The
 * release row is inserted first and its cells only by the transaction that inserted it, so two
 * instances racing on a week cannot mix two draws.
 */
import { and, eq, gte, inArray, lt } from 'drizzle-orm'
import type { ServiceContext } from '../context.ts'
import type { CountMeasure, PublicStats } from '../core/stats/index.ts'
import { publicReleaseCells, publicReleases, surveillanceRollups } from '../db/schema/index.ts'
import { noisyCount, uniform } from './dp.ts'
import { ledgerTotals } from './ledger-totals.ts'
import { SENSITIVITY } from './measures.ts'
import { dayMs, periodStart, toDay } from './periods.ts'
import { type Hierarchy, readHierarchy } from './regions.ts'
import { suppressTable } from './suppress.ts'

export const PUBLIC_MEASURES = ['doses', 'complete', 'tests', 'positives', 'uploads'] as const
export const PUBLIC_WEEKS = 26
const LEDGER_DAYS = 90
const NATIONAL = ''
const UNKNOWN = 'unknown'

type Series = (number | null)[]

/** The places shown: regions (level 1) when loaded, else countries; plus facts not placed. */
function publicPlaces(h: Hierarchy) {
  const regions = h.at('region')
  return regions.length > 0 ? regions : h.at('country')
}

async function release(
  ctx: ServiceContext,
  h: Hierarchy,
  measure: CountMeasure,
  week: string,
): Promise<void> {
  const places = publicPlaces(h)
  const level = places[0]?.level ?? 'region'
  const rows = await ctx.db
    .select({ region: surveillanceRollups.region, n: surveillanceRollups.n })
    .from(surveillanceRollups)
    .where(
      and(
        eq(surveillanceRollups.grain, 'week'),
        eq(surveillanceRollups.measure, measure),
        eq(surveillanceRollups.dim, ''),
        eq(surveillanceRollups.period, week),
      ),
    )
  const keys = [...places.map((p) => p.code), UNKNOWN]
  const index = new Map(keys.map((k, i) => [k, i]))
  const counts = keys.map(() => 0)
  for (const r of rows) {
    const i = index.get(h.ancestorAt(r.region, level) ?? UNKNOWN) as number
    counts[i] = (counts[i] as number) + r.n
  }
  const epsilon = ctx.config.surveillance.publicEpsilon
  const u = uniform(ctx.random)
  const noisy = counts.map((n) => [noisyCount(n, 'geometric', u, epsilon, SENSITIVITY[measure])])
  const t = suppressTable({
    cells: noisy,
    threshold: ctx.config.surveillance.threshold,
    rowTotals: false,
    colTotals: true,
  })
  const shown = (i: number) => ((t.hidden[i] as boolean[])[0] ? null : (t.values[i] as number[])[0])
  await ctx.db.transaction(async (tx) => {
    const won = await tx
      .insert(publicReleases)
      .values({
        measure,
        week,
        epsilon,
        threshold: ctx.config.surveillance.threshold,
        suppressed: t.primary,
        complementary: t.complementary,
      })
      .onConflictDoNothing()
      .returning({ week: publicReleases.week })
    if (won.length === 0) return // another request released this week first: keep its figures
    await tx
      .insert(publicReleaseCells)
      .values([
        ...keys.map((region, i) => ({ measure, week, region, value: shown(i) ?? null })),
        { measure, week, region: NATIONAL, value: shown(keys.length) ?? null },
      ])
  })
}

export async function publicStats(ctx: ServiceContext): Promise<PublicStats> {
  const now = ctx.clock.now().getTime()
  const thisWeek = periodStart('week', toDay(now))
  const weeks = Array.from({ length: PUBLIC_WEEKS }, (_, k) =>
    toDay(dayMs(thisWeek) - (PUBLIC_WEEKS - k) * 7 * 86_400_000),
  )
  const first = weeks[0] as string
  const h = await readHierarchy(ctx.db)
  const released = await ctx.db
    .select({ measure: publicReleases.measure, week: publicReleases.week })
    .from(publicReleases)
    .where(and(gte(publicReleases.week, first), lt(publicReleases.week, thisWeek)))
  const have = new Set(released.map((r) => `${r.measure} ${r.week}`))
  for (const measure of PUBLIC_MEASURES)
    for (const week of weeks)
      if (!have.has(`${measure} ${week}`)) await release(ctx, h, measure, week)

  const [cells, headers] = await Promise.all([
    ctx.db
      .select()
      .from(publicReleaseCells)
      .where(
        and(
          inArray(publicReleaseCells.measure, [...PUBLIC_MEASURES]),
          gte(publicReleaseCells.week, first),
          lt(publicReleaseCells.week, thisWeek),
        ),
      ),
    ctx.db
      .select()
      .from(publicReleases)
      .where(and(gte(publicReleases.week, first), lt(publicReleases.week, thisWeek))),
  ])
  const places = [...publicPlaces(h).map((p) => ({ code: p.code, name: p.name }))]
  places.push({ code: UNKNOWN, name: 'not placed' })
  const weekIndex = new Map(weeks.map((w, i) => [w, i]))
  const measures: PublicStats['measures'] = {}
  for (const m of PUBLIC_MEASURES) {
    const regions: Record<string, Series> = {}
    for (const p of places) regions[p.code] = weeks.map(() => null)
    measures[m] = { national: weeks.map(() => null), regions }
  }
  for (const c of cells) {
    const w = weekIndex.get(c.week)
    const target = measures[c.measure]
    if (w === undefined || target === undefined) continue
    const series = c.region === NATIONAL ? target.national : target.regions[c.region]
    if (series !== undefined) series[w] = c.value
  }
  const rate = (p: Series, t: Series) =>
    p.map((x, i) => {
      const d = t[i] ?? null
      return x === null || d === null || d === 0 ? null : Math.round((x / d) * 1e4) / 1e4
    })
  const pos = measures.positives as PublicStats['measures'][string]
  const tests = measures.tests as PublicStats['measures'][string]
  const positivity = {
    national: rate(pos.national, tests.national),
    regions: Object.fromEntries(
      places.map((p) => [p.code, rate(pos.regions[p.code] ?? [], tests.regions[p.code] ?? [])]),
    ),
  }
  const since = toDay(now - LEDGER_DAYS * 86_400_000)
  return {
    generatedAt: new Date(now).toISOString(),
    weeks,
    places,
    measures,
    positivity,
    ledger: await ledgerTotals(ctx.db, since),
    privacy: {
      threshold: ctx.config.surveillance.threshold,
      mechanism: 'geometric',
      epsilonPerFigure: ctx.config.surveillance.publicEpsilon,
      sensitivity: Object.fromEntries(PUBLIC_MEASURES.map((m) => [m, SENSITIVITY[m]])),
      suppressedCells: headers.reduce((a, h) => a + h.suppressed, 0),
      complementaryCells: headers.reduce((a, h) => a + h.complementary, 0),
      notes: [
        'Every count is noisy (two-sided geometric) and released once per week that has ended; it never changes afterwards.',
        'Counts from 1 to the threshold − 1 are suppressed (null), with complementary cells so that the national total cannot reveal them.',
        'The ledger totals are exact: they are counted from the public log, which anyone can recount.',
      ],
    },
  }
}
