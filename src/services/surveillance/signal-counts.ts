/**
 * @module services/surveillance/signal-counts
 * The weekly counts outbreak signals are computed on: one measure's weekly rollups (its total,
 * no breakdown), exact, summed per place at the asked level, from the measure's first recorded
 * week (earlier weeks are no data, not zeros) or the window the method needs.
 */
import { and, eq, gte, lte, min } from 'drizzle-orm'
import { type CountMeasure, LEVELS, type Level, type Place } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { surveillanceRollups } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { dayMs, periodStart, toDay } from './periods.ts'
import { type Hierarchy, readHierarchy } from './regions.ts'

export const WEEK_MS = 7 * 86_400_000

export interface CountsQuery {
  measure: CountMeasure
  level: Level
  /** Only places within this one. */
  region?: string | undefined
  /** Complete weeks to evaluate, the latest last. */
  weeks: number
  /** YYYY-MM-DD: the last evaluated week is the last complete ISO week on or before it. */
  to?: string | undefined
}

export interface WeeklyCounts {
  places: Hierarchy
  /** The places judged, in code order, and their counts (index 0 is `start`). */
  targets: Place[]
  counts: number[][]
  /** First day of the first week read (null: the measure has no data), and weeks read. */
  start: string | null
  n: number
  /** First days of the evaluated weeks (the last `weeks` of the n). */
  weeks: string[]
}

function checkPlace(places: Hierarchy, q: CountsQuery) {
  if (q.region === undefined) return
  const place = places.places.get(q.region)
  if (place === undefined)
    throw new ServiceError('REGION_UNKNOWN', `no place ${q.region} is loaded`, { field: 'region' })
  if (LEVELS.indexOf(place.level) > LEVELS.indexOf(q.level))
    throw new ServiceError(
      'RANGE_INVALID',
      `${q.region} is a ${place.level}: ask for level ${place.level} or finer`,
      { field: 'level' },
    )
}

/** The first day of week `t` of a series starting at `start`. */
export const weekAt = (start: string, t: number) => toDay(dayMs(start) + t * WEEK_MS)

/** Counts for the asked weeks and `history` weeks before them, per place at the level. */
export async function readWeeklyCounts(
  ctx: ServiceContext,
  q: CountsQuery,
  history: number,
): Promise<WeeklyCounts> {
  const to = q.to ?? toDay(ctx.clock.now().getTime())
  // The week that ends on or before `to`: step back six days, then to that week's Monday.
  const lastWeek = periodStart('week', toDay(dayMs(to) - 6 * 86_400_000))
  const places = await readHierarchy(ctx)
  checkPlace(places, q)
  const window = toDay(dayMs(lastWeek) - (history + q.weeks - 1) * WEEK_MS)
  const where = and(
    eq(surveillanceRollups.grain, 'week'),
    eq(surveillanceRollups.measure, q.measure),
    eq(surveillanceRollups.dim, ''),
    lte(surveillanceRollups.period, lastWeek),
  )
  const [first] = await ctx.db
    .select({ period: min(surveillanceRollups.period) })
    .from(surveillanceRollups)
    .where(where)
  let start: string | null = first?.period ?? null
  if (start !== null && start < window) start = window
  const n = start === null ? 0 : Math.round((dayMs(lastWeek) - dayMs(start)) / WEEK_MS) + 1
  const rows =
    start === null
      ? []
      : await ctx.db
          .select({
            period: surveillanceRollups.period,
            region: surveillanceRollups.region,
            n: surveillanceRollups.n,
          })
          .from(surveillanceRollups)
          .where(and(where, gte(surveillanceRollups.period, start)))

  const targets = places.at(q.level, q.region)
  const index = new Map(targets.map((p, i) => [p.code, i]))
  const counts = targets.map(() => new Array<number>(n).fill(0))
  for (const r of rows) {
    const place = places.ancestorAt(r.region, q.level)
    const i = place === undefined ? undefined : index.get(place)
    const t = Math.round((dayMs(r.period) - dayMs(start as string)) / WEEK_MS)
    const line = i === undefined ? undefined : counts[i]
    if (line !== undefined && t >= 0 && t < n) line[t] = (line[t] as number) + r.n
  }
  const weeks = Array.from({ length: q.weeks }, (_, k) =>
    toDay(dayMs(lastWeek) - (q.weeks - 1 - k) * WEEK_MS),
  )
  return { places, targets, counts, start, n, weeks }
}
