/** Dashboards: facts, rollups, regions, queries with suppression and differential privacy. */
export { actorKey, type Budget, readBudget, spendBudget } from './budget.ts'
export { MECHANISMS, type Mechanism } from './dp.ts'
export { SurveillanceError, type SurveillanceErrorCode } from './errors.ts'
export { exposureFact, recordFacts, rollupDeltas } from './facts.ts'
export { refreshLedgerTotals } from './ledger-totals.ts'
export {
  BREAKDOWNS,
  BREAKDOWNS_OF,
  type Breakdown,
  COUNTS,
  type FactRow,
  MEASURES,
  type Measure,
  SENSITIVITY,
} from './measures.ts'
export { GRAINS, type Grain } from './periods.ts'
export { type PublicStats, publicStats } from './public.ts'
export {
  querySeries,
  type SeriesQuery,
  type SeriesResult,
  surveillanceCatalogue,
} from './query.ts'
export { Hierarchy, LEVELS, type Level, readHierarchy } from './regions.ts'
