/**
 * @module core/rules/evaluate
 * The one evaluator of entry rules, shared by the browser verifier and the server: pure, with the
 * time as a parameter (POSIX seconds). It reads only a verified card's summary, so a rule can
 * never be met by anything the signature did not cover.
 *
 * Dates are read conservatively: a dose dated only to a month or year counts from the last day
 * it could have been given; a test dated without a time counts from the start of its day (the
 * oldest the sample could be). Days are whole UTC days between the dose's date and now.
 */
import type { CredentialSummary, ImmunizationSummary, TestSummary } from '../fhir/index.ts'
import type { Reason, RuleOutcome, RuleSet, TestRule, VaccinationRule } from './types.ts'

const DAY = 86_400
const HOUR = 3600
/** A sample "collected" this far after now is clock skew, not evidence from the future. */
const SKEW = 300

/** The latest instant (POSIX seconds, UTC midnight) a FHIR date `YYYY[-MM[-DD]]` may name. */
function latestDay(date: string): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date)
  if (m === null) return undefined
  const year = Number(m[1])
  if (m[2] === undefined) return Date.UTC(year, 11, 31) / 1000
  const month = Number(m[2]) - 1
  if (m[3] === undefined) return Date.UTC(year, month + 1, 0) / 1000
  return Date.UTC(year, month, Number(m[3])) / 1000
}

/** Whole days from a dose's date to now. */
export function daysSince(date: string, now: number): number | undefined {
  const at = latestDay(date)
  return at === undefined ? undefined : Math.floor((now - at) / DAY)
}

/** When a sample was collected (POSIX seconds): a bare date counts from its first instant. */
export function collectedAt(collected: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(collected)) return Date.UTC(...ymd(collected)) / 1000
  // FHIR dateTime with a time carries a zone (FHIR R4 §2.24.0.1 dateTime), so Date.parse is exact.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(collected)) {
    return undefined
  }
  const ms = Date.parse(collected)
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000)
}

function ymd(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return [y, m - 1, d]
}

const reason = (rule: number, code: Reason['code'], params: Reason['params'] = {}): Reason => ({
  code,
  rule,
  params,
})

function seriesOutcome(
  doses: readonly ImmunizationSummary[],
  need: number,
  rule: VaccinationRule,
  index: number,
  now: number,
): Reason | undefined {
  if (doses.length < need) {
    return reason(index, 'RULE_SERIES_INCOMPLETE', { have: doses.length, need })
  }
  // The dose that completed the series: later (booster) doses do not restart the wait.
  const completing = doses[need - 1] as ImmunizationSummary
  const days = daysSince(completing.date, now)
  if (days === undefined) return reason(index, 'RULE_NO_MATCHING_EVIDENCE')
  if (days < rule.minDaysSinceLastDose) {
    return reason(index, 'RULE_DOSE_TOO_RECENT', { days, needed: rule.minDaysSinceLastDose })
  }
  return undefined
}

function vaccination(
  rule: VaccinationRule,
  index: number,
  summary: CredentialSummary,
  now: number,
): Reason | undefined {
  const doses = summary.entries
    .filter((e): e is ImmunizationSummary => e.kind === 'immunization')
    .filter((d) => d.family === rule.family)
    .filter((d) => rule.allowedCodes?.includes(d.code) ?? true)
    .sort((a, b) => a.date.localeCompare(b.date))
  if (doses.length === 0) {
    return reason(index, 'RULE_NO_MATCHING_EVIDENCE', { family: rule.family })
  }
  if (rule.mixedProducts === 'larger') {
    const needs = doses.flatMap((d) => (d.seriesDoses === undefined ? [] : [d.seriesDoses]))
    if (needs.length === 0) return reason(index, 'RULE_SERIES_UNKNOWN', { have: doses.length })
    return seriesOutcome(doses, Math.max(...needs), rule, index, now)
  }
  // same-product: each product's doses towards its own series; met if any product's is.
  const products = new Map<string, ImmunizationSummary[]>()
  for (const d of doses) products.set(d.code, [...(products.get(d.code) ?? []), d])
  const outcomes = [...products.values()].flatMap((list) => {
    const need = list[0]?.seriesDoses
    return need === undefined
      ? []
      : [{ have: list.length, r: seriesOutcome(list, need, rule, index, now) }]
  })
  if (outcomes.length === 0) return reason(index, 'RULE_SERIES_UNKNOWN', { have: doses.length })
  if (outcomes.some((o) => o.r === undefined)) return undefined
  // Report the product closest to meeting the rule: the one with the most doses.
  return outcomes.sort((a, b) => b.have - a.have)[0]?.r
}

function test(rule: TestRule, index: number, summary: CredentialSummary, now: number) {
  const samples = summary.entries
    .filter((e): e is TestSummary => e.kind === 'test')
    .filter((t) => t.target === rule.target && t.method !== undefined)
    .filter((t) => rule.methods.includes(t.method as TestRule['methods'][number]))
    .filter((t) => rule.allowedCodes?.includes(t.code) ?? true)
    // An inconclusive or uncoded result proves nothing either way.
    .filter((t) => t.outcome === 'negative' || t.outcome === 'positive')
    .flatMap((t) => {
      const at = collectedAt(t.collected)
      return at === undefined || at > now + SKEW ? [] : [{ t, at }]
    })
    .sort((a, b) => b.at - a.at)
  const latest = samples[0]
  if (latest === undefined)
    return reason(index, 'RULE_NO_MATCHING_EVIDENCE', { target: rule.target })
  // The latest sample decides: a later positive outweighs an earlier negative.
  if (latest.t.outcome === 'positive')
    return reason(index, 'RULE_TEST_POSITIVE', { date: latest.t.date })
  const age = Math.max(0, now - latest.at)
  if (age > rule.maxSampleAgeHours * HOUR) {
    return reason(index, 'RULE_TEST_TOO_OLD', {
      hours: Math.ceil(age / HOUR),
      max: rule.maxSampleAgeHours,
    })
  }
  return undefined
}

/** Whether a verified card's summary meets a rule set at `now` (POSIX seconds), and why not. */
export function evaluate(ruleSet: RuleSet, summary: CredentialSummary, now: number): RuleOutcome {
  const reasons: Reason[] = []
  for (const [i, rule] of ruleSet.anyOf.entries()) {
    const r =
      rule.kind === 'vaccination' ? vaccination(rule, i, summary, now) : test(rule, i, summary, now)
    if (r === undefined) return { ruleSet: ruleSet.name, meets: true, metBy: i, reasons: [] }
    reasons.push(r)
  }
  return { ruleSet: ruleSet.name, meets: false, reasons }
}
