/**
 * Each chart's grid, from the series response: what is plotted, what is only tabled, in what
 * words. Counts come straight from the response (null → suppressed); nothing is summed or
 * derived here, so the page cannot publish a figure the service did not.
 */

import type { SeriesLine, SeriesResult } from '../../../src/core/stats/index.ts'
import { type Column, countCell, type Grid, rateCell } from '../charts/grid.ts'
import { periodLabel, placeLabel, valueLabel } from '../charts/labels.ts'
import { t } from '../i18n/index.ts'

const periodRows = (r: SeriesResult) =>
  r.periods.map((p) => ({ key: p, label: periodLabel(r.interval, p) }))

const counts = (line: SeriesLine, key: string, label: string, plot: boolean): Column => ({
  key,
  label,
  kind: 'count',
  cells: line.counts.map(countCell),
  plot,
})

const rates = (
  line: SeriesLine,
  key: string,
  label: string,
  plot: boolean,
  popn = false,
): Column => ({
  key,
  label,
  kind: 'rate',
  cells: line.counts.map((c, i) => rateCell(line.rates?.[i], c, line.denominators?.[i], !popn)),
  plot,
})

const byValue = (r: SeriesResult) =>
  r.breakdown === null ? [] : r.totals.byValue.map((line) => ({ line, value: line.value ?? '' }))

/** Counts per period: one stacked bar per breakdown value, or the total alone. */
export function countsGrid(r: SeriesResult, caption: string, totalLabel: string): Grid {
  const b = r.breakdown
  const columns =
    b === null
      ? [counts(r.totals.all, r.measure, totalLabel, true)]
      : [
          ...byValue(r).map(({ line, value }) => counts(line, value, valueLabel(b, value), true)),
          counts(r.totals.all, 'total', t('col.total'), false),
        ]
  return {
    caption,
    rowHead: { key: 'period', label: t('col.period') },
    rows: periodRows(r),
    columns,
  }
}

/** Positivity per period: the rate drawn, its positives and tests tabled beside it. */
export function positivityGrid(r: SeriesResult, caption: string): Grid {
  const b = r.breakdown
  const all = r.totals.all
  const columns =
    b === null
      ? [
          rates(all, 'positivity', t('col.positivity'), true),
          counts(all, 'positives', t('col.positives'), false),
          counts({ counts: all.denominators ?? [] }, 'tests', t('col.tests'), false),
        ]
      : [
          ...byValue(r).map(({ line, value }) => rates(line, value, valueLabel(b, value), true)),
          rates(all, 'all', t('col.all'), true),
        ]
  return {
    caption,
    rowHead: { key: 'period', label: t('col.period') },
    rows: periodRows(r),
    columns,
  }
}

/**
 * Coverage by place at the end of the last period: people with a complete series, the
 * population, and the share; by age band, the share per band and for all ages.
 */
export function coverageGrid(r: SeriesResult, caption: string): Grid {
  const last = r.periods.length - 1
  const at = (line: SeriesLine): SeriesLine => ({
    counts: [line.counts[last] ?? null],
    denominators: [line.denominators?.[last] ?? null],
    rates: [line.rates?.[last] ?? null],
  })
  const b = r.breakdown
  const places = (b === null ? r.rows : (r.totals.byRegion ?? [])).map((line) => ({
    line,
    key: line.region ?? '',
    label: placeLabel(line.region, line.name),
  }))
  const rows = places.map(({ key, label }) => ({ key, label }))
  const column = (
    key: string,
    label: string,
    lines: SeriesLine[],
    kind: 'count' | 'rate' | 'den',
    plot: boolean,
  ): Column => ({
    key,
    label,
    kind: kind === 'den' ? 'number' : kind,
    cells: lines.map((l) => {
      const x = at(l)
      if (kind === 'count') return countCell(x.counts[0])
      if (kind === 'den') return x.denominators?.[0] ?? 'na'
      return rateCell(x.rates?.[0], x.counts[0], x.denominators?.[0], false)
    }),
    plot,
  })
  const wholes = places.map((p) => p.line)
  if (b === null)
    return {
      caption,
      rowHead: { key: 'region', label: t('col.place') },
      csvNames: true,
      rows,
      columns: [
        column('coverage', t('col.coverage'), wholes, 'rate', true),
        column('complete', t('col.complete'), wholes, 'count', false),
        column('population', t('col.population'), wholes, 'den', false),
      ],
    }
  const values = r.totals.byValue.map((l) => l.value ?? '')
  const cell = (region: string, value: string) =>
    r.rows.find((l) => l.region === region && l.value === value) ?? { counts: [] }
  return {
    caption,
    rowHead: { key: 'region', label: t('col.place') },
    csvNames: true,
    rows,
    columns: [
      ...values.map((v) =>
        column(
          v,
          valueLabel(b, v),
          rows.map((row) => cell(row.key, v)),
          'rate',
          true,
        ),
      ),
      column('all', t('col.all'), wholes, 'rate', true),
    ],
  }
}
