/**
 * @module core/witness/errors
 * Why a witness refuses a checkpoint (c2sp.org/tlog-witness §add-checkpoint). Each code maps to
 * one HTTP status of the protocol; the code names the reason in the refusal body.
 */
import { CoreError } from '../errors.ts'

export type WitnessErrorCode =
  /** The request body is not `old <size>`, proof lines, a blank line and a checkpoint (400). */
  | 'WITNESS_BAD_REQUEST'
  /** The checkpoint's origin is not a log this witness follows (404). */
  | 'WITNESS_UNKNOWN_LOG'
  /** No trusted log signature verifies, or a known log key's signature is bad (403). */
  | 'WITNESS_BAD_SIGNATURE'
  /** `old` is above the checkpoint's size (400). */
  | 'WITNESS_OLD_ABOVE_SIZE'
  /** A size-0 checkpoint whose root is not the empty tree's (422). */
  | 'WITNESS_BAD_EMPTY_ROOT'
  /** `old` is 0 but the request carries proof lines (422). */
  | 'WITNESS_UNEXPECTED_PROOF'
  /** The consistency proof from the cosigned tree does not verify: a fork or a rewrite (422). */
  | 'WITNESS_INCONSISTENT'
  /**
   * The witness cosigned this origin's final checkpoint (a frozen log shard, `final` line) and
   * this checkpoint is past its size: a frozen log never grows, so it is a forgery or a rogue
   * key (422, kept as evidence).
   */
  | 'WITNESS_SHARD_FROZEN'
  /** A `text/x.tlog.size` body that is not one decimal size and a newline. */
  | 'WITNESS_BAD_SIZE'

export class WitnessError extends CoreError<WitnessErrorCode> {}
