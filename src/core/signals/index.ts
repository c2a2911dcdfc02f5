/**
 * @module core/signals
 * Outbreak signal detection on counts per period: Farrington flexible, EARS C1–C3 and CUSUM,
 * checked against R's `surveillance` package (test/vectors/signals). Pure: no I/O, no clock.
 */
export * from './cusum.ts'
export { normalQuantile } from './distributions.ts'
export * from './ears.ts'
export * from './errors.ts'
export * from './farrington.ts'
export {
  FARRINGTON_DEFAULTS,
  type FarringtonControl,
  NOUFAILY,
} from './farrington-control.ts'
export type * from './types.ts'
export { describePeriods } from './validate.ts'
