/**
 * Entry rules at the door: the venue picks one of the rule sets its authority published in the
 * signed trust material (settings, kept on this device), and each valid card shows whether it
 * meets it and, if not, why — evaluated here by core/rules, offline. Rule sets whose text does
 * not match the hash logged for them are refused (RULES_HASH_MISMATCH) and never offered.
 */
import {
  evaluate,
  openRuleSetText,
  type Reason,
  type RuleSet,
} from '../../../src/core/rules/index.ts'
import type { OpenedTrustMaterial, Verdict } from '../../../src/core/verify/index.ts'
import { byId, el } from '../dom.ts'
import { lang, type MessageKey, onLangChange, t } from '../i18n/index.ts'

const KEY = 'vigil.verify.ruleSet'
let ruleSets: RuleSet[] = []
let release: number | undefined
let refused: string | undefined

function chosen(): RuleSet | undefined {
  const name = localStorage.getItem(KEY)
  return ruleSets.find((s) => s.name === name)
}

function title(set: RuleSet): string {
  return set.title[lang()] ?? set.title.en ?? set.name
}

/** Adds the rule-set picker to the settings panel (once, at start). */
export function mountRuleSettings(): void {
  const select = el('select', { id: 'rule-set', 'aria-describedby': 'rule-set-hint' })
  // Rule titles are the authority's text, of any length: never wider than the phone (CSSOM,
  // which the page's CSP allows, unlike a style attribute).
  select.style.maxWidth = '100%'
  select.addEventListener('change', () => {
    if (select.value === '') localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, select.value)
  })
  const label = el('label', { for: 'rule-set' }, t('rules.setting'))
  label.dataset.i18n = 'rules.setting'
  const hint = el('p', { id: 'rule-set-hint', class: 'hint' })
  const before = byId('deployments-heading')
  before.before(el('p', {}, label, select), hint)
  onLangChange(fillOptions)
  fillOptions()
}

function fillOptions(): void {
  const select = document.getElementById('rule-set') as HTMLSelectElement | null
  if (select === null) return
  const current = chosen()?.name ?? ''
  select.replaceChildren(
    el('option', { value: '' }, t('rules.none')),
    ...ruleSets.map((s) => el('option', { value: s.name }, title(s))),
  )
  select.value = current
  const hint = byId('rule-set-hint')
  hint.textContent =
    refused !== undefined
      ? t('rules.refused', { code: refused })
      : release === undefined
        ? t('rules.unpublished')
        : t('rules.release', { release })
}

/** Takes the rule sets from the home deployment's verified trust material. */
export function setRuleSource(materials: readonly OpenedTrustMaterial[]): void {
  const rules = materials.find((m) => m.rules !== undefined)?.rules
  ruleSets = []
  release = undefined
  refused = undefined
  if (rules !== undefined) {
    try {
      ruleSets = [...openRuleSetText(rules.text, rules.sha256).ruleSets]
      release = rules.release
    } catch (err) {
      refused = (err as { code?: string }).code ?? 'RULES_FORMAT'
    }
  }
  fillOptions()
}

function reasonText(reason: Reason): string {
  return t(`rules.${reason.code}` as MessageKey, reason.params)
}

/**
 * Shows, right under the verdict, whether a valid card meets the chosen rule set; returns
 * whether it does (undefined when no rule set is chosen or the card is not valid).
 */
export function renderRuleOutcome(verdict: Verdict): boolean | undefined {
  let box = document.getElementById('rule-outcome')
  if (box === null) {
    box = el('p', { id: 'rule-outcome', class: 'rule-outcome' })
    byId('verdict').after(box)
  }
  const set = chosen()
  if (set === undefined || verdict.status !== 'valid' || verdict.summary === undefined) {
    box.hidden = true
    return undefined
  }
  const outcome = evaluate(set, verdict.summary, verdict.now)
  box.hidden = false
  box.dataset.meets = String(outcome.meets)
  box.dataset.codes = outcome.reasons.map((r) => r.code).join(' ')
  const head = outcome.meets
    ? t('rules.meets', { rule: title(set) })
    : t('rules.fails', { rule: title(set) })
  box.replaceChildren(
    el('span', { class: 'rule-icon', 'aria-hidden': 'true' }, outcome.meets ? '✓ ' : '✗ '),
    el('strong', {}, head),
    ...(outcome.meets ? [] : [el('br'), outcome.reasons.map(reasonText).join('; ')]),
  )
  return outcome.meets
}
