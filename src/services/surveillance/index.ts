/** Dashboards: facts, rollups, regions, queries with suppression and differential privacy. */
// The API's vocabulary and JSON live in core/stats, shared with the pages that read them.
export {
  BREAKDOWNS,
  BREAKDOWNS_OF,
  type Breakdown,
  type Budget,
  COUNTS,
  GRAINS,
  type Grain,
  LEVELS,
  type Level,
  MAX_VIEW_EPSILON,
  MEASURES,
  MECHANISMS,
  type Measure,
  type Mechanism,
  type PublicStats,
  type SeriesResult,
} from '../../core/stats/index.ts'
export {
  addExclusion,
  deleteExclusion,
  deleteThreshold,
  listExclusions,
  listThresholds,
  setThreshold,
} from './alert-settings.ts'
export { listAlerts, reviewAlert, scanAlerts } from './alerts.ts'
export {
  type BoundariesReport,
  loadBoundaries,
  matchBoundaries,
  readBoundaries,
} from './boundaries.ts'
export { type FileFeature, MAX_VERTICES, parseBoundaries } from './boundaries-file.ts'
export { type EpiCurveQuery, epiCurve, type YearsQuery, yearOnYear } from './curves.ts'
export {
  exposureFact,
  type IngestInput,
  ingestFacts,
  insertFactsSql,
  recordFacts,
  rollupDeltas,
  upsertRollupsSql,
} from './facts.ts'
export { MAX_MAP_DAYS, type MapQuery, mapRates, splitRange } from './map.ts'
export { type FactRow, SENSITIVITY, seriesCompletes, testTypeOf } from './measures.ts'
export { isOpenDataMeasure, openDataIndex, openDataset, openDataZip } from './open-data.ts'
export * from './periods.ts'
export { publicStats } from './public.ts'
export { querySeries, type SeriesQuery, surveillanceCatalogue } from './query.ts'
export { Hierarchy, readHierarchy } from './regions.ts'
export * from './regions-csv.ts'
export {
  detectSignals,
  type PlaceSignals,
  SIGNAL_METHODS,
  type SignalMethodName,
  type SignalsQuery,
  type SignalsResult,
} from './signals.ts'
export * from './synthetic.ts'
export { showView, viewCost } from './view.ts'
