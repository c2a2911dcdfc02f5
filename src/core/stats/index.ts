/**
 * @module core/stats
 * The surveillance API's vocabulary and JSON, shared by the service (src/surveillance) and the
 * pages that read it (dashboard, public statistics). Pure: constants, ISO-week arithmetic and types.
 */

export * from './alerts.ts'
export * from './epi-weeks.ts'
export type * from './maps.ts'
export * from './notes.ts'
export type * from './public-stats.ts'
export * from './release-text.ts'
export type * from './series.ts'
export * from './view.ts'
export * from './vocabulary.ts'
