/**
 * @module core/certlogic
 * EU DCC business rules (CertLogic), evaluated offline: the strict reader of the gateway's rule
 * JSON, the EU apps' choice of rules (country, type, validity, highest version), the `external`
 * context, and the evaluation, in which an error counts as a failed rule.
 */
export { type CompiledCertLogic, compile as compileCertLogic } from './compile.ts'
export { CertLogicError, type CertLogicErrorCode } from './errors.ts'
export {
  type DccRulesInput,
  evaluateCertLogic,
  evaluateDccRule,
  evaluateDccRules,
  ruleDescription,
} from './evaluate.ts'
export { type DccExternalInput, dccExternal, isoInstant } from './external.ts'
export {
  MAX_DCC_RULES,
  parseDccRule,
  parseDccRules,
  parseDccRulesText,
  parseDccValueSets,
} from './parse.ts'
export {
  type DccRulesRelease,
  type DccValueSetsRelease,
  dccRulesHash,
  dccRulesKeyId,
  dccValueSetsKeyId,
  openDccRulesRelease,
  openDccValueSetsRelease,
  parseDccValueSetsText,
} from './release.ts'
export {
  compareVersions,
  type DccRuleSelection,
  dccRuleType,
  hasRulesFor,
  selectDccRules,
  selectDccRulesCached,
} from './select.ts'
export * from './types.ts'
