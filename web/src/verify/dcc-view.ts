/**
 * What the venue sees for an EU DCC / GDHCN certificate whose signature verified: the name as
 * printed and as transliterated (ICAO 9303, what a passport's machine-readable zone shows), the
 * birth date, the one vaccination, test or recovery with the product, test and result names
 * from the EU value sets (value-sets/eu-dcc.json), the certificate issuer and country, and the
 * trust list that vouched for the signer: its name, age and ledger entry. A certificate that
 * carries only WHO claims (DDCC core data sets, ICVP: core/dcc/who.ts) shows those: name, birth
 * date, product or test, date, batch or dose, issuer. Text only.
 */
import type { DccSummary, WhoSummary } from '../../../src/core/dcc/index.ts'
import type { DccListInfo, Verdict } from '../../../src/core/verify/index.ts'
import { byId, el } from '../dom.ts'
import {
  formatAge,
  formatFhirDate,
  formatTime,
  hasMessage,
  type MessageKey,
  t,
} from '../i18n/index.ts'
import valueSets from './value-sets/eu-dcc.json'

type SetName = Exclude<keyof typeof valueSets, 'source'>

/** A code's name from a value set, else the code as the certificate writes it. */
function named(set: SetName, code: string): string {
  return (valueSets[set] as Record<string, string>)[code] ?? code
}

/** A translated name where the page has one (test type and result), else the value set's. */
function localised(prefix: 'dcc.testType' | 'dcc.result', set: SetName, code: string): string {
  const key = `${prefix}.${code}`
  return hasMessage(key) ? t(key as MessageKey) : named(set, code)
}

export function regionName(code: string): string {
  try {
    const name = new Intl.DisplayNames([document.documentElement.lang || 'en'], {
      type: 'region',
    }).of(code)
    return name === undefined || name === code ? code : `${name} (${code})`
  } catch {
    return code
  }
}

/** ISO 8601 date-time (a test's sample) → local time; anything else as written. */
function dateTime(text: string): string {
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? text : formatTime(Math.floor(ms / 1000))
}

function entryLines(s: DccSummary): (Node | string)[] {
  const where = s.country === '' ? '' : ` · ${t('dcc.in', { country: regionName(s.country) })}`
  if (s.vaccination !== undefined) {
    const v = s.vaccination
    const dose =
      v.dose <= v.doses
        ? t('summary.doseOf', { n: v.dose, m: v.doses })
        : t('summary.dose', { n: v.dose })
    return [
      el('strong', {}, named('vaccine-medicinal-product', v.product)),
      ` (${named('vaccine-prophylaxis', v.vaccine)}, ${named('vaccine-mah-manf', v.manufacturer)})`,
      el('br'),
      `${t('dcc.vaccination', { disease: named('disease-agent-targeted', v.disease) })} · ${formatFhirDate(v.date)} · ${dose}${where}`,
    ]
  }
  if (s.test !== undefined) {
    const x = s.test
    const device = x.device === undefined ? '' : ` (${x.device})`
    return [
      el('strong', {}, `${localised('dcc.testType', 'test-type', x.testType)}${device}`),
      ' · ',
      el('strong', {}, localised('dcc.result', 'test-result', x.result)),
      el('br'),
      `${t('dcc.test', { disease: named('disease-agent-targeted', x.disease) })} · ${t('dcc.sample', { time: dateTime(x.collected) })}${where}`,
    ]
  }
  const r = s.recovery
  if (r === undefined) return []
  return [
    el('strong', {}, t('dcc.recovery', { disease: named('disease-agent-targeted', r.disease) })),
    el('br'),
    `${t('dcc.recovery.dates', {
      first: formatFhirDate(r.firstPositive),
      from: formatFhirDate(r.validFrom),
      until: formatFhirDate(r.validUntil),
    })}${where}`,
  ]
}

/** One WHO claim's line: the product (or test and result), what it is, date, batch or dose. */
function whoLines(w: WhoSummary): (Node | string)[] {
  const where = w.country === undefined ? '' : ` · ${t('dcc.in', { country: w.country })}`
  const kind = t(`dcc.who.${w.kind}` as MessageKey)
  if (w.kind === 'ddcc-tr') {
    const result =
      w.result === undefined
        ? []
        : [' · ', el('strong', {}, localised('dcc.result', 'test-result', w.result))]
    return [
      el('strong', {}, localised('dcc.testType', 'test-type', w.product)),
      ...result,
      el('br'),
      `${kind} · ${t('dcc.sample', { time: dateTime(w.date) })}${where}`,
    ]
  }
  const detail =
    w.dose !== undefined
      ? t('summary.dose', { n: w.dose })
      : w.batch !== undefined
        ? t('dcc.who.batch', { batch: w.batch })
        : ''
  return [
    el('strong', {}, w.product),
    el('br'),
    [kind, formatFhirDate(w.date), detail].filter((x) => x !== '').join(' · ') + where,
  ]
}

/** The holder block for a certificate with WHO claims and no EU DCC. */
function renderWhoHolder(verdict: Verdict, who: readonly WhoSummary[]): void {
  const first = who[0] as WhoSummary
  byId('holder').hidden = false
  byId('holder-name').replaceChildren(first.name)
  byId('holder-birth').textContent = formatFhirDate(first.birthDate)
  byId('holder-entries').replaceChildren(
    ...who.map((w) => el('li', { 'data-entry': `who-${w.kind}` }, ...whoLines(w))),
  )
  const country = verdict.dcc?.country
  const issuer = who.find((w) => w.issuer !== undefined)?.issuer ?? ''
  byId('holder-issuer').textContent = t('dcc.issuer', {
    issuer,
    country: country === undefined || country === '' ? '' : regionName(country),
  })
}

/** The "Trust list" row of the holder block, made once (the page's HTML is shared). */
function listRow(): HTMLElement {
  const existing = document.getElementById('holder-dcc-list')
  if (existing !== null) return existing
  const dt = el('dt', { id: 'holder-dcc-list-label' }, t('dcc.trustList'))
  dt.dataset.i18n = 'dcc.trustList'
  const dd = el('dd', { id: 'holder-dcc-list' })
  byId('holder-issuer').after(dt, dd)
  return dd
}

/** Fills the holder block for a DCC verdict; hides the list row for anything else. */
export function renderDccHolder(verdict: Verdict, list: DccListInfo | undefined): void {
  const row = listRow()
  const label = byId('holder-dcc-list-label')
  const summary = verdict.dcc?.summary
  const showList = verdict.dcc !== undefined && list !== undefined
  row.hidden = !showList
  label.hidden = !showList
  if (summary === undefined) {
    const who = verdict.dcc?.who
    if (who === undefined || who.length === 0) return
    renderWhoHolder(verdict, who)
    fillList(row, verdict, list)
    return
  }
  byId('holder').hidden = false
  const name = byId('holder-name')
  name.replaceChildren(summary.name)
  if (summary.transliterated !== '' && summary.transliterated !== summary.name) {
    name.append(
      el('br'),
      el(
        'span',
        { class: 'hint', lang: 'en' },
        t('dcc.transliterated', { name: summary.transliterated }),
      ),
    )
  }
  byId('holder-birth').textContent = formatFhirDate(summary.birthDate)
  byId('holder-entries').replaceChildren(
    el('li', { 'data-entry': `dcc-${summary.type}` }, ...entryLines(summary)),
  )
  const country = verdict.dcc?.country ?? summary.country
  byId('holder-issuer').textContent = t('dcc.issuer', {
    issuer: summary.issuer,
    country: country === undefined || country === '' ? '' : regionName(country),
  })
  fillList(row, verdict, list)
}

function fillList(row: HTMLElement, verdict: Verdict, list: DccListInfo | undefined): void {
  if (list !== undefined) {
    const age = formatAge(Math.max(0, verdict.now - list.asOf))
    row.textContent =
      list.leafIndex === null
        ? t('dcc.list.pending', { name: list.name, age })
        : t('dcc.list', { name: list.name, age, index: list.leafIndex })
    row.dataset.list = list.name
    row.dataset.leafIndex = String(list.leafIndex ?? '')
  }
}
