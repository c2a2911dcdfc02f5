/**
 * JSON of the epidemiologist's API (`/api/surveillance/series` and `/api/surveillance/regions`),
 * as src/surveillance returns it and the dashboard reads it.
 */
import type { Breakdown, Grain, Level, Measure, Mechanism } from './vocabulary.ts'

type Cells = (number | null)[]

export interface SeriesLine {
  /** A place code at the query's level, or 'unknown' (facts whose place is not in it). */
  region?: string
  name?: string
  /** The breakdown value (age band, CVX or LOINC code, dose number, …). */
  value?: string
  /** One per period; null where suppressed. */
  counts: Cells
  /** positivity: tests; coverage: population (the same for every period). */
  denominators?: Cells
  /** counts / denominators where both are published. */
  rates?: Cells
}

/** The asker's daily privacy budget. */
export interface Budget {
  daily: number
  spent: number
  remaining: number
  /** The UTC day the budget is for. */
  day: string
}

export interface PrivacyMetadata {
  threshold: number
  /** Cells hidden because they were under the threshold. */
  suppressedCells: number
  /** Cells hidden so that the others cannot be recovered from the published totals. */
  complementaryCells: number
  dp: null | {
    mechanism: Mechanism
    epsilon: number
    /** Facts one person can add to the table (L1 sensitivity). */
    sensitivity: number
    /** Variance of each cell's noise. */
    variance: number
  }
  budget: Budget
  notes: string[]
}

export interface SeriesResult {
  measure: Measure
  interval: Grain
  from: string
  to: string
  level: Level
  region: string | null
  breakdown: Breakdown | null
  periods: string[]
  rows: SeriesLine[]
  totals: { byRegion?: SeriesLine[]; byValue: SeriesLine[]; all: SeriesLine }
  privacy: PrivacyMetadata
}

/** A place of the hierarchy (ISO 3166-2-style code). */
export interface Place {
  code: string
  name: string
  level: Level
  parent: string | null
}

/** What the dashboard needs before its first query: places, measures and their breakdowns. */
export interface Catalogue {
  places: (Place & { population: number | null })[]
  measures: { measure: Measure; breakdowns: Breakdown[] }[]
  budget: Budget
}
