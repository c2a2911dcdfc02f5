/**
 * @module core/certlogic/evaluate
 * Evaluates rules with the maintained CertLogic evaluator (certlogic-js, Apache-2.0; CertLogic
 * spec 1.3.x) over `{payload, external}`. A rule passes only when it evaluates to exactly `true`
 * (the EU test tooling's reading); anything else fails, and an evaluation error counts as failed
 * too (CertLogic spec, "Evaluation": a rule that cannot be evaluated is not satisfied).
 */
import { evaluate } from 'certlogic-js/dist/evaluator.js'
import { type DccRuleSelection, hasRulesFor, selectDccRules } from './select.ts'
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

/** Evaluates one CertLogic expression; throws what the evaluator throws. */
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
    const value = evaluate(rule.Logic, { payload, external })
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
  const selected = selectDccRules(set.rules, {
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
