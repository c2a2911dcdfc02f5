/**
 * @module services/surveillance/map
 * The choropleth's figures (issue 22): one count measure per place over a range of days, and its
 * rate per 100,000 people from the population table. Read from the rollups — whole ISO weeks
 * from the week grain, the days at either end from the day grain, summed in SQL — so the cost
 * follows the number of places and weeks, never the facts. The places and their total are one
 * table, protected as the dashboards' series are (docs/SURVEILLANCE.md "Suppression",
 * "Differential privacy"): optional noise from the asker's budget, then primary and
 * complementary suppression; a suppressed place has neither count nor rate.
 */
import { and, eq, gte, lte, sql } from 'drizzle-orm'
import {
  type CountMeasure,
  type Level,
  type MapResult,
  type Mechanism,
  PRIVACY_NOTES,
  type PrivacyMetadata,
} from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { surveillanceRollups } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { readBudget, spendBudget } from './budget.ts'
import type { ChartPlan } from './chart-plan.ts'
import { noiseVariance, noisyCount, uniform } from './dp.ts'
import { SENSITIVITY } from './measures.ts'
import { dayMs, periodStart, toDay } from './periods.ts'
import { readHierarchy } from './regions.ts'
import { checkRange, checkScope } from './scope.ts'
import { suppressTable } from './suppress.ts'

export interface MapQuery {
  measure: CountMeasure
  /** YYYY-MM-DD, the first day counted. Default: 27 days before `to` (four weeks). */
  from?: string | undefined
  /** YYYY-MM-DD, the last day counted. Default: today (UTC). */
  to?: string | undefined
  level: Level
  region?: string | undefined
  dp: 'none' | Mechanism
  epsilon?: number | undefined
}

const DAY_MS = 86_400_000
/** Ten years of days: further back, the rollups' grains are the better tool. */
export const MAX_MAP_DAYS = 3660
export const PER = 100_000

/** The range as day-grain ends and whole ISO weeks between them (either may be empty). */
export function splitRange(from: string, to: string) {
  const monday = periodStart('week', from)
  const firstWeek = monday === from ? from : toDay(dayMs(monday) + 7 * DAY_MS)
  // The last Monday whose Sunday is on or before `to`.
  const lastWeek = toDay(dayMs(periodStart('week', toDay(dayMs(to) + DAY_MS))) - 7 * DAY_MS)
  if (firstWeek > lastWeek) return { days: [[from, to]] as [string, string][], weeks: null }
  const days: [string, string][] = []
  if (from < firstWeek) days.push([from, toDay(dayMs(firstWeek) - DAY_MS)])
  const afterWeeks = toDay(dayMs(lastWeek) + 7 * DAY_MS)
  if (afterWeeks <= to) days.push([afterWeeks, to])
  return { days, weeks: [firstWeek, lastWeek] as [string, string] }
}

async function countsByRegion(
  ctx: ServiceContext,
  measure: CountMeasure,
  from: string,
  to: string,
) {
  const { days, weeks } = splitRange(from, to)
  const read = (grain: 'day' | 'week', [a, b]: [string, string]) =>
    ctx.db
      .select({ region: surveillanceRollups.region, n: sql<string>`sum(${surveillanceRollups.n})` })
      .from(surveillanceRollups)
      .where(
        and(
          eq(surveillanceRollups.grain, grain),
          eq(surveillanceRollups.measure, measure),
          eq(surveillanceRollups.dim, ''),
          gte(surveillanceRollups.period, a),
          lte(surveillanceRollups.period, b),
        ),
      )
      .groupBy(surveillanceRollups.region)
  const parts = await Promise.all([
    ...days.map((r) => read('day', r)),
    ...(weeks === null ? [] : [read('week', weeks)]),
  ])
  const out = new Map<string, number>()
  for (const r of parts.flat()) out.set(r.region, (out.get(r.region) ?? 0) + Number(r.n))
  return out
}

const per100k = (count: number | null, population: number | null) =>
  count === null || population === null || population <= 0
    ? null
    : Math.round((count / population) * PER * 100) / 100

/** Counts and rates per place at `level` (within `region`) over [from, to], as the asker may see them. */
export async function mapRates(
  ctx: ServiceContext,
  query: MapQuery,
  /** Part of a dashboard view: the view spends the budget (chart-plan.ts). */
  plan?: ChartPlan,
): Promise<MapResult> {
  const to = query.to ?? toDay(ctx.clock.now().getTime())
  const from = query.from ?? toDay(dayMs(to) - 27 * DAY_MS)
  checkRange(from, to)
  if ((dayMs(to) - dayMs(from)) / DAY_MS + 1 > MAX_MAP_DAYS)
    throw new ServiceError('RANGE_INVALID', `a map covers at most ${MAX_MAP_DAYS} days`, {
      field: 'to',
    })
  const noisy = query.dp !== 'none'
  const epsilon = query.epsilon ?? 1
  if (!(epsilon > 0 && epsilon <= 5))
    throw new ServiceError('RANGE_INVALID', 'epsilon must be in (0, 5]', { field: 'epsilon' })
  // The counts do not depend on the places: both reads at once (on Postgres, two connections).
  const [places, written] = await Promise.all([
    readHierarchy(ctx),
    countsByRegion(ctx, query.measure, from, to),
  ])
  checkScope(places, query.level, query.region)
  const rowKeys = places.at(query.level, query.region).map((p) => p.code)
  const index = new Map(rowKeys.map((k, i) => [k, i]))
  let unknown = 0
  const cells = rowKeys.map(() => [0])
  for (const [code, n] of written) {
    const inScope = query.region === undefined || places.contains(query.region, code)
    const place = inScope ? places.ancestorAt(code, query.level) : undefined
    const i = place === undefined ? undefined : index.get(place)
    if (i !== undefined) (cells[i] as number[])[0] = ((cells[i] as number[])[0] as number) + n
    else if (query.region === undefined) unknown += n
  }
  // As in the series: under DP the rows are fixed in advance (whether `unknown` has facts leaks).
  if (query.region === undefined && (noisy || unknown > 0)) {
    rowKeys.push('unknown')
    cells.push([unknown])
  }

  let dp: PrivacyMetadata['dp'] = null
  const budget =
    plan !== undefined
      ? plan.budget
      : noisy
        ? await spendBudget(ctx, epsilon)
        : await readBudget(ctx)
  if (query.dp !== 'none') {
    const u = uniform(ctx.random)
    const sensitivity = SENSITIVITY[query.measure]
    for (const row of cells)
      row[0] = noisyCount(row[0] as number, query.dp, u, epsilon, sensitivity)
    dp = {
      mechanism: query.dp,
      epsilon,
      sensitivity,
      variance: noiseVariance(query.dp, epsilon, sensitivity),
    }
  }
  const threshold = ctx.config.surveillance.threshold
  const table = suppressTable({ cells, threshold, rowTotals: false, colTotals: true })
  const shown = (i: number) =>
    (table.hidden[i] as boolean[])[0] ? null : ((table.values[i] as number[])[0] as number)
  const population = (code: string) => places.population(code) ?? null
  const scopePopulation = rowKeys.reduce<number | null>((sum, code) => {
    if (code === 'unknown') return sum
    const n = population(code)
    return sum === null || n === null ? null : sum + n
  }, 0)
  const total = shown(rowKeys.length)
  return {
    measure: query.measure,
    from,
    to,
    level: query.level,
    region: query.region ?? null,
    per: PER,
    places: rowKeys.map((code, i) => {
      const count = shown(i)
      const pop = code === 'unknown' ? null : population(code)
      return {
        region: code,
        name: code === 'unknown' ? 'not placed' : (places.places.get(code)?.name ?? code),
        population: pop,
        count,
        rate: per100k(count, pop),
        suppressed: count === null,
      }
    }),
    total: { count: total, rate: per100k(total, scopePopulation), population: scopePopulation },
    privacy: {
      threshold,
      suppressedCells: table.primary,
      complementaryCells: table.complementary,
      dp,
      budget,
      notes: [PRIVACY_NOTES.map, PRIVACY_NOTES.rates, ...(noisy ? [PRIVACY_NOTES.noisy] : [])],
    },
  }
}
