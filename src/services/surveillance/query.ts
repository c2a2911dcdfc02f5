/**
 * @module services/surveillance/query
 * The epidemiologist's series: a measure by day, ISO week or month, by place at one level of
 * the hierarchy, optionally broken down by one dimension. Read from the rollups (thousands of
 * rows for a year, whatever the number of facts), optionally noised (ε spent from the asker's
 * daily budget), then every period's table is suppressed with its margins, and the response says
 * what was done to it.
 */
import { and, eq, gte, lt, lte } from 'drizzle-orm'
import { AGE_BANDS } from '../../core/fhir/index.ts'
import {
  BREAKDOWNS_OF,
  type Breakdown,
  type Budget,
  type Catalogue,
  type CountMeasure,
  type Grain,
  LEVELS,
  type Level,
  MEASURES,
  type Measure,
  type Mechanism,
  PRIVACY_NOTES,
  type PrivacyMetadata,
  type SeriesLine,
  type SeriesResult,
} from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { surveillanceRollups } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { readBudget, spendBudget } from './budget.ts'
import type { ChartPlan } from './chart-plan.ts'
import { noiseVariance, noisyCount, publishedRatio, uniform } from './dp.ts'
import { domainOf, SENSITIVITY } from './measures.ts'
import { dayMs, periodStart, periodsBetween, toDay } from './periods.ts'
import { type Hierarchy, readHierarchy } from './regions.ts'
import { suppressTable } from './suppress.ts'

export interface SeriesQuery {
  measure: Measure
  interval: Grain
  /** YYYY-MM-DD; the period containing it is the first. Default: 52 weeks before `to`. */
  from?: string | undefined
  /** YYYY-MM-DD; the period containing it is the last. Default: today (UTC). */
  to?: string | undefined
  level: Level
  /** Only places within this one. */
  region?: string | undefined
  breakdown?: Breakdown | undefined
  dp: 'none' | Mechanism
  /** ε of this query (with dp); 1 when not given. */
  epsilon?: number | undefined
}

export const MAX_PERIODS = 1100
export const MAX_EPSILON = 5

/** The counts a measure is made of. */
function partsOf(measure: Measure): CountMeasure[] {
  if (measure === 'positivity') return ['positives', 'tests']
  if (measure === 'coverage') return ['complete']
  return [measure]
}

function validate(q: SeriesQuery & { from: string; to: string }, places: Hierarchy) {
  if (q.from > q.to)
    throw new ServiceError('RANGE_INVALID', 'from must not be after to', { field: 'from' })
  if (q.breakdown !== undefined && !BREAKDOWNS_OF[q.measure].includes(q.breakdown))
    throw new ServiceError(
      'BREAKDOWN_UNSUPPORTED',
      `${q.measure} can be broken down by ${BREAKDOWNS_OF[q.measure].join(', ')}`,
      { field: 'breakdown' },
    )
  if (q.region !== undefined) {
    const place = places.places.get(q.region)
    if (place === undefined)
      throw new ServiceError('REGION_UNKNOWN', `no place ${q.region} is loaded`, {
        field: 'region',
      })
    if (LEVELS.indexOf(place.level) > LEVELS.indexOf(q.level))
      throw new ServiceError(
        'RANGE_INVALID',
        `${q.region} is a ${place.level}: ask for level ${place.level} or finer`,
        { field: 'level' },
      )
  }
  const epsilon = q.epsilon ?? 1
  if (!(epsilon > 0 && epsilon <= MAX_EPSILON))
    throw new ServiceError('RANGE_INVALID', `epsilon must be in (0, ${MAX_EPSILON}]`, {
      field: 'epsilon',
    })
}

const valueOrder = (breakdown: Breakdown | undefined) => (a: string, b: string) => {
  if (breakdown === 'age_band')
    return (
      AGE_BANDS.indexOf(a as (typeof AGE_BANDS)[number]) -
      AGE_BANDS.indexOf(b as (typeof AGE_BANDS)[number])
    )
  if (breakdown === 'dose') return Number(a) - Number(b)
  return a < b ? -1 : a > b ? 1 : 0
}

/** The series the query asks for, as the asker (the context's actor) may see it. */
export async function querySeries(
  ctx: ServiceContext,
  query: SeriesQuery,
  /** The hierarchy, when the caller has just read it (the epi curve). */
  hierarchy?: Hierarchy,
  /** Part of a dashboard view: the view spends the budget (chart-plan.ts). */
  plan?: ChartPlan,
): Promise<SeriesResult> {
  const to = query.to ?? toDay(ctx.clock.now().getTime())
  const q = { ...query, to, from: query.from ?? toDay(dayMs(to) - 364 * 86_400_000) }
  const places = hierarchy ?? (await readHierarchy(ctx))
  validate(q, places)
  const periods = periodsBetween(q.interval, q.from, q.to)
  if (periods.length > MAX_PERIODS)
    throw new ServiceError(
      'RANGE_INVALID',
      `at most ${MAX_PERIODS} periods per query (${periods.length} asked): use a coarser interval`,
      { field: 'to' },
    )
  const first = periods[0] as string
  const dim = q.breakdown ?? ''
  const noisy = q.dp !== 'none'
  const parts = partsOf(q.measure)

  // Rows (places) and columns (breakdown values). Under DP both are fixed in advance: the set
  // of non-empty cells would itself leak.
  const placeOf = new Map<string, string | undefined>()
  const mapPlace = (code: string): string | undefined => {
    if (placeOf.has(code)) return placeOf.get(code)
    let out: string | undefined
    if (q.region !== undefined)
      out = places.contains(q.region, code) ? places.ancestorAt(code, q.level) : undefined
    else out = places.ancestorAt(code, q.level) ?? 'unknown'
    placeOf.set(code, out)
    return out
  }
  const data = await Promise.all(
    parts.map((measure) =>
      ctx.db
        .select({
          period: surveillanceRollups.period,
          region: surveillanceRollups.region,
          value: surveillanceRollups.value,
          n: surveillanceRollups.n,
        })
        .from(surveillanceRollups)
        .where(
          and(
            eq(surveillanceRollups.grain, q.interval),
            eq(surveillanceRollups.measure, measure),
            eq(surveillanceRollups.dim, dim),
            gte(surveillanceRollups.period, first),
            lte(surveillanceRollups.period, q.to),
          ),
        ),
    ),
  )
  const baseline = q.measure === 'coverage' ? await completeBefore(ctx, dim, first) : []

  const rowKeys = places.at(q.level, q.region).map((p) => p.code)
  const colKeys: string[] =
    q.breakdown === undefined ? [''] : noisy ? domainOf(q.breakdown, q.measure) : []
  const seenUnknown = [...data.flat(), ...baseline].some((r) => mapPlace(r.region) === 'unknown')
  if (q.region === undefined && (noisy || seenUnknown)) rowKeys.push('unknown')
  if (q.breakdown !== undefined && !noisy) {
    const values = new Set([...data.flat(), ...baseline].map((r) => r.value))
    colKeys.push(...[...values].sort(valueOrder(q.breakdown)))
  }
  const rowIndex = new Map(rowKeys.map((k, i) => [k, i]))
  const colIndex = new Map(colKeys.map((k, i) => [k, i]))
  const periodIndex = new Map(periods.map((p, i) => [p, i]))
  const R = rowKeys.length
  const C = colKeys.length
  const empty = () => Array.from({ length: R }, () => new Array<number>(C).fill(0))

  // cube[part][period][row][col]
  const cube = parts.map((_, k) => {
    const tables = periods.map(empty)
    for (const r of data[k] ?? []) {
      const p = periodIndex.get(r.period)
      const place = mapPlace(r.region)
      const i = place === undefined ? undefined : rowIndex.get(place)
      const j = colIndex.get(r.value)
      if (p === undefined || i === undefined || j === undefined) continue
      const row = (tables[p] as number[][])[i] as number[]
      row[j] = (row[j] as number) + r.n
    }
    return tables
  })
  const base = empty()
  for (const r of baseline) {
    const place = mapPlace(r.region)
    const i = place === undefined ? undefined : rowIndex.get(place)
    const j = colIndex.get(r.value)
    if (i === undefined || j === undefined) continue
    const row = base[i] as number[]
    row[j] = (row[j] as number) + r.n
  }

  // Differential privacy: ε shared by the count tables the measure is made of.
  let budget: Budget
  let dpMeta: PrivacyMetadata['dp'] = null
  if (q.dp !== 'none') {
    const epsilon = q.epsilon ?? 1
    budget = plan === undefined ? await spendBudget(ctx, epsilon) : plan.budget
    const share = epsilon / parts.length
    const u = uniform(ctx.random)
    const mechanism = q.dp
    const sensitivity = Math.max(...parts.map((m) => SENSITIVITY[m]))
    parts.forEach((m, k) => {
      const noise = (n: number) => noisyCount(n, mechanism, u, share, SENSITIVITY[m])
      for (const table of cube[k] as number[][][])
        for (const row of table) for (let j = 0; j < C; j++) row[j] = noise(row[j] as number)
    })
    if (q.measure === 'coverage')
      for (const row of base)
        for (let j = 0; j < C; j++) row[j] = noisyCount(row[j] as number, mechanism, u, share, 1)
    dpMeta = {
      mechanism,
      epsilon,
      sensitivity,
      variance: noiseVariance(mechanism, share, sensitivity),
    }
  } else budget = plan === undefined ? await readBudget(ctx) : plan.budget

  // The published tables, one per period (coverage: cumulative counts).
  const threshold = ctx.config.surveillance.threshold
  let primary = 0
  let complementary = 0
  const publish = (cells: number[][], forceHidden?: (i: number, j: number) => boolean) => {
    const t = suppressTable({
      cells,
      threshold,
      rowTotals: q.breakdown !== undefined,
      colTotals: true,
      ...(forceHidden === undefined ? {} : { forceHidden }),
    })
    primary += t.primary
    complementary += t.complementary
    return t.values.map((row, i) => row.map((v, j) => ((t.hidden[i] as boolean[])[j] ? null : v)))
  }
  let numerators: (number | null)[][][]
  let denominators: (number | null)[][][] | undefined
  if (q.measure === 'positivity') {
    const [pos, tests] = cube as [number[][][], number[][][]]
    // A positive count is hidden too when the tests that were not positive are few.
    numerators = pos.map((table, p) =>
      publish(table, (i, j) => {
        const rest = ((tests[p] as number[][])[i] as number[])[j] as number
        const d = rest - (((table[i] as number[])[j] as number) ?? 0)
        return d > 0 && d < threshold
      }),
    )
    denominators = tests.map((table) => publish(table))
  } else if (q.measure === 'coverage') {
    const running = base.map((row) => [...row])
    numerators = (cube[0] as number[][][]).map((table) => {
      for (let i = 0; i < R; i++)
        for (let j = 0; j < C; j++)
          (running[i] as number[])[j] =
            ((running[i] as number[])[j] as number) + ((table[i] as number[])[j] as number)
      return publish(running.map((row) => [...row]))
    })
  } else numerators = (cube[0] as number[][][]).map((table) => publish(table))

  const population = (i: number | 'all', j: number | 'all'): number | null => {
    const band = j === 'all' || q.breakdown !== 'age_band' ? undefined : colKeys[j]
    const codes = i === 'all' ? rowKeys : [rowKeys[i] as string]
    let sum = 0
    for (const code of codes) {
      const n = places.population(code, band)
      if (n === undefined) return i === 'all' && code === 'unknown' ? sum : null
      sum += n
    }
    return sum
  }
  const line = (i: number | 'all', j: number | 'all'): SeriesLine => {
    const ii = i === 'all' ? R : i
    const jj = j === 'all' ? C : j
    const counts = numerators.map((t) => (t[ii] as (number | null)[])[jj] ?? null)
    const out: SeriesLine = { counts }
    if (i !== 'all') {
      out.region = rowKeys[i] as string
      out.name = places.places.get(rowKeys[i] as string)?.name ?? 'not placed'
    }
    if (j !== 'all' && q.breakdown !== undefined) out.value = colKeys[j] as string
    if (denominators !== undefined) {
      const dens = denominators.map((t) => (t[ii] as (number | null)[])[jj] ?? null)
      out.denominators = dens
      // Positivity: positives are a part of the tests (a share of at most 1).
      out.rates = counts.map((c, p) => publishedRatio(c, dens[p] ?? null, 1))
    } else if (q.measure === 'coverage') {
      const pop = population(i, j)
      out.denominators = counts.map(() => pop)
      out.rates = counts.map((c) => publishedRatio(c, pop))
    }
    return out
  }
  const rows: SeriesLine[] = []
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) rows.push(line(i, j))
  const totals: SeriesResult['totals'] = {
    byValue: q.breakdown === undefined ? [] : colKeys.map((_, j) => line('all', j)),
    all: line('all', 'all'),
  }
  if (q.breakdown !== undefined) totals.byRegion = rowKeys.map((_, i) => line(i, 'all'))

  const notes: string[] = [PRIVACY_NOTES.perPeriod]
  if (q.measure === 'coverage') notes.push(PRIVACY_NOTES.cumulative)
  if (noisy) notes.push(PRIVACY_NOTES.noisy)
  return {
    measure: q.measure,
    interval: q.interval,
    from: first,
    to: q.to,
    level: q.level,
    region: q.region ?? null,
    breakdown: q.breakdown ?? null,
    periods,
    rows,
    totals,
    privacy: {
      threshold,
      suppressedCells: primary,
      complementaryCells: complementary,
      dp: dpMeta,
      budget,
      notes,
    },
  }
}

/** People with a complete series before `first`: whole months from the month grain, the rest by day. */
async function completeBefore(ctx: ServiceContext, dim: string, first: string) {
  const month = periodStart('month', first)
  const select = (grain: Grain, from: string | undefined, to: string) =>
    ctx.db
      .select({
        region: surveillanceRollups.region,
        value: surveillanceRollups.value,
        n: surveillanceRollups.n,
      })
      .from(surveillanceRollups)
      .where(
        and(
          eq(surveillanceRollups.grain, grain),
          eq(surveillanceRollups.measure, 'complete'),
          eq(surveillanceRollups.dim, dim),
          from === undefined ? undefined : gte(surveillanceRollups.period, from),
          lt(surveillanceRollups.period, to),
        ),
      )
  const [months, days] = await Promise.all([
    select('month', undefined, month),
    select('day', month, first),
  ])
  return [...months, ...days]
}

/** What the dashboard needs before its first query: places, measures and their breakdowns. */
export async function surveillanceCatalogue(ctx: ServiceContext): Promise<Catalogue> {
  const [h, budget] = await Promise.all([readHierarchy(ctx), readBudget(ctx)])
  return {
    places: [...h.places.values()].map((p) => ({ ...p, population: h.population(p.code) ?? null })),
    measures: MEASURES.map((measure) => ({ measure, breakdowns: [...BREAKDOWNS_OF[measure]] })),
    budget,
  }
}
