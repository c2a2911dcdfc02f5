/**
 * @module core/verify/dcc-rules
 * The EU business rules a venue applies, from the trust material it holds: the countries it can
 * choose, and for the chosen one the rule set the DCC verifier takes (`options.rules`). A country
 * the material has no rules for still gets a rules check (DCC_RULES_NONE: cannot confirm), and
 * rules or value sets that do not match their ledger hash give DCC_RULES_INVALID, so a venue
 * that chose a country never silently admits a certificate unchecked.
 */
import {
  CertLogicError,
  type DccValueSets,
  openDccRulesRelease,
  openDccValueSetsRelease,
} from '../certlogic/index.ts'
import type { TrustMaterial } from './trust-material.ts'
import type { DccRulesOption } from './verify-dcc.ts'

/** The countries of arrival whose rules the material carries, sorted. */
export function dccRuleCountries(material: Pick<TrustMaterial, 'dccRules'>): string[] {
  return (material.dccRules ?? []).map((r) => r.country).sort()
}

/** The `rules` option of verifyDcc for a venue that chose `country` (in language `lang`). */
export function dccRulesFor(
  material: Pick<TrustMaterial, 'dccRules' | 'dccValueSets'>,
  country: string,
  lang?: string,
): DccRulesOption {
  const language = lang === undefined ? {} : { lang }
  const release = material.dccRules?.find((r) => r.country === country)
  if (release === undefined) return { set: { country, rules: [] }, ...language }
  try {
    const valueSets: DccValueSets | undefined =
      material.dccValueSets === undefined
        ? undefined
        : openDccValueSetsRelease(material.dccValueSets)
    return { set: openDccRulesRelease(release, valueSets), ...language }
  } catch (err) {
    if (!(err instanceof CertLogicError)) throw err
    return { set: { invalid: `${err.message} (${err.field ?? ''})` }, ...language }
  }
}
