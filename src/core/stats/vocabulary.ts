/**
 * The surveillance API's words (docs/SURVEILLANCE.md): periods, levels of the place hierarchy,
 * noise mechanisms, measures and their breakdowns. The service validates queries against these
 * lists and the dashboard builds its forms from them, so the two cannot drift apart.
 */

/** Periods a series is counted by: days, ISO weeks (from Monday), months. */
export const GRAINS = ['day', 'week', 'month'] as const
export type Grain = (typeof GRAINS)[number]

/** Levels of the place hierarchy, coarsest first. */
export const LEVELS = ['country', 'region', 'district'] as const
export type Level = (typeof LEVELS)[number]

/** Differential privacy mechanisms (surveillance/dp). */
export const MECHANISMS = ['geometric', 'laplace'] as const
export type Mechanism = (typeof MECHANISMS)[number]

/** Counted measures, as stored in the rollups. */
export const COUNTS = [
  'doses',
  'complete',
  'tests',
  'positives',
  'uploads',
  'codes_issued',
  'codes_redeemed',
] as const
export type CountMeasure = (typeof COUNTS)[number]

/** Measures a query may ask for: the counts, and two ratios. */
export const MEASURES = [...COUNTS, 'coverage', 'positivity'] as const
export type Measure = (typeof MEASURES)[number]

export const BREAKDOWNS = [
  'age_band',
  'product',
  'dose',
  'test_type',
  'result',
  'report_type',
] as const
export type Breakdown = (typeof BREAKDOWNS)[number]

/** Which breakdowns make sense for a measure (others are refused, not answered with nothing). */
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
