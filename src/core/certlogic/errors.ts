/**
 * @module core/certlogic/errors
 * Refusals of EU DCC business rules (CertLogic): rule sets arrive from the network (the trust
 * material, an operator's import), so every field is checked before a venue relies on it.
 */
import { CoreError } from '../errors.ts'

export type CertLogicErrorCode =
  /** A rule (or the list holding it) that breaks the EU validation-rule format. */
  'DCC_RULES_INVALID'

export class CertLogicError extends CoreError<CertLogicErrorCode> {}
