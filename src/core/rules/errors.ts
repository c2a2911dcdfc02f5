/**
 * @module core/rules/errors
 * Refusals of rule-set documents: they arrive from the network (trust material, an admin's
 * upload), so every field is checked before a venue relies on it.
 */
import { CoreError } from '../errors.ts'

export type RulesErrorCode =
  /** Not a `vigil-rules/v1` document, or a rule set or rule that breaks the format. */
  | 'RULES_FORMAT'
  /** The rule-set text does not hash to the SHA-256 its ledger entry commits to. */
  | 'RULES_HASH_MISMATCH'

export class RulesError extends CoreError<RulesErrorCode> {}
