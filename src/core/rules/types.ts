/**
 * @module core/rules/types
 * Entry rules as data (format `vigil-rules/v1`): an authority publishes named rule sets; a venue
 * picks one; the verifier evaluates it offline against a verified card's summary. A rule set is
 * met when any of its rules is (`anyOf`), so "vaccinated or tested" is one set of two rules.
 */
import type { VaccineFamily } from '../fhir/index.ts'

export const RULES_FORMAT = 'vigil-rules/v1'

/**
 * How doses of different products count towards a primary series: `larger` counts every dose of
 * the family towards the largest series any of them needs (a 1-dose product after a 2-dose one
 * still needs 2); `same-product` counts only doses of one product towards its own series.
 */
export type MixedProductsPolicy = 'larger' | 'same-product'

export interface VaccinationRule {
  readonly kind: 'vaccination'
  readonly family: VaccineFamily
  /** Whole days since the dose that completed the primary series. */
  readonly minDaysSinceLastDose: number
  /** CVX codes that count; absent: every code of the family. */
  readonly allowedCodes?: readonly string[]
  readonly mixedProducts: MixedProductsPolicy
}

export type TestMethod = 'antigen' | 'naat'

export interface TestRule {
  readonly kind: 'test'
  readonly target: 'sars-cov-2' | 'influenza-a' | 'influenza-b'
  /** Hours from sample collection to now, inclusive. */
  readonly maxSampleAgeHours: number
  readonly methods: readonly TestMethod[]
  /** LOINC codes that count; absent: every listed code of the target and methods. */
  readonly allowedCodes?: readonly string[]
}

export type Rule = VaccinationRule | TestRule

export interface RuleSet {
  /** Stable identifier a venue stores in its settings (`[a-z0-9-]`, 1-64). */
  readonly name: string
  /** Display titles by language tag (at least `en`). */
  readonly title: Readonly<Record<string, string>>
  readonly anyOf: readonly Rule[]
}

export interface RuleSetDocument {
  readonly format: typeof RULES_FORMAT
  readonly ruleSets: readonly RuleSet[]
}

export type ReasonCode =
  | 'RULE_DOSE_TOO_RECENT'
  | 'RULE_SERIES_INCOMPLETE'
  | 'RULE_SERIES_UNKNOWN'
  | 'RULE_TEST_TOO_OLD'
  | 'RULE_TEST_POSITIVE'
  | 'RULE_NO_MATCHING_EVIDENCE'

export interface Reason {
  readonly code: ReasonCode
  /** The rule (index in `anyOf`) that produced it. */
  readonly rule: number
  readonly params: Readonly<Record<string, number | string>>
}

export interface RuleOutcome {
  readonly ruleSet: string
  readonly meets: boolean
  /** The rule that was met (index in `anyOf`), when one was. */
  readonly metBy?: number
  /** Why no rule was met (empty when met). */
  readonly reasons: readonly Reason[]
}
