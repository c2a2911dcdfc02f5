/**
 * EU entry rules at the door: the venue picks a country of arrival whose business rules
 * (CertLogic, imported by its authority and carried in the signed trust material with their
 * ledger entry) every EU certificate must meet, in the settings panel beside Vigil's own rule
 * sets, kept on this device. The rules travel with the trust material the service worker keeps,
 * so the choice works offline too. The set is opened once per trust material and country
 * (core/verify dccRulesFor: the text is checked against its hash; an altered one is refused as
 * DCC_RULES_INVALID). A failed rule is named with its description in the page's language,
 * looked up again when the language changes.
 */
import {
  type DccRule,
  type DccRuleSet,
  ruleDescription,
} from '../../../src/core/certlogic/index.ts'
import {
  type DccRulesOption,
  dccRuleCountries,
  dccRulesFor,
  type OpenedTrustMaterial,
  type PlainVerdict,
  type Verdict,
} from '../../../src/core/verify/index.ts'
import { byId, el } from '../dom.ts'
import { lang, onLangChange, t } from '../i18n/index.ts'
import type { LoadedDeployment } from './data.ts'
import { regionName } from './dcc-view.ts'

const KEY = 'vigil.verify.dccCountry'
let material: OpenedTrustMaterial | undefined
let opened: { material: OpenedTrustMaterial; country: string; option: DccRulesOption } | undefined

function chosenCountry(): string | undefined {
  const country = localStorage.getItem(KEY) ?? ''
  return material !== undefined && dccRuleCountries(material).includes(country)
    ? country
    : undefined
}

/** Adds the country picker to the settings panel, after the rule-set picker (once, at start). */
export function mountDccRuleSettings(): void {
  const select = el('select', { id: 'dcc-country', 'aria-describedby': 'dcc-country-hint' })
  select.style.maxWidth = '100%'
  select.addEventListener('change', () => {
    if (select.value === '') localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, select.value)
  })
  const label = el('label', { for: 'dcc-country' }, t('dccRules.setting'))
  label.dataset.i18n = 'dccRules.setting'
  const hint = el('p', { id: 'dcc-country-hint', class: 'hint' })
  byId('deployments-heading').before(el('p', {}, label, select), hint)
  onLangChange(fillOptions)
  fillOptions()
}

function fillOptions(): void {
  const select = document.getElementById('dcc-country') as HTMLSelectElement | null
  if (select === null) return
  // The stored choice, even before the material that offers it has loaded.
  const stored = localStorage.getItem(KEY) ?? ''
  const countries = material === undefined ? [] : dccRuleCountries(material)
  select.replaceChildren(
    el('option', { value: '' }, t('dccRules.none')),
    ...countries.map((c) => el('option', { value: c }, regionName(c))),
  )
  select.value = countries.includes(stored) ? stored : ''
  byId('dcc-country-hint').textContent =
    countries.length === 0 ? t('dccRules.unpublished') : t('dccRules.hint')
}

/** Takes the countries from this site's verified trust material (it carries the EU rules). */
export function setDccRuleSource(loaded: readonly LoadedDeployment[]): void {
  material = loaded.find((d) => d.base === '')?.material
  opened = undefined
  fillOptions()
}

/** The `rules` option for an EU certificate, when the venue chose a country. */
export function chosenDccRules(): DccRulesOption | undefined {
  const country = chosenCountry()
  if (country === undefined || material === undefined) return undefined
  if (opened?.material !== material || opened.country !== country) {
    opened = { material, country, option: dccRulesFor(material, country) }
  }
  return opened.option
}

function ruleOf(identifier: string, version: string): DccRule | undefined {
  const set = opened?.option.set
  if (set === undefined || 'invalid' in set) return undefined
  return (set as DccRuleSet).rules.find(
    (r) => r.Identifier === identifier && (version === '' || r.Version === version),
  )
}

/**
 * The plain verdict as the page says it: the country by name, and a failed rule's description
 * in the page's language (the verdict carries the one it was checked in).
 */
export function localisedDccPlain(verdict: Verdict, plain: PlainVerdict): PlainVerdict {
  if (verdict.dcc === undefined || plain.params.country === undefined) return plain
  const params: Record<string, string> = {
    ...plain.params,
    country: regionName(plain.params.country),
  }
  const detail = verdict.reason?.detail
  if (plain.key === 'rule-failed' && detail?.rule !== undefined) {
    const rule = ruleOf(detail.rule, detail.version ?? '')
    if (rule !== undefined) params.desc = ruleDescription(rule, lang())
  }
  // The sentence closes the parenthesis around the description: no full stop inside it.
  if (params.desc !== undefined) params.desc = params.desc.replace(/[.\s]+$/, '')
  return { ...plain, params }
}

/** Under a valid EU certificate checked against a country's rules: that it meets them. */
export function renderDccRuleOutcome(verdict: Verdict): void {
  const rules = verdict.dcc === undefined ? undefined : verdict.checks.find((c) => c.id === 'rules')
  const box = document.getElementById('rule-outcome')
  if (box === null || rules === undefined || verdict.status !== 'valid') return
  const country = rules.detail?.country ?? ''
  box.hidden = false
  box.dataset.meets = 'true'
  box.dataset.codes = rules.code
  box.dataset.proof = ''
  box.replaceChildren(
    el('span', { class: 'rule-icon', 'aria-hidden': 'true' }, '✓ '),
    el('strong', {}, t('dccRules.meets', { country: regionName(country) })),
  )
}
