/**
 * The surveillance API's JSON as the pages read it. Pages import nothing from the services
 * (test/unit/architecture.test.ts), so these mirror src/surveillance/query.ts by hand: a field
 * renamed there must be renamed here.
 */

export type Grain = 'day' | 'week' | 'month'
export type Level = 'country' | 'region' | 'district'
export type Mechanism = 'geometric' | 'laplace'
export type Breakdown = 'age_band' | 'product' | 'dose' | 'test_type' | 'result' | 'report_type'
export type Measure =
  | 'doses'
  | 'complete'
  | 'tests'
  | 'positives'
  | 'uploads'
  | 'codes_issued'
  | 'codes_redeemed'
  | 'coverage'
  | 'positivity'

/** One line of a series: null where a cell is suppressed. */
export interface SeriesLine {
  region?: string
  name?: string
  value?: string
  counts: (number | null)[]
  denominators?: (number | null)[]
  rates?: (number | null)[]
}

export interface Budget {
  daily: number
  spent: number
  remaining: number
  day: string
}

export interface PrivacyMetadata {
  threshold: number
  suppressedCells: number
  complementaryCells: number
  dp: null | { mechanism: Mechanism; epsilon: number; sensitivity: number; variance: number }
  budget?: Budget
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

export interface Place {
  code: string
  name: string
  level: Level
  parent: string | null
}

/** Which breakdowns each measure accepts (src/surveillance/measures.ts BREAKDOWNS_OF). */
export const BREAKDOWNS_OF: Record<Measure, readonly Breakdown[]> = {
  doses: ['age_band', 'product', 'dose'],
  complete: ['age_band', 'product', 'dose'],
  coverage: ['age_band'],
  tests: ['age_band', 'product', 'test_type', 'result'],
  positives: ['age_band', 'product', 'test_type'],
  positivity: ['age_band', 'product', 'test_type'],
  uploads: ['test_type', 'report_type'],
  codes_issued: ['test_type'],
  codes_redeemed: ['test_type'],
}
