/**
 * One chart panel: the chart, the table with the same numbers, what was done to protect them,
 * and a CSV download built here from the response (nothing more is asked of the server).
 */

import type { PrivacyMetadata } from '../../../src/core/stats/index.ts'
import { el } from '../dom.ts'
import { lang, t } from '../i18n/index.ts'
import { type ChartSpec, drawChart } from './chart.ts'
import { fitTableNow } from './fit.ts'
import { downloadText, type Grid, toCsv } from './grid.ts'
import { formatCount, renderTable } from './table.ts'

export interface PanelData {
  grid: Grid
  spec: ChartSpec
  privacy?: PrivacyMetadata | undefined
  /** The CSV file's name, without `.csv`. */
  filename: string
}

const number = (n: number, digits = 2) =>
  new Intl.NumberFormat(lang(), { maximumFractionDigits: digits }).format(n)

/** An ε or a budget in the page's language, to three decimals at most. */
export const formatEpsilon = (n: number) => number(n, 3)

/** A release time in the page's language, in UTC (the budget's day is a UTC day too). */
export const formatTime = (iso: string) =>
  `${new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`

/** The noise added, in words. */
export function noiseText(p: PrivacyMetadata): string {
  if (p.dp === null) return t('privacy.noDp')
  return t('privacy.dp', {
    mechanism: t(
      p.dp.mechanism === 'laplace' ? 'privacy.mechanism.laplace' : 'privacy.mechanism.geometric',
    ),
    epsilon: number(p.dp.epsilon, 3),
    variance: number(p.dp.variance),
  })
}

/** The privacy metadata in words, one sentence per fact. */
export function privacyText(p: PrivacyMetadata): string[] {
  const out = [
    t('privacy.suppressed', {
      threshold: p.threshold,
      suppressed: formatCount(p.suppressedCells),
      complementary: formatCount(p.complementaryCells),
    }),
    noiseText(p),
    t('privacy.budget', {
      remaining: number(p.budget.remaining, 3),
      daily: number(p.budget.daily, 3),
    }),
  ]
  return out
}

export function renderPanel(root: HTMLElement, data: PanelData): void {
  const canvas = el('canvas', {
    role: 'img',
    'aria-label': t('chart.alt', { caption: data.grid.caption }),
  })
  canvas.textContent = t('chart.fallback')
  const csv = el('button', { type: 'button', class: 'csv' }, t('chart.csv'))
  csv.addEventListener('click', () => downloadText(`${data.filename}.csv`, toCsv(data.grid)))
  const empty = data.grid.rows.length === 0 || data.grid.columns.every((c) => !c.plot)
  root.classList.add('panel-body')
  root.replaceChildren(
    empty
      ? el('p', { class: 'state', 'data-state': 'info' }, t('chart.empty'))
      : el('div', { class: 'chart-box' }, canvas),
    renderTable(data.grid),
    ...(data.privacy === undefined
      ? []
      : [el('ul', { class: 'privacy' }, ...privacyText(data.privacy).map((s) => el('li', {}, s)))]),
    el('p', { class: 'row' }, csv),
  )
  fitTableNow(root)
  if (!empty)
    drawChart(canvas, data.grid, {
      ...data.spec,
      hiddenLabel: t('chart.tooFew'),
      naLabel: t('cell.na'),
    })
}
