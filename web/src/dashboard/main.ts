/**
 * The epidemiologist's dashboard (/dashboard, role epidemiologist, staff session): four charts —
 * the epidemic curve, positivity over time, coverage by place and exposure key uploads — and the
 * map, epi curve and year on year, each drawn with its table, its CSV and what was done to
 * protect it. All seven are one view (POST /api/surveillance/view): with noise one Show is
 * charged once, split between them, and nothing when the same view on unchanged data was shown
 * before; the line beside Show says the cost before it is pressed (cost.ts). Responses are
 * kept, so switching language redraws without asking again.
 */

import {
  type Catalogue,
  LEVELS,
  type Level,
  type Measure,
  type Place,
  type SeriesResult,
  type ViewChart,
  type ViewRequest,
  type ViewResult,
} from '../../../src/core/stats/index.ts'
import { breakdownLabel } from '../charts/labels.ts'
import { noteText } from '../charts/notes.ts'
import {
  formatTime,
  noiseText,
  type PanelData,
  renderPanel,
  formatEpsilon as round,
} from '../charts/panel.ts'
import { byId, el, type State, setState } from '../dom.ts'
import { initI18n, type MessageKey, mountLanguageSwitch, onLangChange, t } from '../i18n/index.ts'
import { api, describe, whoAmI } from '../staff/api.ts'
import { redrawCost, refreshCost, refreshCostSoon } from './cost.ts'
import {
  breakdownFor,
  type Filters,
  finer,
  fromSearch,
  levelOf,
  readForm,
  syncEpsilon,
  toSearch,
  writeForm,
} from './filters.ts'
import { countsGrid, coverageGrid, positivityGrid } from './grids.ts'
import {
  beginMapsAndCurves,
  fillMapsAndCurves,
  mapsAndCurvesAnswers,
  mapsAndCurvesCharts,
  mountMapsAndCurves,
  redrawMapsAndCurves,
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
/** What the last view cost, or why it was refused. */
let lastView: ViewResult['privacy'] | Error | undefined
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
  // Every answer on the page, the maps and curves' too: together they are one view.
  const done = [
    ...[...results.values()].filter((r): r is SeriesResult => !(r instanceof Error)),
    ...mapsAndCurvesAnswers(),
  ]
  const summary = byId('privacy-summary')
  const notes = byId('privacy-notes')
  if (lastView instanceof Error) {
    summary.replaceChildren(
      el('dt', {}, t('view.refusedTerm')),
      el('dd', { id: 'privacy-charged' }, t('view.refused', { error: describe(lastView) })),
    )
    notes.replaceChildren()
    return
  }
  if (done.length === 0 || lastView === undefined) {
    summary.replaceChildren()
    notes.replaceChildren()
    return
  }
  const view = lastView
  const last = done[done.length - 1] as (typeof done)[number]
  const sum = (k: 'suppressedCells' | 'complementaryCells') =>
    done.reduce((n, r) => n + r.privacy[k], 0)
  const charged =
    view.mechanism === null
      ? t('view.charged.none')
      : view.released
        ? t('view.charged.released', {
            at: view.releasedAt === null ? '' : formatTime(view.releasedAt),
          })
        : t('view.charged.once', {
            charge: round(view.charge),
            share: round(view.split[0]?.epsilon ?? 0),
            charts: view.split.length,
          })
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
    el('dt', {}, t('view.chargedTerm')),
    el('dd', { id: 'privacy-charged' }, charged),
    el('dt', {}, t('privacy.budgetLeft')),
    el(
      'dd',
      { id: 'privacy-budget' },
      t('privacy.budgetValue', {
        remaining: round(view.budget.remaining),
        daily: round(view.budget.daily),
        day: view.budget.day,
      }),
    ),
  )
  const all = new Set(done.flatMap((r) => r.privacy.notes))
  notes.replaceChildren(...[...all].map((n) => el('li', {}, noteText(n))))
}

function renderAll(): void {
  redrawCost()
  if (shown === undefined) return
  for (const def of CHARTS) renderOne(def, shown)
  renderSummary()
  redrawMapsAndCurves()
}

/** The seven charts under the filters `f`, as one view. */
function viewOf(f: Filters): ViewRequest {
  const region = f.region === '' ? {} : { region: f.region }
  const charts: ViewChart[] = CHARTS.map((def) => {
    const breakdown = breakdownFor(def.measure, f)
    return {
      id: def.id,
      kind: 'series',
      measure: def.measure,
      interval: f.interval,
      from: f.from,
      to: f.to,
      level: def.level(f),
      ...region,
      ...(breakdown === undefined ? {} : { breakdown }),
    }
  })
  charts.push(...mapsAndCurvesCharts(f, finer(f.level, wholeLevel(f))))
  return { dp: f.dp, ...(f.dp === 'none' ? {} : { epsilon: f.epsilon }), charts }
}

async function run(f: Filters): Promise<void> {
  const mine = ++generation
  shown = f
  results.clear()
  lastView = undefined
  renderSummary()
  for (const def of CHARTS) setState(byId(`${def.id}-status`), 'busy', t('dash.loading'))
  const outlines = beginMapsAndCurves(
    f,
    finer(f.level, wholeLevel(f)),
    () => where(f),
    renderSummary,
  )
  const request = viewOf(f)
  let answer: ViewResult | Error
  try {
    answer = await api<ViewResult>('POST', '/api/surveillance/view', request)
  } catch (err) {
    answer = err instanceof Error ? err : new Error(String(err))
  }
  if (mine !== generation) return
  // A refused view is refused whole: every chart says why, none is half drawn.
  if (answer instanceof Error) {
    lastView = answer
    for (const def of CHARTS) results.set(def.id, answer)
    fillMapsAndCurves(answer)
  } else {
    lastView = answer.privacy
    for (const c of answer.charts) if (c.kind === 'series') results.set(c.id as PanelId, c.result)
    fillMapsAndCurves(answer.charts)
  }
  for (const def of CHARTS) renderOne(def, f)
  renderSummary()
  await Promise.all([outlines, refreshCost(request)])
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
const costOfForm = () => refreshCostSoon(() => viewOf(readForm()))
byId('filters').addEventListener('input', costOfForm)
byId('filters').addEventListener('change', costOfForm)
// The map and curves' measure is part of the view: without noise it is shown at once (free);
// with noise the cost line says what showing it will cost, and Show asks.
mountMapsAndCurves(() => {
  if (shown === undefined) return
  if (shown.dp === 'none') void run(shown)
  else costOfForm()
})
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
  const first = readForm()
  // An address with noise (a bookmark) would spend budget unasked: the cost is said, and the
  // person presses Show.
  if (first.dp === 'none') {
    say('ok', 'dash.signedIn', { name: who })
    await run(first)
  } else {
    say('info', 'view.pressShow', { name: who })
    await refreshCost(viewOf(first))
  }
}

start().catch((err) => say('bad', 'dash.failed', { error: describe(err) }))
