/**
 * @module services/surveillance/signals
 * Outbreak signals per place (issue 22): weekly counts of one measure from the rollups, exact and
 * inside the service, run through one detector of core/signals for the last few complete weeks.
 * The answer names the places and weeks with an alarm and nothing else: no count leaves here,
 * and an alarm is reported only for a week with at least the suppression threshold of cases, so
 * it never says more than the suppressed series would (docs/SURVEILLANCE.md "Signals").
 */
import { and, eq, gte, lte, min } from 'drizzle-orm'
import {
  type CountSeries,
  cusum,
  describePeriods,
  ears,
  farrington,
  type HistoryTooShort,
  NOUFAILY,
  type SignalResult,
} from '../../core/signals/index.ts'
import { type CountMeasure, LEVELS, type Level } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { surveillanceRollups } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { dayMs, periodStart, toDay } from './periods.ts'
import { type Hierarchy, readHierarchy } from './regions.ts'

export const SIGNAL_METHODS = [
  'farrington',
  'noufaily',
  'ears-c1',
  'ears-c2',
  'ears-c3',
  'cusum',
] as const
export type SignalMethodName = (typeof SIGNAL_METHODS)[number]

export interface SignalsQuery {
  measure: CountMeasure
  method: SignalMethodName
  level: Level
  /** Only places within this one. */
  region?: string | undefined
  /** Complete weeks to evaluate, the latest last (1–52). */
  weeks: number
  /** YYYY-MM-DD: the last evaluated week is the last complete ISO week on or before it. Default today. */
  to?: string | undefined
  /** Farrington's b: years of reference weeks (1–5, default 5). */
  years?: number | undefined
}

export interface PlaceSignals {
  region: string
  name: string
  /** First days of the evaluated weeks with an alarm. */
  alarms: string[]
}

export interface SignalsResult {
  measure: CountMeasure
  method: SignalMethodName
  level: Level
  region: string | null
  /** First days of the evaluated weeks. */
  weeks: string[]
  /** The weeks of history read, from the measure's first recorded week (or the window's start). */
  history: { from: string | null; weeks: number }
  /** Set when the history is too short for the method: then no place has alarms. */
  tooShort: HistoryTooShort | null
  places: PlaceSignals[]
  /** Alarms are reported only for weeks with at least this many cases. */
  threshold: number
  notes: string[]
}

const WEEK_MS = 7 * 86_400_000
/** A year of reference weeks (ISO years have 52 or 53 weeks; the methods count 52 back). */
const FREQUENCY = 52
const W = 3

/** Weeks each method reads before the first evaluated one (CUSUM: 3 years for its season). */
function historyOf(q: SignalsQuery): number {
  if (q.method === 'farrington' || q.method === 'noufaily') return (q.years ?? 5) * FREQUENCY + W
  if (q.method === 'cusum') return 3 * FREQUENCY
  return 11
}

function detect(q: SignalsQuery, series: CountSeries, from: number): SignalResult {
  const range = { from, to: series.counts.length }
  const b = q.years ?? 5
  switch (q.method) {
    case 'farrington':
      return farrington(series, { control: { b }, range })
    case 'noufaily':
      return farrington(series, { control: { ...NOUFAILY, b }, range })
    case 'cusum':
      return cusum(series, { control: { mean: 'seasonal', resetAfterAlarm: true }, range })
    default:
      return ears(series, {
        control: { method: q.method === 'ears-c1' ? 'C1' : q.method === 'ears-c2' ? 'C2' : 'C3' },
        range,
      })
  }
}

function checkPlace(places: Hierarchy, q: SignalsQuery) {
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

/** The last evaluated weeks' alarms for every place at the asked level. */
export async function detectSignals(
  ctx: ServiceContext,
  query: SignalsQuery,
): Promise<SignalsResult> {
  const to = query.to ?? toDay(ctx.clock.now().getTime())
  // The week that ends on or before `to`: step back six days, then to that week's Monday.
  const lastWeek = periodStart('week', toDay(dayMs(to) - 6 * 86_400_000))
  const places = await readHierarchy(ctx)
  checkPlace(places, query)
  const history = historyOf(query)
  const window = toDay(dayMs(lastWeek) - (history + query.weeks - 1) * WEEK_MS)
  const where = and(
    eq(surveillanceRollups.grain, 'week'),
    eq(surveillanceRollups.measure, query.measure),
    eq(surveillanceRollups.dim, ''),
    lte(surveillanceRollups.period, lastWeek),
  )
  const [first] = await ctx.db
    .select({ period: min(surveillanceRollups.period) })
    .from(surveillanceRollups)
    .where(where)
  // History starts at the measure's first recorded week: weeks before it are no data, not zeros.
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

  const targets = places.at(query.level, query.region)
  const index = new Map(targets.map((p, i) => [p.code, i]))
  const counts = targets.map(() => new Array<number>(n).fill(0))
  for (const r of rows) {
    const place = places.ancestorAt(r.region, query.level)
    const i = place === undefined ? undefined : index.get(place)
    const t = Math.round((dayMs(r.period) - dayMs(start as string)) / WEEK_MS)
    const line = i === undefined ? undefined : counts[i]
    if (line !== undefined && t >= 0 && t < n) line[t] = (line[t] as number) + r.n
  }

  const weeks = Array.from({ length: query.weeks }, (_, k) =>
    toDay(dayMs(lastWeek) - (query.weeks - 1 - k) * WEEK_MS),
  )
  const threshold = ctx.config.surveillance.threshold
  const result: SignalsResult = {
    measure: query.measure,
    method: query.method,
    level: query.level,
    region: query.region ?? null,
    weeks,
    history: { from: start, weeks: n },
    tooShort: null,
    places: targets.map((p) => ({ region: p.code, name: p.name, alarms: [] })),
    threshold,
    notes: [
      'Counts are exact inside the service and never returned; an alarm is reported only for a week with at least the suppression threshold of cases.',
      `Reference weeks lie ${FREQUENCY} weeks back, so they drift by a week in 53-week ISO years.`,
    ],
  }
  const from = n - query.weeks
  if (from < history) {
    result.tooShort = {
      code: 'HISTORY_TOO_SHORT',
      needed: history + 1,
      has: Math.max(0, from + 1),
      message: `${query.method} needs ${describePeriods(history, FREQUENCY)} of weekly data before the first evaluated week; there are ${describePeriods(Math.max(0, from), FREQUENCY)}`,
    }
    return result
  }
  counts.forEach((line, i) => {
    const r = detect(query, { counts: line, frequency: FREQUENCY }, from)
    if (!r.ok) return
    const alarms = (result.places[i] as PlaceSignals).alarms
    for (const p of r.points)
      if (p.alarm && p.observed >= threshold) alarms.push(weeks[p.index - from] as string)
  })
  return result
}
