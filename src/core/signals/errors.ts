/**
 * @module core/signals/errors
 * Refusals of a detector's input. A series too short to evaluate is not an error (it is a
 * `HistoryTooShort` result); these are inputs no detector can read.
 */
import { CoreError } from '../errors.ts'

export type SignalErrorCode =
  /** A count that is negative, fractional-infinite or not a number. */
  | 'SIGNAL_COUNTS'
  /** A population missing, of the wrong length, or not positive where the offset needs it. */
  | 'SIGNAL_POPULATION'
  /** An outbreak mask whose length differs from the counts'. */
  | 'SIGNAL_MASK'
  /** A control value out of its range (the field names it). */
  | 'SIGNAL_CONTROL'

export class SignalError extends CoreError<SignalErrorCode> {}
