/**
 * @module core/certlogic/types
 * EU DCC business rules as the EU gateway distributes them (the validation-rule JSON of the
 * eHealth Network's "Validation rules" guideline), and what evaluating them yields.
 */
import type { CertLogicExpression } from 'certlogic-js/dist/typings.js'

export type { CertLogicExpression }

export const DCC_RULE_TYPES = ['Acceptance', 'Invalidation'] as const
export type DccRuleType = (typeof DCC_RULE_TYPES)[number]

export const DCC_RULE_CERTIFICATE_TYPES = ['General', 'Vaccination', 'Test', 'Recovery'] as const
export type DccRuleCertificateType = (typeof DCC_RULE_CERTIFICATE_TYPES)[number]

export interface DccRuleDescription {
  readonly lang: string
  readonly desc: string
}

/** One rule, field names as on the wire (PascalCase, as the gateway's JSON schema has them). */
export interface DccRule {
  /** `GR|VR|TR|RR|IR-<CC>-NNNN`. */
  readonly Identifier: string
  readonly Type: DccRuleType
  /** The rule's owner: the country of arrival (Acceptance) or of issue (Invalidation). */
  readonly Country: string
  /** Semantic version; of several versions of one Identifier the highest valid one applies. */
  readonly Version: string
  readonly SchemaVersion: string
  readonly Engine: 'CERTLOGIC'
  readonly EngineVersion: string
  readonly CertificateType: DccRuleCertificateType
  /** At least one, one of them in English. */
  readonly Description: readonly DccRuleDescription[]
  /** ISO 8601 with offset; the rule applies from ValidFrom to ValidTo, both included. */
  readonly ValidFrom: string
  readonly ValidTo: string
  readonly AffectedFields: readonly string[]
  readonly Logic: CertLogicExpression
  /** A region of the country the rule is limited to (absent: the whole country). */
  readonly Region?: string
}

/** Value sets by id (e.g. `vaccines-covid-19-names`): the codes each one allows. */
export type DccValueSets = Readonly<Record<string, readonly string[]>>

/** A country's rules as a venue applies them. */
export interface DccRuleSet {
  /** ISO 3166-1 alpha-2 of the country of arrival. */
  readonly country: string
  readonly rules: readonly DccRule[]
  /** The value sets the rules read through `external.valueSets` (none: an empty map). */
  readonly valueSets?: DccValueSets
  /** Where the set came from, for display and proof (e.g. `dcc-rules:AT:3`). */
  readonly release?: string
}

/**
 * The `external` half of the data a rule reads, named as in the EU verifier apps' engine:
 * instants as ISO 8601 strings, so rules compare them with `after`/`before`.
 */
export interface DccExternal {
  readonly validationClock: string
  readonly valueSets: DccValueSets
  /** Country of arrival. */
  readonly countryCode: string
  readonly exp: string
  readonly iat: string
  readonly issuerCountryCode: string
  readonly kid: string
  readonly region: string
}

/** `pass`: the rule evaluated to `true`; `fail`: anything else; `error`: evaluation threw. */
export type DccRuleResult = 'pass' | 'fail' | 'error'

export interface DccRuleOutcome {
  readonly identifier: string
  readonly version: string
  readonly type: DccRuleType
  readonly result: DccRuleResult
  /** The rule's description in the language asked for (English when it has none). */
  readonly description: string
  /** The evaluator's message, for an `error` outcome. */
  readonly error?: string
}

export type DccRulesCode =
  | 'DCC_RULES_PASSED'
  | 'DCC_RULE_FAILED'
  | 'DCC_RULE_ERROR'
  | 'DCC_RULES_NONE'

export interface DccRulesVerdict {
  /** DCC_RULES_PASSED, or why not: the first failed rule (an error counts as failed). */
  readonly code: DccRulesCode
  readonly outcomes: readonly DccRuleOutcome[]
  /** The first rule that failed or erred (in Identifier order). */
  readonly failed?: DccRuleOutcome
}
