/**
 * @module core/verify/errors
 * Errors thrown by the verifier's helpers (trust material, scanned input). The verdict itself
 * never throws for a bad card: every failure becomes a check with a code.
 */
import { CoreError } from '../errors.ts'

export type VerifyErrorCode =
  /** Nothing was scanned or pasted. */
  | 'VERIFY_INPUT_EMPTY'
  /** The text is neither `shc:/…`, a compact JWS nor a `.smart-health-card` file. */
  | 'VERIFY_INPUT_UNRECOGNISED'
  /** An EU Digital COVID Certificate (`HC1:` text): another format, not read by this verifier. */
  | 'VERIFY_INPUT_DCC'
  /** Trust material is not a compact JWS, or its signature does not verify with the pinned key. */
  | 'VERIFY_TRUST_SIGNATURE'
  /** Trust material is signed but malformed (format, fields, sizes, policy). */
  | 'VERIFY_TRUST_FORMAT'
  /** The material names a log key other than the one that signed it (or the one pinned). */
  | 'VERIFY_TRUST_KEY_MISMATCH'
  /** The rule release has no ledger index yet, or no checkpoint covers it. */
  | 'VERIFY_RULES_NOT_LOGGED'
  /** The rule release's inclusion proof fails: the rules are refused. */
  | 'VERIFY_RULES_PROOF'

export class VerifyError extends CoreError<VerifyErrorCode> {}
