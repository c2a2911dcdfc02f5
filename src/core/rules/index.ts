/**
 * @module core/rules
 * Entry rules as data: the `vigil-rules/v1` format, its strict parser (with the ledger hash
 * check), and the one evaluator the browser verifier and the server share.
 */

export { RulesError, type RulesErrorCode } from './errors.ts'
export { collectedAt, daysSince, evaluate } from './evaluate.ts'
export {
  checkRuleSetDocument,
  MAX_RULES_TEXT,
  openRuleSetText,
  parseRuleSetText,
  ruleSetHash,
} from './parse.ts'
export * from './types.ts'
