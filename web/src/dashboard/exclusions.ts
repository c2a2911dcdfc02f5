/**
 * Known outbreak periods on the alerts panel (docs/SURVEILLANCE.md "Alerts", "Known outbreaks";
 * signal-detection-tool #452): the list (GET /api/surveillance/exclusions), a form to add one
 * (POST) and Remove after a confirmation (DELETE …/exclusions/{id}). Their ISO weeks leave the
 * baselines at the next scan. Responses are kept, so a language switch redraws without asking.
 */
import {
  COUNTS,
  type CountMeasure,
  isoWeekLabel,
  type OutbreakExclusion,
} from '../../../src/core/stats/index.ts'
import { formatTime } from '../charts/panel.ts'
import { byId, el, type State, setState } from '../dom.ts'
import { type MessageKey, t } from '../i18n/index.ts'
import { api } from '../staff/api.ts'
import { plain, showSupport } from './problem.ts'

type Said = [State, MessageKey, Record<string, string | number>] | undefined

let said: Said
let saidError: unknown
let periods: OutbreakExclusion[] | undefined
/** Place names by code, for the list (the service answers codes). */
const names = new Map<string, string>()

const placeOf = (code: string) => {
  const name = names.get(code)
  return name === undefined ? code : `${name} (${code})`
}
/** For an exclusion, `RANGE_INVALID` is its dates in the wrong order. */
const OWN = { RANGE_INVALID: 'excl.badRange' } as const

function say(next: Said, err?: unknown): void {
  said = next
  saidError = err
  const node = byId('exclusions-status')
  if (next === undefined) setState(node, 'info', '')
  else setState(node, next[0], t(next[1], next[2]))
  showSupport('exclusions-support', err)
}

function confirmDelete(x: OutbreakExclusion): Promise<boolean> {
  const d = byId<HTMLDialogElement>('exclusion-confirm')
  byId('exclusion-confirm-text').textContent = t('excl.confirm', {
    label: x.label,
    place: placeOf(x.region),
    from: isoWeekLabel(x.from),
    to: isoWeekLabel(x.to),
  })
  d.returnValue = ''
  return new Promise((resolve) => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true })
    d.showModal()
    byId('exclusion-cancel').focus()
  })
}

async function remove(x: OutbreakExclusion): Promise<void> {
  if (!(await confirmDelete(x))) return
  const params = { label: x.label, place: placeOf(x.region) }
  try {
    await api('DELETE', `/api/surveillance/exclusions/${x.id}`)
    say(['ok', 'excl.deleted', params])
  } catch (err) {
    say(['bad', 'excl.deleteFailed', { error: plain(err, OWN) }], err)
  }
  await loadExclusions(false)
}

function draw(): void {
  const root = byId('exclusions-list')
  if (periods === undefined || periods.length === 0) {
    root.replaceChildren()
    return
  }
  const cols: MessageKey[] = [
    'excl.col.place',
    'excl.col.measure',
    'excl.col.weeks',
    'excl.col.label',
    'excl.col.recorded',
    'excl.col.action',
  ]
  const cell = (key: MessageKey, text: string) => el('td', { 'data-label': t(key) }, text)
  const rows = periods.map((x) => {
    const button = el(
      'button',
      {
        type: 'button',
        'aria-label': t('excl.deleteLabel', { label: x.label, place: placeOf(x.region) }),
      },
      t('excl.delete'),
    )
    button.addEventListener('click', () => void remove(x))
    return el(
      'tr',
      { 'data-id': x.id, 'data-region': x.region },
      cell('excl.col.place', placeOf(x.region)),
      cell(
        'excl.col.measure',
        x.measure === null ? t('excl.everyMeasure') : t(`measure.${x.measure}`),
      ),
      cell(
        'excl.col.weeks',
        t('excl.weeks', { from: isoWeekLabel(x.from), to: isoWeekLabel(x.to) }),
      ),
      cell('excl.col.label', x.label),
      cell('excl.col.recorded', `${x.createdBy}, ${formatTime(x.createdAt)}`),
      el('td', { 'data-label': t('excl.col.action') }, button),
    )
  })
  root.replaceChildren(
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        { class: 'stack alerts-table' },
        el('caption', {}, t('excl.caption')),
        el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { scope: 'col' }, t(k))))),
        el('tbody', {}, ...rows),
      ),
    ),
  )
}

/** Asks for the periods; `announce` says "loading" and "none" on the status line. */
async function loadExclusions(announce: boolean): Promise<void> {
  if (announce) say(['busy', 'excl.loading', {}])
  try {
    periods = (
      await api<{ exclusions: OutbreakExclusion[] }>('GET', '/api/surveillance/exclusions')
    ).exclusions
    if (announce) say(periods.length === 0 ? ['info', 'excl.none', {}] : undefined)
  } catch (err) {
    periods = undefined
    say(['bad', 'excl.listFailed', { error: plain(err) }], err)
  }
  draw()
}

async function add(): Promise<void> {
  const value = (id: string) => byId<HTMLInputElement | HTMLSelectElement>(id).value
  const from = value('x-from')
  const to = value('x-to')
  if (from > to) {
    say(['bad', 'excl.badRange', {}])
    byId('x-from').setAttribute('aria-invalid', 'true')
    byId('x-from').focus()
    return
  }
  byId('x-from').removeAttribute('aria-invalid')
  const measure = value('x-measure')
  const region = value('x-region')
  say(['busy', 'excl.adding', {}])
  try {
    const x = await api<OutbreakExclusion>('POST', '/api/surveillance/exclusions', {
      region,
      ...((COUNTS as readonly string[]).includes(measure)
        ? { measure: measure as CountMeasure }
        : {}),
      from,
      to,
      label: value('x-label').trim(),
    })
    say([
      'ok',
      'excl.added',
      { place: placeOf(x.region), from: isoWeekLabel(x.from), to: isoWeekLabel(x.to) },
    ])
    byId<HTMLInputElement>('x-label').value = ''
  } catch (err) {
    say(['bad', 'excl.addFailed', { error: plain(err, OWN) }], err)
  }
  await loadExclusions(false)
}

/** The places a period can name (the same list as the filters, the country first). */
export function fillExclusionPlaces(options: { value: string; text: string; name: string }[]) {
  names.clear()
  for (const o of options) names.set(o.value, o.name)
  byId('x-region').replaceChildren(...options.map((o) => el('option', { value: o.value }, o.text)))
}

export function mountExclusions(): Promise<void> {
  byId<HTMLFormElement>('exclusion-form').addEventListener('submit', (event) => {
    event.preventDefault()
    void add()
  })
  return loadExclusions(true)
}

export function redrawExclusions(): void {
  if (said !== undefined) say(said, saidError)
  draw()
}
