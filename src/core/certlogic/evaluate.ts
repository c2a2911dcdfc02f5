/**
 * @module core/certlogic/evaluate
 * Evaluates rules over `{payload, external}`: each rule's Logic compiled once into closures
 * (compile.ts, whose results equal the maintained reference evaluator certlogic-js's, kept here
 * as evaluateCertLogic), the selection kept per country, type and clock span
 * (selectDccRulesCached). A rule passes only when it evaluates to exactly `true` (the EU test
 * tooling's reading); anything else fails, and an evaluation error counts as failed too
 * (CertLogic spec, "Evaluation": a rule that cannot be evaluated is not satisfied).
 */
import { evaluate } from 'certlogic-js/dist/evaluator.js'
import { type CompiledCertLogic, compile } from './compile.ts'
import { type DccRuleSelection, hasRulesFor, selectDccRulesCached } from './select.ts'
import type {
  CertLogicExpression,
  DccExternal,
  DccRule,
  DccRuleOutcome,
  DccRuleSet,
  DccRulesVerdict,
} from './types.ts'

/** The rule's description in `lang` (or its primary language), else English, else the first. */
export function ruleDescription(rule: DccRule, lang = 'en'): string {
  const d = rule.Description
  const primary = lang.split('-')[0]
  const hit =
    d.find((x) => x.lang === lang) ??
    d.find((x) => x.lang === primary) ??
    d.find((x) => x.lang === 'en') ??
    d[0]
  return hit?.desc ?? rule.Identifier
}

/** Each rule's Logic, compiled on first use (rules are read-only once parsed). */
const compiled = new WeakMap<DccRule, CompiledCertLogic>()

function logicOf(rule: DccRule): CompiledCertLogic {
  let logic = compiled.get(rule)
  if (logic === undefined) {
    logic = compile(rule.Logic)
    compiled.set(rule, logic)
  }
  return logic
}

/** Evaluates one CertLogic expression with the reference evaluator; throws what it throws. */
export function evaluateCertLogic(expr: CertLogicExpression, data: unknown): unknown {
  return evaluate(expr, data)
}

/** One rule's outcome (never throws). */
export function evaluateDccRule(
  rule: DccRule,
  payload: unknown,
  external: DccExternal,
  lang = 'en',
): DccRuleOutcome {
  const base = {
    identifier: rule.Identifier,
    version: rule.Version,
    type: rule.Type,
    description: ruleDescription(rule, lang),
  }
  try {
    const value = logicOf(rule)({ payload, external })
    return { ...base, result: value === true ? 'pass' : 'fail' }
  } catch (err) {
    return { ...base, result: 'error', error: err instanceof Error ? err.message : String(err) }
  }
}

export interface DccRulesInput {
  readonly payload: unknown
  readonly external: DccExternal
  readonly certificateType: DccRuleSelection['certificateType']
  /** Language for the descriptions (`en`, `es`, …). */
  readonly lang?: string
}

/**
 * Selects and evaluates a country's rules for one certificate. DCC_RULES_NONE when the set has
 * no Acceptance rule of the country of arrival; else the first rule (by Identifier) that failed
 * or erred decides, with DCC_RULE_FAILED or DCC_RULE_ERROR.
 */
export function evaluateDccRules(set: DccRuleSet, input: DccRulesInput): DccRulesVerdict {
  if (!hasRulesFor(set.rules, set.country)) return { code: 'DCC_RULES_NONE', outcomes: [] }
  const { external } = input
  const selected = selectDccRulesCached(set.rules, {
    country: set.country,
    issuerCountry: external.issuerCountryCode,
    certificateType: input.certificateType,
    clock: Date.parse(external.validationClock) / 1000,
    ...(external.region === '' ? {} : { region: external.region }),
  })
  const outcomes = selected.map((r) => evaluateDccRule(r, input.payload, external, input.lang))
  const failed = outcomes.find((o) => o.result !== 'pass')
  if (failed === undefined) return { code: 'DCC_RULES_PASSED', outcomes }
  return {
    code: failed.result === 'error' ? 'DCC_RULE_ERROR' : 'DCC_RULE_FAILED',
    outcomes,
    failed,
  }
}
