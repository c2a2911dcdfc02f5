/**
 * The dashboard's maps and curves (issue 22): the map by place, the epi curve by ISO week and
 * this year against earlier years, for one count measure chosen in their own section. They are
 * three charts of the page's view (main.ts asks them with the four others in one request, so
 * with noise one Show is charged once); this module names them, fetches the outlines (no noise,
 * nothing spent) and draws what the view answered. Responses are kept, so a language switch
 * redraws without asking again.
 */
import {
  type Boundaries,
  COUNTS,
  type CountMeasure,
  type EpiCurve,
  type Level,
  type MapResult,
  type PrivacyMetadata,
  type ViewChart,
  type ViewChartResult,
  type YearsResult,
} from '../../../src/core/stats/index.ts'
import { renderPanel } from '../charts/panel.ts'
import { byId, setState } from '../dom.ts'
import { t } from '../i18n/index.ts'
import { api, describe } from '../staff/api.ts'
import { epiGrid, yearsGrid } from './curves.ts'
import type { Filters } from './filters.ts'
import { renderMap } from './map.ts'

const YEARS = 3

interface Shown {
  f: Filters
  level: Level
  /** The area in words, asked again at each draw (it follows the page's language). */
  where: () => string
  measure: CountMeasure
  boundaries?: Boundaries | Error
  map?: MapResult | Error
  epi?: EpiCurve | Error
  years?: YearsResult | Error
}

let shown: Shown | undefined
let generation = 0

const measureSelect = () => byId<HTMLSelectElement>('mc-measure')
export const measureOf = (): CountMeasure => {
  const v = measureSelect().value
  return (COUNTS as readonly string[]).includes(v) ? (v as CountMeasure) : 'positives'
}
const measureLabel = (m: CountMeasure) => t(`measure.${m}`)

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)))

function failed(id: string, err: Error): void {
  byId(id).replaceChildren()
  setState(byId(`${id}-status`), 'bad', t('dash.failed', { error: describe(err) }))
}

function draw(): void {
  const s = shown
  if (s === undefined) return
  const label = measureLabel(s.measure)
  const stem = ['vigil', s.measure, s.f.from, s.f.to, ...(s.f.region === '' ? [] : [s.f.region])]
  const { boundaries, map } = s
  if (map instanceof Error) failed('map', map)
  else if (boundaries instanceof Error) failed('map', boundaries)
  else if (map !== undefined && boundaries !== undefined) {
    renderMap(byId('map'), {
      boundaries,
      result: map,
      measureLabel: label,
      where: s.where(),
      filename: [...stem, 'map', s.level].join('-'),
    })
    setState(byId('map-status'), 'ok', t('dash.loaded'))
  }
  if (s.epi instanceof Error) failed('epiweeks', s.epi)
  else if (s.epi !== undefined) {
    const caption = t('epi.caption', {
      measure: label,
      from: s.epi.from,
      to: s.epi.to,
      where: s.where(),
    })
    renderPanel(byId('epiweeks'), {
      grid: epiGrid(s.epi, caption, label),
      spec: { type: 'bar' },
      privacy: s.epi.privacy,
      filename: [...stem, 'iso-weeks'].join('-'),
    })
    setState(byId('epiweeks-status'), 'ok', t('dash.loaded'))
  }
  if (s.years instanceof Error) failed('years', s.years)
  else if (s.years !== undefined) {
    const caption = t('years.caption', { measure: label, where: s.where() })
    renderPanel(byId('years'), {
      grid: yearsGrid(s.years, caption),
      spec: { type: 'line' },
      privacy: s.years.privacy,
      filename: ['vigil', s.measure, 'years', s.years.to, ...stem.slice(4)].join('-'),
    })
    setState(byId('years-status'), 'ok', t('dash.loaded'))
  }
}

/** The answers shown, for the page's privacy summary (each spent its ε and hid its cells). */
export function mapsAndCurvesAnswers(): { privacy: PrivacyMetadata }[] {
  const s = shown
  if (s === undefined) return []
  return [s.map, s.epi, s.years].filter(
    (r): r is MapResult | EpiCurve | YearsResult => r !== undefined && !(r instanceof Error),
  )
}

/** The three charts of the view under the filters `f`; the map at `level`. */
export function mapsAndCurvesCharts(f: Filters, level: Level): ViewChart[] {
  const measure = measureOf()
  const region = f.region === '' ? {} : { region: f.region }
  return [
    { id: 'map', kind: 'map', measure, from: f.from, to: f.to, level, ...region },
    { id: 'epiweeks', kind: 'epicurve', measure, from: f.from, to: f.to, ...region },
    { id: 'years', kind: 'years', measure, years: YEARS, to: f.to, ...region },
  ]
}

/**
 * The view under `f` is being asked: the panels say so, and the outlines of the places at
 * `level` are fetched (public geometry: no noise, nothing spent). `loaded` runs after a draw.
 */
export function beginMapsAndCurves(
  f: Filters,
  level: Level,
  where: () => string,
  loaded: () => void,
): Promise<void> {
  const mine = ++generation
  shown = { f, level, where, measure: measureOf() }
  for (const id of ['map', 'epiweeks', 'years'])
    setState(byId(`${id}-status`), 'busy', t('dash.loading'))
  const scope: Record<string, string> = f.region === '' ? {} : { region: f.region }
  return api<Boundaries>(
    'GET',
    `/api/surveillance/boundaries?${new URLSearchParams({ level, ...scope })}`,
  ).then(
    (b) => {
      if (mine !== generation || shown === undefined) return
      shown.boundaries = b
      draw()
      loaded()
    },
    (err) => {
      if (mine !== generation || shown === undefined) return
      shown.boundaries = asError(err)
      draw()
      loaded()
    },
  )
}

/** The view's answer for the three panels (or why the whole view was refused). */
export function fillMapsAndCurves(answer: ViewChartResult[] | Error): void {
  const s = shown
  if (s === undefined) return
  if (answer instanceof Error) {
    s.map = answer
    s.epi = answer
    s.years = answer
  } else
    for (const c of answer) {
      if (c.kind === 'map') s.map = c.result
      else if (c.kind === 'epicurve') s.epi = c.result
      else if (c.kind === 'years') s.years = c.result
    }
  draw()
}

/** Draws again in the page's language from the kept responses. */
export function redrawMapsAndCurves(): void {
  draw()
}

/** The section's own measure: `changed` runs when it changes (main.ts decides whether to ask). */
export function mountMapsAndCurves(changed: () => void): void {
  measureSelect().addEventListener('change', changed)
}
