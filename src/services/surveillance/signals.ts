/**
 * @module services/surveillance/signals
 * Outbreak signals per place (issue 22): weekly counts of one measure from the rollups, exact and
 * inside the service, run through one detector of core/signals for the last few complete weeks.
 * The answer names the places and weeks with an alarm and nothing else: no count leaves here,
 * and an alarm is reported only for a week with at least the suppression threshold of cases, so
 * it never says more than the suppressed series would (docs/SURVEILLANCE.md "Signals"). Each
 * place is judged with its thresholds and without its known outbreak weeks (signal-settings.ts),
 * as the stored alerts are (alerts.ts).
 */
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
import {
  type CountMeasure,
  type Level,
  SIGNAL_METHODS,
  type SignalMethodName,
} from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { type CountsQuery, readWeeklyCounts } from './signal-counts.ts'
import {
  outbreakMask,
  type PlaceThreshold,
  readSignalSettings,
  thresholdFor,
} from './signal-settings.ts'

export { SIGNAL_METHODS, type SignalMethodName }

export interface SignalsQuery extends CountsQuery {
  method: SignalMethodName
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

/** A year of reference weeks (ISO years have 52 or 53 weeks; the methods count 52 back). */
export const FREQUENCY = 52
const W = 3

/** Weeks each method reads before the first evaluated one (CUSUM: 3 years for its season). */
export function historyOf(q: Pick<SignalsQuery, 'method' | 'years'>): number {
  if (q.method === 'farrington' || q.method === 'noufaily') return (q.years ?? 5) * FREQUENCY + W
  if (q.method === 'cusum') return 3 * FREQUENCY
  return 11
}

/** The detector of `q.method`, with the place's α or h where one is set, over [from, end). */
export function runDetector(
  q: Pick<SignalsQuery, 'method' | 'years'>,
  series: CountSeries,
  from: number,
  threshold: PlaceThreshold,
): SignalResult {
  const range = { from, to: series.counts.length }
  const b = q.years ?? 5
  const alpha = threshold.alpha === undefined ? {} : { alpha: threshold.alpha }
  switch (q.method) {
    case 'farrington':
      return farrington(series, { control: { b, ...alpha }, range })
    case 'noufaily':
      return farrington(series, { control: { ...NOUFAILY, b, ...alpha }, range })
    case 'cusum':
      return cusum(series, {
        control: {
          mean: 'seasonal',
          resetAfterAlarm: true,
          ...(threshold.cusumH === undefined ? {} : { h: threshold.cusumH }),
        },
        range,
      })
    default:
      return ears(series, {
        control: {
          method: q.method === 'ears-c1' ? 'C1' : q.method === 'ears-c2' ? 'C2' : 'C3',
          ...alpha,
        },
        range,
      })
  }
}

/** The readable reason the history is too short, in the series' own words. */
export function tooShortFor(method: SignalMethodName, history: number, from: number) {
  return {
    code: 'HISTORY_TOO_SHORT' as const,
    needed: history + 1,
    has: Math.max(0, from + 1),
    message: `${method} needs ${describePeriods(history, FREQUENCY)} of weekly data before the first evaluated week; there are ${describePeriods(Math.max(0, from), FREQUENCY)}`,
  }
}

/** The last evaluated weeks' alarms for every place at the asked level. */
export async function detectSignals(
  ctx: ServiceContext,
  query: SignalsQuery,
): Promise<SignalsResult> {
  const history = historyOf(query)
  const [data, settings] = await Promise.all([
    readWeeklyCounts(ctx, query, history),
    readSignalSettings(ctx, query.measure),
  ])
  const { places, targets, counts, start, n, weeks } = data
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
    result.tooShort = tooShortFor(query.method, history, from)
    return result
  }
  counts.forEach((line, i) => {
    const code = (targets[i] as { code: string }).code
    const limits = thresholdFor(places, settings, code)
    const mask = outbreakMask(places, settings, code, start as string, n)
    const series =
      mask === undefined
        ? { counts: line, frequency: FREQUENCY }
        : { counts: line, frequency: FREQUENCY, outbreak: mask }
    const r = runDetector(query, series, from, limits)
    if (!r.ok) return
    const least = Math.max(threshold, limits.minCases ?? 0)
    const alarms = (result.places[i] as PlaceSignals).alarms
    for (const p of r.points)
      if (p.alarm && p.observed >= least) alarms.push(weeks[p.index - from] as string)
  })
  return result
}
