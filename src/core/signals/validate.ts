/**
 * @module core/signals/validate
 * Input checks shared by the detectors, and the readable "too short" reason. Counts may come
 * from an upload, so every element is checked before any arithmetic trusts it.
 */
import { SignalError } from './errors.ts'
import type { CountSeries, HistoryTooShort, SignalRange } from './types.ts'

/** Throws SIGNAL_CONTROL naming the first control whose check failed. */
export function throwOnFirst(rules: [string, boolean][]): void {
  const bad = rules.find(([, ok]) => !ok)
  if (bad === undefined) return
  throw new SignalError('SIGNAL_CONTROL', `control.${bad[0]} is out of range`, {
    field: `control.${bad[0]}`,
  })
}

export function checkSeries(series: CountSeries, need: { population?: boolean } = {}): void {
  const { counts, frequency } = series
  if (!Number.isInteger(frequency) || frequency < 1) {
    throw new SignalError('SIGNAL_CONTROL', 'frequency must be a positive whole number', {
      field: 'frequency',
    })
  }
  for (let i = 0; i < counts.length; i++) {
    const v = counts[i]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new SignalError('SIGNAL_COUNTS', `count ${i} is not a non-negative number`, {
        field: `counts[${i}]`,
      })
    }
  }
  if (series.outbreak !== undefined && series.outbreak.length !== counts.length) {
    throw new SignalError('SIGNAL_MASK', 'the outbreak mask and the counts differ in length', {
      field: 'outbreak',
    })
  }
  if (need.population === true) {
    const pop = series.population
    if (pop === undefined || pop.length !== counts.length) {
      throw new SignalError('SIGNAL_POPULATION', 'a population per period is needed', {
        field: 'population',
      })
    }
    const bad = pop.findIndex((v) => !(Number.isFinite(v) && v > 0))
    if (bad >= 0) {
      throw new SignalError('SIGNAL_POPULATION', `population ${bad} is not positive`, {
        field: `population[${bad}]`,
      })
    }
  }
}

const UNITS: Record<number, [string, string]> = {
  52: ['week', 'weekly'],
  12: ['month', 'monthly'],
  365: ['day', 'daily'],
}

/** "5 years and 4 weeks", "40 weeks", "1 year" — in the series' own unit. */
export function describePeriods(n: number, frequency: number): string {
  const unit = UNITS[frequency]?.[0] ?? 'period'
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`
  const years = Math.floor(n / frequency)
  const rest = n % frequency
  if (years === 0) return plural(rest, unit)
  return rest === 0 ? plural(years, 'year') : `${plural(years, 'year')} and ${plural(rest, unit)}`
}

export function tooShort(needed: number, has: number, frequency: number): HistoryTooShort {
  const kind = UNITS[frequency]?.[1] ?? `${frequency}-per-year`
  return {
    code: 'HISTORY_TOO_SHORT',
    needed,
    has,
    message: `needs ${describePeriods(needed, frequency)} of ${kind} data; has ${describePeriods(has, frequency)}`,
  }
}

/**
 * The periods to evaluate. `history` is how many periods must precede the first one; the
 * default range starts at the first period that has them.
 */
export function resolveRange(
  series: CountSeries,
  history: number,
  range: SignalRange = {},
): { ok: true; from: number; to: number } | { ok: false; reason: HistoryTooShort } {
  const n = series.counts.length
  const to = range.to ?? n
  const from = range.from ?? history
  const inside = (v: number) => Number.isInteger(v) && v >= 0 && v <= n
  if (!inside(to) || (range.from !== undefined && (!inside(from) || from >= to))) {
    throw new SignalError('SIGNAL_CONTROL', `range must lie within 0…${n}`, { field: 'range' })
  }
  if (from < history || from >= to) {
    const has = range.from === undefined ? n : from + 1
    return { ok: false, reason: tooShort(history + 1, has, series.frequency) }
  }
  return { ok: true, from, to }
}
