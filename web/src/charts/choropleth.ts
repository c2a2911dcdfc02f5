/**
 * A choropleth as inline SVG, drawn from the outlines the deployment loaded (no tiles, no
 * network): one path per place, filled by its class of rate; a suppressed place is hatched (not
 * a colour a rate could have), a place without a rate is grey. Classes are quantiles of the
 * published rates, at most five, coloured with ColorBrewer's YlOrRd (sequential, readable with
 * the common colour-vision deficiencies and in greyscale). The legend is HTML, beside the map.
 */
import type { AreaGeometry } from '../../../src/core/stats/index.ts'
import { el } from '../dom.ts'
import { fitToBox, pathData } from './projection.ts'

const SVG = 'http://www.w3.org/2000/svg'
export const PALETTE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026']
const NO_RATE = '#d9d9d9'

export type MapValue = number | 'suppressed' | 'na'

export interface MapArea {
  region: string
  name: string
  geometry: AreaGeometry
  value: MapValue
  /** The tooltip: the place and its value in words. */
  title: string
}

/** Upper bounds of up to `k` classes: quantiles of the distinct published values. */
export function classBreaks(values: readonly number[], k = PALETTE.length): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b)
  if (sorted.length === 0) return []
  const n = Math.min(k, sorted.length)
  const breaks: number[] = []
  for (let i = 1; i <= n; i++) {
    const b = sorted[Math.ceil((i * sorted.length) / n) - 1] as number
    if (breaks.at(-1) !== b) breaks.push(b)
  }
  return breaks
}

export const classOf = (value: number, breaks: readonly number[]) => {
  const i = breaks.findIndex((b) => value <= b)
  return i === -1 ? breaks.length - 1 : i
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>) {
  const node = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  return node
}

let maps = 0

/** The hatch that marks suppressed places, as a pattern definition with a page-unique id. */
function hatch(id: string): SVGPatternElement {
  const p = svg('pattern', {
    id,
    width: '6',
    height: '6',
    patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)',
  })
  p.append(
    svg('rect', { width: '6', height: '6', fill: '#ffffff' }),
    svg('line', { x1: '0', y1: '0', x2: '0', y2: '6', stroke: '#4d4d4d', 'stroke-width': '2.5' }),
  )
  return p
}

/** The map itself: role img, labelled by `label`; each place a path with its title. */
export function drawChoropleth(areas: readonly MapArea[], label: string): SVGSVGElement {
  const fit = fitToBox(areas.map((a) => a.geometry))
  const id = `hatch-${++maps}`
  const breaks = classBreaks(areas.flatMap((a) => (typeof a.value === 'number' ? [a.value] : [])))
  const root = svg('svg', {
    viewBox: `0 0 ${fit.width} ${fit.height}`,
    class: 'choropleth',
    role: 'img',
    'aria-label': label,
  })
  const defs = svg('defs', {})
  defs.append(hatch(id))
  root.append(defs)
  for (const a of areas) {
    const fill =
      a.value === 'suppressed'
        ? `url(#${id})`
        : a.value === 'na'
          ? NO_RATE
          : (PALETTE[classOf(a.value, breaks)] as string)
    const path = svg('path', {
      d: pathData(a.geometry, fit),
      fill,
      'fill-rule': 'evenodd',
      stroke: '#333333',
      'stroke-width': '0.8',
      'data-region': a.region,
      'data-state': typeof a.value === 'number' ? 'value' : a.value,
    })
    const title = svg('title', {})
    title.textContent = a.title
    path.append(title)
    root.append(path)
  }
  return root
}

/** A swatch for the legend: a colour, the hatch, or grey. */
function swatch(kind: 'colour' | 'suppressed' | 'na', colour = NO_RATE): SVGSVGElement {
  const box = svg('svg', { width: '18', height: '14', viewBox: '0 0 18 14', 'aria-hidden': 'true' })
  const id = `hatch-${++maps}`
  if (kind === 'suppressed') {
    const defs = svg('defs', {})
    defs.append(hatch(id))
    box.append(defs)
  }
  box.append(
    svg('rect', {
      x: '0.5',
      y: '0.5',
      width: '17',
      height: '13',
      stroke: '#333333',
      fill: kind === 'suppressed' ? `url(#${id})` : colour,
    }),
  )
  return box
}

/** The legend: one row per class (its range in words), then hatched and grey if present. */
export function drawLegend(
  areas: readonly MapArea[],
  words: {
    title: string
    range: (low: number | null, high: number) => string
    suppressed: string
    na: string
  },
): HTMLElement {
  const values = areas.flatMap((a) => (typeof a.value === 'number' ? [a.value] : []))
  const breaks = classBreaks(values)
  const items = breaks.map((b, i) =>
    el(
      'li',
      {},
      swatch('colour', PALETTE[i] as string),
      ' ',
      words.range(i === 0 ? null : (breaks[i - 1] as number), b),
    ),
  )
  if (areas.some((a) => a.value === 'suppressed'))
    items.push(el('li', {}, swatch('suppressed'), ' ', words.suppressed))
  if (areas.some((a) => a.value === 'na')) items.push(el('li', {}, swatch('na'), ' ', words.na))
  return el(
    'figure',
    { class: 'legend' },
    el('figcaption', {}, words.title),
    el('ul', {}, ...items),
  )
}
