/**
 * @module core/signals/types
 * What every detector takes and returns. A series is a plain array of counts, oldest first, with
 * its number of periods per year; a result is one point per evaluated period, or a readable
 * reason why there is too little history to evaluate any.
 */

/** Counts per period, oldest first: 52 a year for weekly data, 365 daily, 12 monthly. */
export interface CountSeries {
  counts: readonly number[]
  /** Periods per year (52 for weekly data). Reference periods lie a multiple of it back. */
  frequency: number
  /** Population per period, for Farrington's `populationOffset`. */
  population?: readonly number[]
  /**
   * True where a period belongs to a known outbreak: it is left out of every baseline, so a
   * past outbreak does not raise the threshold for the next one (signal-detection-tool #452).
   */
  outbreak?: readonly boolean[]
}

/** The evaluated periods: `from` (0-based, inclusive) to `to` (exclusive). */
export interface SignalRange {
  from?: number
  to?: number
}

export type SignalMethod = 'farrington' | 'ears-c1' | 'ears-c2' | 'ears-c3' | 'cusum'

/** Why one point has no threshold although the series is long enough. */
export type PointNote =
  /** Fewer cases in the recent periods than the method's minimum (Farrington's `limit54`). */
  | 'FEW_CASES'
  /** The regression did not converge with or without trend. */
  | 'NO_FIT'
  /** Too few periods outside known outbreaks to form the baseline. */
  | 'SHORT_BASELINE'

export interface SignalPoint {
  /** Position in the series, 0-based. */
  index: number
  observed: number
  /** The baseline's prediction for this period; null where no threshold is given. */
  expected: number | null
  /** An alarm is raised when `observed` exceeds this. */
  upperBound: number | null
  alarm: boolean
  /** The method's statistic (Farrington's score, the EARS C value, the CUSUM sum). */
  score: number | null
  /** P(count ≥ observed) under the baseline, where the method defines one (Farrington). */
  pValue: number | null
  note?: PointNote
}

/** The series is too short to evaluate even its last period. */
export interface HistoryTooShort {
  code: 'HISTORY_TOO_SHORT'
  /** Periods of history the method needs before the first evaluated period. */
  needed: number
  /** Periods of history there are. */
  has: number
  /** e.g. "needs 5 years and 4 weeks of weekly data; has 40 weeks". */
  message: string
}

export type SignalResult =
  | { ok: true; method: SignalMethod; points: SignalPoint[] }
  | { ok: false; method: SignalMethod; reason: HistoryTooShort }

/**
 * A point, always built with its fields in this order: a detector makes one per period, and
 * object spreads (`{ ...empty, expected }`) made each a differently shaped object, which cost
 * CUSUM half its time.
 */
export function signalPoint(
  index: number,
  observed: number,
  expected: number | null,
  upperBound: number | null,
  alarm: boolean,
  score: number | null,
  pValue: number | null,
  note?: PointNote,
): SignalPoint {
  const point: SignalPoint = { index, observed, expected, upperBound, alarm, score, pValue }
  if (note !== undefined) point.note = note
  return point
}
