/**
 * The dashboard's maps and curves (issue 22): the map by place, the epi curve by ISO week and
 * this year against earlier years, for one count measure chosen in their own section. They follow
 * the page's filters (dates, place, noise): main.ts calls `showMapsAndCurves` when the filters are
 * shown and `redrawMapsAndCurves` when the language changes (responses are kept, so a redraw asks
 * nothing again and spends no budget).
 */
import {
  type Boundaries,
  COUNTS,
  type CountMeasure,
  type EpiCurve,
  type Level,
  type MapResult,
  type PrivacyMetadata,
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
  map?: { boundaries: Boundaries; result: MapResult } | Error
  epi?: EpiCurve | Error
  years?: YearsResult | Error
}

let shown: Shown | undefined
let generation = 0

const measureSelect = () => byId<HTMLSelectElement>('mc-measure')
const measureOf = (): CountMeasure => {
  const v = measureSelect().value
  return (COUNTS as readonly string[]).includes(v) ? (v as CountMeasure) : 'positives'
}
const measureLabel = (m: CountMeasure) => t(`measure.${m}`)

function query(f: Filters, extra: Record<string, string>): string {
  const q = new URLSearchParams(extra)
  if (f.region !== '') q.set('region', f.region)
  q.set('dp', f.dp)
  if (f.dp !== 'none') q.set('epsilon', String(f.epsilon))
  return q.toString()
}

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
  if (s.map instanceof Error) failed('map', s.map)
  else if (s.map !== undefined) {
    renderMap(byId('map'), {
      ...s.map,
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
  const map = s.map instanceof Error || s.map === undefined ? undefined : s.map.result
  return [map, s.epi, s.years].filter(
    (r): r is MapResult | EpiCurve | YearsResult => r !== undefined && !(r instanceof Error),
  )
}

/**
 * Asks for the three panels' figures under the filters `f`; the map at `level`. `loaded` runs
 * after each panel is drawn (the page's privacy summary counts these answers too).
 */
export async function showMapsAndCurves(
  f: Filters,
  level: Level,
  where: () => string,
  loaded: () => void,
): Promise<void> {
  const mine = ++generation
  const measure = measureOf()
  shown = { f, level, where, measure }
  for (const id of ['map', 'epiweeks', 'years'])
    setState(byId(`${id}-status`), 'busy', t('dash.loading'))
  const scope: Record<string, string> = f.region === '' ? {} : { region: f.region }
  const jobs: Promise<void>[] = [
    Promise.all([
      api<Boundaries>(
        'GET',
        `/api/surveillance/boundaries?${new URLSearchParams({ level, ...scope })}`,
      ),
      api<MapResult>(
        'GET',
        `/api/surveillance/map?${query(f, { measure, from: f.from, to: f.to, level })}`,
      ),
    ]).then(
      ([boundaries, result]) => {
        if (mine === generation && shown) shown.map = { boundaries, result }
      },
      (err) => {
        if (mine === generation && shown) shown.map = asError(err)
      },
    ),
    api<EpiCurve>(
      'GET',
      `/api/surveillance/epicurve?${query(f, { measure, from: f.from, to: f.to })}`,
    ).then(
      (r) => {
        if (mine === generation && shown) shown.epi = r
      },
      (err) => {
        if (mine === generation && shown) shown.epi = asError(err)
      },
    ),
    api<YearsResult>(
      'GET',
      `/api/surveillance/years?${query(f, { measure, years: String(YEARS), to: f.to })}`,
    ).then(
      (r) => {
        if (mine === generation && shown) shown.years = r
      },
      (err) => {
        if (mine === generation && shown) shown.years = asError(err)
      },
    ),
  ]
  await Promise.all(
    jobs.map((j) =>
      j.then(() => {
        if (mine !== generation) return
        draw()
        loaded()
      }),
    ),
  )
}

/** Draws again in the page's language from the kept responses. */
export function redrawMapsAndCurves(): void {
  draw()
}

/** The section's own measure: changing it asks again under the filters last shown. */
export function mountMapsAndCurves(loaded: () => void): void {
  measureSelect().addEventListener('change', () => {
    if (shown !== undefined) void showMapsAndCurves(shown.f, shown.level, shown.where, loaded)
  })
}
