/**
 * @module core/certlogic/select
 * Which rules apply to one certificate, as the EU verifier apps choose them: the Acceptance
 * rules of the country of arrival and the Invalidation rules of the issuing country, of the
 * certificate's type or `General`, valid at the validation clock (ValidFrom ≤ clock ≤ ValidTo),
 * and of each Identifier only the highest Version among those.
 */
import type { DccRule, DccRuleCertificateType } from './types.ts'

export interface DccRuleSelection {
  /** Country of arrival (ISO 3166-1 alpha-2). */
  readonly country: string
  /** The issuing country (the CWT `iss`), for its Invalidation rules. */
  readonly issuerCountry?: string | undefined
  readonly certificateType: Exclude<DccRuleCertificateType, 'General'>
  /** POSIX seconds. */
  readonly clock: number
  /** A region of the country of arrival (rules for another region are left out). */
  readonly region?: string
}

function versionParts(v: string): number[] {
  return v.split('.').map((n) => Number.parseInt(n, 10))
}

/** Negative, zero or positive as semantic version a is lower than, equal to or above b. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)]
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** The certificate type of a DCC payload: the one of `v`, `t`, `r` it carries. */
export function dccRuleType(payload: unknown): DccRuleSelection['certificateType'] | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined
  const p = payload as Record<string, unknown>
  const has = (k: string) => Array.isArray(p[k]) && (p[k] as unknown[]).length > 0
  if (has('v')) return 'Vaccination'
  if (has('t')) return 'Test'
  if (has('r')) return 'Recovery'
  return undefined
}

/** Whether the set has any Acceptance rule of the country (else: no rules for that country). */
export function hasRulesFor(rules: readonly DccRule[], country: string): boolean {
  return rules.some((r) => r.Type === 'Acceptance' && r.Country === country)
}

/** The rules that apply, in Identifier order (so outcomes are listed stably). */
export function selectDccRules(rules: readonly DccRule[], sel: DccRuleSelection): DccRule[] {
  const clockMs = sel.clock * 1000
  const best = new Map<string, DccRule>()
  for (const rule of rules) {
    const owner = rule.Type === 'Acceptance' ? sel.country : sel.issuerCountry
    if (rule.Country !== owner) continue
    if (rule.CertificateType !== 'General' && rule.CertificateType !== sel.certificateType) continue
    if (rule.Region !== undefined && rule.Region !== sel.region) continue
    if (Date.parse(rule.ValidFrom) > clockMs || Date.parse(rule.ValidTo) < clockMs) continue
    const seen = best.get(rule.Identifier)
    if (seen === undefined || compareVersions(rule.Version, seen.Version) > 0) {
      best.set(rule.Identifier, rule)
    }
  }
  return [...best.values()].sort((a, b) => (a.Identifier < b.Identifier ? -1 : 1))
}

/** Per rule list: each rule's validity bounds (ms; NaN when unreadable, which never excludes). */
const boundsOf = new WeakMap<readonly DccRule[], { from: number[]; to: number[] }>()
/** Per rule list and (country, issuer, type, region): the last selection and the clock cell it holds in. */
const selections = new WeakMap<
  readonly DccRule[],
  Map<string, { lo: number; hi: number; rules: DccRule[] }>
>()

/**
 * selectDccRules, remembered: the selection changes only when the clock crosses a rule's
 * ValidFrom or ValidTo, so it is kept with the span of clocks around the one it was made for in
 * which no bound is crossed, and made again outside it. The same rules for the same country,
 * issuer, type and region, as selectDccRules gives them (the rule list is not to be mutated).
 */
export function selectDccRulesCached(
  rules: readonly DccRule[],
  sel: DccRuleSelection,
): readonly DccRule[] {
  let bounds = boundsOf.get(rules)
  if (bounds === undefined) {
    bounds = {
      from: rules.map((r) => Date.parse(r.ValidFrom)),
      to: rules.map((r) => Date.parse(r.ValidTo)),
    }
    boundsOf.set(rules, bounds)
  }
  let byKey = selections.get(rules)
  if (byKey === undefined) {
    byKey = new Map()
    selections.set(rules, byKey)
  }
  const key = `${sel.country}|${sel.issuerCountry ?? ''}|${sel.certificateType}|${sel.region ?? ''}`
  const clock = sel.clock * 1000
  const hit = byKey.get(key)
  if (hit !== undefined && hit.lo <= clock && clock <= hit.hi) return hit.rules
  // The cell: a rule enters at ValidFrom and leaves 1 ms after ValidTo (both bounds included).
  let lo = Number.NEGATIVE_INFINITY
  let hi = Number.POSITIVE_INFINITY
  for (let i = 0; i < rules.length; i++) {
    const from = bounds.from[i] as number
    const to = bounds.to[i] as number
    if (from <= clock) lo = Math.max(lo, from)
    else if (from > clock) hi = Math.min(hi, from - 1)
    if (to < clock) lo = Math.max(lo, to + 1)
    else if (to >= clock) hi = Math.min(hi, to)
  }
  const selected = selectDccRules(rules, sel)
  byKey.set(key, { lo, hi, rules: selected })
  return selected
}
