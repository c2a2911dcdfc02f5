/**
 * The map panel: the choropleth of the places' rates per 100,000 (inline SVG from the stored
 * outlines), its legend, the table with the same numbers (and a CSV of it), the places hidden to
 * protect small counts named in a list, the places the boundary file has no outline for named
 * in another, and what was done to protect the figures. Nothing is computed from a hidden count.
 */

import type { Boundaries, MapPlace, MapResult } from '../../../src/core/stats/index.ts'
import { drawChoropleth, drawLegend, type MapArea } from '../charts/choropleth.ts'
import { fitTableNow } from '../charts/fit.ts'
import { type Cell, downloadText, type Grid, toCsv } from '../charts/grid.ts'
import { placeLabel } from '../charts/labels.ts'
import { noteText } from '../charts/notes.ts'
import { privacyText } from '../charts/panel.ts'
import { formatCount, renderTable } from '../charts/table.ts'
import { el } from '../dom.ts'
import { lang, t } from '../i18n/index.ts'

export interface MapView {
  boundaries: Boundaries
  result: MapResult
  measureLabel: string
  where: string
  filename: string
}

const rate = (n: number) => new Intl.NumberFormat(lang(), { maximumFractionDigits: 1 }).format(n)

const mapValue = (p: MapPlace | undefined): MapArea['value'] =>
  p === undefined ? 'na' : p.suppressed ? 'suppressed' : (p.rate ?? 'na')

function titleOf(name: string, p: MapPlace | undefined): string {
  const v = mapValue(p)
  const value =
    v === 'suppressed'
      ? t('cell.suppressed')
      : v === 'na'
        ? t('cell.na')
        : t('map.title.rate', { rate: rate(v), count: formatCount(p?.count ?? 0) })
  return t('map.title', { name, value })
}

/** The table (and CSV): every place of the answer, `unknown` included, as the service sent it. */
export function mapGrid(r: MapResult, caption: string): Grid {
  const cells = (f: (p: MapPlace) => Cell) => r.places.map(f)
  return {
    caption,
    rowHead: { key: 'region', label: t('col.place') },
    csvNames: true,
    rows: r.places.map((p) => ({ key: p.region, label: placeLabel(p.region, p.name) })),
    columns: [
      {
        key: 'rate_per_100000',
        label: t('col.rate100k'),
        kind: 'number',
        cells: cells((p) => (p.suppressed ? 'suppressed' : (p.rate ?? 'na'))),
        plot: true,
      },
      {
        key: r.measure,
        label: t('col.count'),
        kind: 'count',
        cells: cells((p) => p.count ?? 'suppressed'),
        plot: false,
      },
      {
        key: 'population',
        label: t('col.population'),
        kind: 'number',
        cells: cells((p) => p.population ?? 'na'),
        plot: false,
      },
    ],
  }
}

const namesList = (cls: string, lead: string, names: string[]) =>
  el('div', { class: cls }, el('p', {}, lead), el('ul', {}, ...names.map((n) => el('li', {}, n))))

export function renderMap(root: HTMLElement, v: MapView): void {
  const r = v.result
  const caption = t('map.caption', {
    measure: v.measureLabel,
    from: r.from,
    to: r.to,
    where: v.where,
  })
  const byRegion = new Map(r.places.map((p) => [p.region, p]))
  const areas: MapArea[] = v.boundaries.places.map((b) => ({
    region: b.region,
    name: b.name,
    geometry: b.geometry,
    value: mapValue(byRegion.get(b.region)),
    title: titleOf(b.name, byRegion.get(b.region)),
  }))
  const figure =
    areas.length === 0
      ? el('p', { class: 'state', 'data-state': 'info' }, t('map.noBoundaries'))
      : el(
          'div',
          { class: 'map-box' },
          drawChoropleth(areas, t('map.alt', { where: v.where, measure: v.measureLabel })),
          drawLegend(areas, {
            title: t('map.legend'),
            range: (low, high) =>
              low === null
                ? t('map.range.first', { high: rate(high) })
                : t('map.range', { low: rate(low), high: rate(high) }),
            suppressed: t('map.legend.suppressed'),
            na: t('map.legend.na'),
          }),
        )
  const hidden = r.places.filter((p) => p.suppressed && p.region !== 'unknown')
  const unknown = byRegion.get('unknown')
  const facts: HTMLElement[] = []
  if (r.total.count !== null && r.total.rate !== null)
    facts.push(
      el(
        'p',
        { class: 'map-total' },
        t('map.total', { count: formatCount(r.total.count), rate: rate(r.total.rate) }),
      ),
    )
  if (hidden.length > 0)
    facts.push(
      namesList(
        'map-suppressed',
        t('map.suppressedList'),
        hidden.map((p) => p.name),
      ),
    )
  if (v.boundaries.missing.length > 0 && areas.length > 0)
    facts.push(
      namesList(
        'map-missing',
        t('map.missingList'),
        v.boundaries.missing.map((m) => `${m.name} (${m.region})`),
      ),
    )
  if (unknown !== undefined)
    facts.push(
      el(
        'p',
        {},
        t('map.unknown', {
          count: unknown.count === null ? t('cell.suppressed') : formatCount(unknown.count),
        }),
      ),
    )
  const grid = mapGrid(r, caption)
  const csv = el('button', { type: 'button', class: 'csv' }, t('chart.csv'))
  csv.addEventListener('click', () => downloadText(`${v.filename}.csv`, toCsv(grid)))
  root.classList.add('panel-body', 'map-panel')
  root.replaceChildren(
    figure,
    renderTable(grid),
    el('div', { class: 'map-facts' }, ...facts),
    el(
      'ul',
      { class: 'privacy' },
      ...[...privacyText(r.privacy), ...r.privacy.notes.map(noteText)].map((s) => el('li', {}, s)),
    ),
    el('p', { class: 'row' }, csv),
  )
  fitTableNow(root)
}
