/**
 * The epidemiologist's dashboard (/dashboard, role epidemiologist, staff session): four charts —
 * the epidemic curve, positivity over time, coverage by place and exposure key uploads — each
 * one series query, drawn with its table, its CSV and what was done to protect it. Responses are
 * kept, so switching language redraws without asking again (with noise, asking spends budget).
 */

import {
  type Catalogue,
  LEVELS,
  type Level,
  type Measure,
  type Place,
  type SeriesResult,
} from '../../../src/core/stats/index.ts'
import { breakdownLabel } from '../charts/labels.ts'
import { noteText } from '../charts/notes.ts'
import { noiseText, type PanelData, renderPanel } from '../charts/panel.ts'
import { byId, el, type State, setState } from '../dom.ts'
import { initI18n, type MessageKey, mountLanguageSwitch, onLangChange, t } from '../i18n/index.ts'
import { api, describe, whoAmI } from '../staff/api.ts'
import {
  breakdownFor,
  type Filters,
  finer,
  fromSearch,
  levelOf,
  readForm,
  seriesPath,
  syncEpsilon,
  toSearch,
  writeForm,
} from './filters.ts'
import { countsGrid, coverageGrid, positivityGrid } from './grids.ts'
import {
  mapsAndCurvesAnswers,
  mountMapsAndCurves,
  redrawMapsAndCurves,
  showMapsAndCurves,
} from './maps-and-curves.ts'

type PanelId = 'curve' | 'positivity' | 'coverage' | 'uploads'

interface ChartDef {
  id: PanelId
  measure: Measure
  /** The level this chart asks for. */
  level: (f: Filters) => Level
  build: (r: SeriesResult, caption: string) => PanelData['grid']
  spec: PanelData['spec']
  caption: () => string
}

const places = new Map<string, Place>()
/** Curves are drawn for the place chosen (or the country): one line, fewest cells hidden. */
const wholeLevel = (f: Filters): Level => (f.region === '' ? 'country' : levelOf(places, f.region))

const CHARTS: ChartDef[] = [
  {
    id: 'curve',
    measure: 'positives',
    level: wholeLevel,
    build: (r, c) => countsGrid(r, c, t('col.positives')),
    spec: { type: 'bar', stacked: true },
    caption: () => t('dash.curve.caption'),
  },
  {
    id: 'positivity',
    measure: 'positivity',
    level: wholeLevel,
    build: positivityGrid,
    spec: { type: 'line' },
    caption: () => t('dash.positivity.caption'),
  },
  {
    id: 'coverage',
    measure: 'coverage',
    level: (f) => finer(f.level, wholeLevel(f)),
    build: coverageGrid,
    spec: { type: 'bar', horizontal: true },
    caption: () => t('dash.coverage.caption'),
  },
  {
    id: 'uploads',
    measure: 'uploads',
    level: wholeLevel,
    build: (r, c) => countsGrid(r, c, t('col.uploads')),
    spec: { type: 'bar', stacked: true },
    caption: () => t('dash.uploads.caption'),
  },
]

initI18n()
mountLanguageSwitch(byId('lang-switch'))
const status = byId('status')
/** The page's status line, kept as a key so a language switch can say it again. */
let said: [State, MessageKey, Record<string, string | number>] = ['busy', 'dash.checking', {}]
function say(state: State, key: MessageKey, params: Record<string, string | number> = {}): void {
  said = [state, key, params]
  setState(status, state, t(key, params))
}

let shown: Filters | undefined
const results = new Map<PanelId, SeriesResult | Error>()
let generation = 0
let who = ''

function where(f: Filters): string {
  return f.region === '' ? t('dash.region.all') : (places.get(f.region)?.name ?? f.region)
}

function filename(f: Filters, measure: Measure, r: SeriesResult): string {
  const parts = ['vigil', measure, f.interval, r.from, r.to, r.level]
  if (f.region !== '') parts.push(f.region)
  if (r.breakdown !== null) parts.push(r.breakdown)
  return parts.join('-')
}

function renderOne(def: ChartDef, f: Filters): void {
  const result = results.get(def.id)
  const root = byId(def.id)
  const state = byId(`${def.id}-status`)
  if (result === undefined) return
  if (result instanceof Error) {
    root.replaceChildren()
    setState(state, 'bad', t('dash.failed', { error: describe(result) }))
    return
  }
  const unavailable = f.breakdown !== '' && breakdownFor(def.measure, f) === undefined
  const caption = [
    def.caption(),
    t('dash.captionScope', { from: result.from, to: result.to, where: where(f) }),
    ...(result.breakdown === null
      ? []
      : [t('dash.by', { what: breakdownLabel(result.breakdown) })]),
  ].join(' ')
  renderPanel(root, {
    grid: def.build(result, caption),
    spec: def.spec,
    privacy: result.privacy,
    filename: filename(f, def.measure, result),
  })
  setState(
    state,
    unavailable ? 'info' : 'ok',
    unavailable
      ? t('dash.noBreakdown', { what: breakdownLabel(f.breakdown as never) })
      : t('dash.loaded'),
  )
}

function renderSummary(): void {
  // Every answer on the page, the maps and curves' too: each spent its ε and hid its cells.
  const done = [
    ...[...results.values()].filter((r): r is SeriesResult => !(r instanceof Error)),
    ...mapsAndCurvesAnswers(),
  ]
  const summary = byId('privacy-summary')
  const notes = byId('privacy-notes')
  if (done.length === 0) {
    summary.replaceChildren()
    notes.replaceChildren()
    return
  }
  const last = done[done.length - 1] as (typeof done)[number]
  const budgets = done.map((r) => r.privacy.budget)
  const lowest = budgets.reduce<(typeof budgets)[number] | undefined>(
    (a, b) => (a === undefined || b.remaining < a.remaining ? b : a),
    undefined,
  )
  const sum = (k: 'suppressedCells' | 'complementaryCells') =>
    done.reduce((n, r) => n + r.privacy[k], 0)
  summary.replaceChildren(
    el('dt', {}, t('privacy.threshold')),
    el('dd', { id: 'privacy-threshold' }, String(last.privacy.threshold)),
    el('dt', {}, t('privacy.hidden')),
    el(
      'dd',
      {},
      t('privacy.hiddenCount', {
        suppressed: sum('suppressedCells'),
        complementary: sum('complementaryCells'),
      }),
    ),
    el('dt', {}, t('privacy.noise')),
    el('dd', {}, noiseText(last.privacy)),
    ...(lowest === undefined
      ? []
      : [
          el('dt', {}, t('privacy.budgetLeft')),
          el(
            'dd',
            { id: 'privacy-budget' },
            t('privacy.budgetValue', {
              remaining: Number(lowest.remaining.toFixed(3)),
              daily: lowest.daily,
              day: lowest.day,
            }),
          ),
        ]),
  )
  const all = new Set(done.flatMap((r) => r.privacy.notes))
  notes.replaceChildren(...[...all].map((n) => el('li', {}, noteText(n))))
}

function renderAll(): void {
  if (shown === undefined) return
  for (const def of CHARTS) renderOne(def, shown)
  renderSummary()
  redrawMapsAndCurves()
}

async function run(f: Filters): Promise<void> {
  const mine = ++generation
  shown = f
  results.clear()
  renderSummary()
  const maps = showMapsAndCurves(f, finer(f.level, wholeLevel(f)), () => where(f), renderSummary)
  await Promise.all([
    maps,
    ...CHARTS.map(async (def) => {
      setState(byId(`${def.id}-status`), 'busy', t('dash.loading'))
      let result: SeriesResult | Error
      try {
        result = await api<SeriesResult>(
          'GET',
          seriesPath(def.measure, f, def.level(f), breakdownFor(def.measure, f)),
        )
      } catch (err) {
        result = err instanceof Error ? err : new Error(String(err))
      }
      if (mine !== generation) return
      results.set(def.id, result)
      renderOne(def, f)
      renderSummary()
    }),
  ])
}

/** Places in hierarchy order, each under its parent, indented by level. */
function fillPlaces(list: Place[]): void {
  places.clear()
  for (const p of list) places.set(p.code, p)
  const children = (parent: string | null) => list.filter((p) => p.parent === parent)
  const ordered: Place[] = []
  const walk = (p: Place) => {
    ordered.push(p)
    for (const c of children(p.code)) walk(c)
  }
  for (const root of children(null)) walk(root)
  const select = byId<HTMLSelectElement>('f-region')
  const keep = select.options[0] as HTMLOptionElement
  select.replaceChildren(
    keep,
    ...ordered.map((p) =>
      el(
        'option',
        { value: p.code },
        `${'\u00a0\u00a0'.repeat(LEVELS.indexOf(p.level))}${p.name} (${p.code})`,
      ),
    ),
  )
}

async function loadPlaces(): Promise<void> {
  try {
    fillPlaces((await api<Catalogue>('GET', '/api/surveillance/regions')).places)
  } catch {
    // Without the list the page still works for the whole country.
    fillPlaces([])
  }
}

byId('f-dp').addEventListener('change', syncEpsilon)
mountMapsAndCurves(renderSummary)
byId<HTMLFormElement>('filters').addEventListener('submit', (event) => {
  event.preventDefault()
  const f = readForm()
  if (f.from > f.to) {
    say('bad', 'dash.badRange')
    byId('f-from').focus()
    return
  }
  say('ok', 'dash.signedIn', { name: who })
  history.replaceState(null, '', `${location.pathname}${toSearch(f)}`)
  void run(f)
})
onLangChange(() => {
  say(...said)
  renderAll()
})

async function start(): Promise<void> {
  const me = await whoAmI()
  if (me === undefined) {
    say('info', 'dash.signedOutStatus')
    byId('signin').hidden = false
    return
  }
  if (!me.roles.includes('epidemiologist')) {
    say('bad', 'dash.wrongRole', { name: me.name })
    return
  }
  await loadPlaces()
  const f = fromSearch(location.search)
  writeForm(f)
  byId('dashboard').hidden = false
  who = me.name
  say('ok', 'dash.signedIn', { name: who })
  await run(readForm())
}

start().catch((err) => say('bad', 'dash.failed', { error: describe(err) }))
