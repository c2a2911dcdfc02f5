/**
 * The dashboard's alerts panel (issue 22; docs/SURVEILLANCE.md "Alerts"): Scan runs one detector
 * for a measure over the last complete ISO weeks of every place at a level
 * (POST /api/surveillance/alerts/scan); the list (GET /api/surveillance/alerts, by state) shows
 * each alert with its figures and its last review; Accept and Dismiss ask first, with an optional
 * note, and record the decision (POST …/alerts/{id}/review); known outbreak periods below it
 * (exclusions.ts). Alerts cost no privacy budget: small figures are withheld instead (the service
 * does it; null is said as "withheld"). Responses are kept, so a language switch redraws without
 * asking again.
 */
import {
  ALERT_STATES,
  type AlertScan,
  type AlertState,
  COUNTS,
  type CountMeasure,
  isoWeekLabel,
  LEVELS,
  type Level,
  SIGNAL_METHODS,
  type SignalAlert,
  type SignalMethodName,
} from '../../../src/core/stats/index.ts'
import { formatTime } from '../charts/panel.ts'
import { byId, el, type State, setState } from '../dom.ts'
import { lang, type MessageKey, t } from '../i18n/index.ts'
import { api } from '../staff/api.ts'
import { fillExclusionPlaces, mountExclusions, redrawExclusions } from './exclusions.ts'
import { plain, showSupport } from './problem.ts'

interface AlertList {
  alerts: SignalAlert[]
  threshold: number
}

/** A line's words as a key and parameters, said again after a language switch. */
type Said = [State, MessageKey, Record<string, string | number>] | undefined

let scanSaid: Said
let scanError: unknown
let listSaid: Said
let listError: unknown
let list: AlertList | undefined

const methodLabel = (m: SignalMethodName) => t(`method.${m}`)
const measureLabel = (m: CountMeasure) => t(`measure.${m}`)
const stateLabel = (s: AlertState) => t(`alerts.state.${s}`)

const weekLabel = (week: string) => isoWeekLabel(week)
/** The week's Monday as a short date ("30 Nov"): a YYYY-MM-DD would break at its hyphens. */
const monday = (week: string) =>
  new Intl.DateTimeFormat(lang(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${week}T00:00:00Z`),
  )
const number = (v: number, digits: number) =>
  new Intl.NumberFormat(lang(), { maximumFractionDigits: digits }).format(v)
/** A figure, or "withheld" in words where the service withheld it (under the threshold). */
const figure = (v: number | null, digits = 1) =>
  v === null ? t('alerts.withheld') : number(v, digits)

/** Farrington answers a p-value, EARS and CUSUM a score; either may be withheld. */
function signal(a: SignalAlert): string {
  if (a.pValue !== null)
    return a.pValue < 1e-4
      ? t('alerts.pValueSmall', { value: number(1e-4, 4) })
      : t('alerts.pValue', {
          value: new Intl.NumberFormat(lang(), { maximumSignificantDigits: 2 }).format(a.pValue),
        })
  if (a.score !== null) return t('alerts.score', { value: number(a.score, 2) })
  return t('alerts.withheld')
}

/** A line in the page's language; a `hint` parameter is a message key said after it. */
function words([, key, params]: NonNullable<Said>): string {
  const { hint, ...rest } = params
  const text = t(key, rest)
  return typeof hint === 'string' ? `${text} ${t(hint as MessageKey)}` : text
}

function sayScan(said: Said, err?: unknown): void {
  scanSaid = said
  scanError = err
  const node = byId('alerts-scan-status')
  if (said === undefined) setState(node, 'info', '')
  else setState(node, said[0], words(said))
  showSupport('alerts-scan-support', err)
}

function sayList(said: Said, err?: unknown): void {
  listSaid = said
  listError = err
  const node = byId('alerts-list-status')
  if (said === undefined) setState(node, 'info', '')
  else setState(node, said[0], t(said[1], said[2]))
  showSupport('alerts-support', err)
}

const place = (a: SignalAlert) => (a.name === '' ? a.region : `${a.name} (${a.region})`)

function reviewCell(a: SignalAlert): HTMLElement {
  const td = el('td', { 'data-label': t('alerts.col.review'), 'data-cell': 'review' })
  if (a.reviewedAt === null) {
    td.append(t('alerts.review.none'))
    return td
  }
  td.append(t('alerts.review.by', { who: a.reviewer ?? '', when: formatTime(a.reviewedAt) }))
  if (a.note !== null && a.note !== '') td.append(el('br'), el('q', { 'data-note': '' }, a.note))
  return td
}

function actionsCell(a: SignalAlert): HTMLElement {
  const where = place(a)
  const week = weekLabel(a.week)
  const button = (state: 'accepted' | 'dismissed') =>
    el(
      'button',
      {
        type: 'button',
        'data-review': state,
        'aria-label': t(state === 'accepted' ? 'alerts.acceptLabel' : 'alerts.dismissLabel', {
          place: where,
          week,
        }),
        disabled: a.state === state ? '' : undefined,
      },
      t(state === 'accepted' ? 'alerts.accept' : 'alerts.dismiss'),
    )
  const accept = button('accepted')
  const dismiss = button('dismissed')
  accept.addEventListener('click', () => void review(a, 'accepted'))
  dismiss.addEventListener('click', () => void review(a, 'dismissed'))
  return el(
    'td',
    { 'data-label': t('alerts.col.actions') },
    el('span', { class: 'row' }, accept, dismiss),
  )
}

function drawList(): void {
  const root = byId('alerts-list')
  const hint = byId('alerts-withheld')
  if (list === undefined) {
    root.replaceChildren()
    hint.textContent = ''
    return
  }
  hint.textContent = t('alerts.withheldNote', { threshold: list.threshold })
  if (list.alerts.length === 0) {
    root.replaceChildren()
    return
  }
  const cols: MessageKey[] = [
    'alerts.col.place',
    'alerts.col.week',
    'alerts.col.what',
    'alerts.col.observed',
    'alerts.col.expected',
    'alerts.col.upper',
    'alerts.col.signal',
    'alerts.col.state',
    'alerts.col.review',
    'alerts.col.actions',
  ]
  const cell = (key: MessageKey, text: string, extra: Record<string, string> = {}) =>
    el('td', { 'data-label': t(key), ...extra }, text)
  const rows = list.alerts.map((a) =>
    el(
      'tr',
      { 'data-id': a.id, 'data-region': a.region, 'data-week': a.week, 'data-state': a.state },
      cell('alerts.col.place', place(a)),
      el(
        'td',
        { 'data-label': t('alerts.col.week'), 'data-cell': 'week' },
        el('span', { class: 'line' }, weekLabel(a.week)),
        ' ',
        el('span', { class: 'line' }, t('alerts.weekFrom', { monday: monday(a.week) })),
      ),
      // Measure and method share a column: eleven would not stand whole at 1280 px in Spanish.
      el(
        'td',
        { 'data-label': t('alerts.col.what'), 'data-cell': 'what' },
        el('span', { class: 'line' }, measureLabel(a.measure)),
        ' ',
        el('span', { class: 'line' }, methodLabel(a.method)),
      ),
      cell('alerts.col.observed', figure(a.observed, 0), { 'data-cell': 'observed' }),
      cell('alerts.col.expected', figure(a.expected), { 'data-cell': 'expected' }),
      cell('alerts.col.upper', figure(a.upperBound), { 'data-cell': 'upper' }),
      cell('alerts.col.signal', signal(a), { 'data-cell': 'signal' }),
      cell('alerts.col.state', stateLabel(a.state), { 'data-cell': 'state' }),
      reviewCell(a),
      actionsCell(a),
    ),
  )
  root.replaceChildren(
    el(
      'div',
      { class: 'table-wrap alerts-wrap' },
      el(
        'table',
        { class: 'stack alerts-table' },
        el('caption', {}, t('alerts.caption')),
        el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { scope: 'col' }, t(k))))),
        el('tbody', {}, ...rows),
      ),
    ),
  )
}

let listGeneration = 0

/** Asks for the alerts in the state chosen (all when none), latest week first. */
async function loadList(): Promise<void> {
  const mine = ++listGeneration
  const state = byId<HTMLSelectElement>('a-state').value
  sayList(['busy', 'alerts.loading', {}])
  const query = (ALERT_STATES as readonly string[]).includes(state) ? `?state=${state}` : ''
  try {
    const answer = await api<AlertList>('GET', `/api/surveillance/alerts${query}`)
    if (mine !== listGeneration) return
    list = answer
    sayList(
      answer.alerts.length === 0
        ? ['info', 'alerts.none', {}]
        : ['ok', 'alerts.loaded', { count: answer.alerts.length }],
    )
  } catch (err) {
    if (mine !== listGeneration) return
    list = undefined
    sayList(['bad', 'alerts.listFailed', { error: plain(err) }], err)
  }
  drawList()
}

const dialog = () => byId<HTMLDialogElement>('alert-confirm')

/** Asks before recording a decision; the note typed, or undefined when the person cancelled. */
function confirmReview(
  a: SignalAlert,
  state: 'accepted' | 'dismissed',
): Promise<string | undefined> {
  const d = dialog()
  const note = byId<HTMLTextAreaElement>('alert-note')
  byId('alert-confirm-text').textContent = t(
    state === 'accepted' ? 'alerts.confirm.accept' : 'alerts.confirm.dismiss',
    {
      place: place(a),
      week: weekLabel(a.week),
      measure: measureLabel(a.measure),
      method: methodLabel(a.method),
    },
  )
  byId('alert-ok').textContent = t(state === 'accepted' ? 'alerts.accept' : 'alerts.dismiss')
  note.value = a.note ?? ''
  d.returnValue = ''
  return new Promise((resolve) => {
    d.addEventListener(
      'close',
      () => resolve(d.returnValue === 'ok' ? note.value.trim() : undefined),
      { once: true },
    )
    d.showModal()
    note.focus()
  })
}

async function review(a: SignalAlert, state: 'accepted' | 'dismissed'): Promise<void> {
  const note = await confirmReview(a, state)
  if (note === undefined) return
  const params = { place: place(a), week: weekLabel(a.week) }
  try {
    await api('POST', `/api/surveillance/alerts/${a.id}/review`, {
      state,
      ...(note === '' ? {} : { note }),
    })
    sayScan([
      'ok',
      state === 'accepted' ? 'alerts.reviewed.accepted' : 'alerts.reviewed.dismissed',
      params,
    ])
  } catch (err) {
    sayScan(['bad', 'alerts.reviewFailed', { error: plain(err) }], err)
  }
  await loadList()
}

const isFarrington = (method: string) => method === 'farrington' || method === 'noufaily'

/** What to change when the history is too short, by method. */
const tooShortHint = (m: SignalMethodName): MessageKey =>
  isFarrington(m)
    ? 'alerts.tooShort.farrington'
    : m === 'cusum'
      ? 'alerts.tooShort.cusum'
      : 'alerts.tooShort.ears'

/** The years apply to Farrington only: the select says so by being off for the others. */
function syncYears(): void {
  byId<HTMLSelectElement>('a-years').disabled = !isFarrington(
    byId<HTMLSelectElement>('a-method').value,
  )
}

function scanRequest(): Record<string, unknown> {
  const value = (id: string) => byId<HTMLSelectElement | HTMLInputElement>(id).value
  const measure = value('a-measure')
  const method = value('a-method')
  const level = value('a-level')
  const region = value('a-region')
  return {
    measure: (COUNTS as readonly string[]).includes(measure) ? measure : 'positives',
    method: (SIGNAL_METHODS as readonly string[]).includes(method) ? method : 'farrington',
    level: (LEVELS as readonly string[]).includes(level) ? (level as Level) : 'district',
    ...(region === '' ? {} : { region }),
    weeks: Number(value('a-weeks')),
    // Farrington's b (R's default 5): the other methods take no years.
    ...(isFarrington(method) ? { years: Number(value('a-years')) } : {}),
  }
}

async function scan(): Promise<void> {
  const request = scanRequest()
  const button = byId<HTMLButtonElement>('a-scan')
  button.disabled = true
  sayScan(['busy', 'alerts.scanning', {}])
  try {
    const s = await api<AlertScan>('POST', '/api/surveillance/alerts/scan', request)
    if (s.tooShort !== null)
      sayScan([
        'info',
        'alerts.tooShort',
        {
          method: methodLabel(s.method),
          needed: s.tooShort.needed,
          has: s.tooShort.has,
          hint: tooShortHint(s.method),
        },
      ])
    else
      sayScan([
        'ok',
        'alerts.scanned',
        {
          weeks: s.weeks.length,
          first: weekLabel(s.weeks[0] as string),
          last: weekLabel(s.weeks[s.weeks.length - 1] as string),
          raised: s.raised,
          updated: s.updated,
          withdrawn: s.withdrawn,
          count: s.alerts.length,
        },
      ])
  } catch (err) {
    sayScan(['bad', 'alerts.failed', { error: plain(err) }], err)
  } finally {
    button.disabled = false
  }
  await loadList()
}

/** The places to scan within, in the order and indentation the filters use. */
export function fillAlertPlaces(options: { value: string; text: string; name: string }[]): void {
  fillExclusionPlaces(options)
  const select = byId<HTMLSelectElement>('a-region')
  const keep = select.options[0] as HTMLOptionElement
  select.replaceChildren(keep, ...options.map((o) => el('option', { value: o.value }, o.text)))
}

/** Wires the panel and loads the list (the page calls it once the person is signed in). */
export function mountAlerts(): Promise<void> {
  byId<HTMLFormElement>('alerts-scan').addEventListener('submit', (event) => {
    event.preventDefault()
    void scan()
  })
  byId('a-state').addEventListener('change', () => void loadList())
  byId('a-method').addEventListener('change', syncYears)
  syncYears()
  return Promise.all([loadList(), mountExclusions()]).then(() => undefined)
}

/** Says the lines and draws the list again in the page's language. */
export function redrawAlerts(): void {
  if (scanSaid !== undefined) sayScan(scanSaid, scanError)
  if (listSaid !== undefined) sayList(listSaid, listError)
  drawList()
  redrawExclusions()
}
