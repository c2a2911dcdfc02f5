/**
 * The public statistics as the page draws them: each released measure (weekly, noised and
 * suppressed by the service), positivity derived by the service from two released figures, and
 * the ledger's own per-day totals.
 */
import type { PublicStats } from '../../../src/core/stats/index.ts'
import type { Cell, Column, Grid } from '../charts/grid.ts'
import { periodLabel, placeLabel } from '../charts/labels.ts'
import { t } from '../i18n/index.ts'

export interface PublicSeries {
  measure: string
  kind: 'count' | 'rate'
  /** The whole country. */
  total: Cell[]
  places: { code: string; name: string; cells: Cell[] }[]
}

export interface LedgerTotals {
  days: string[]
  issued: number[]
  revoked: number[]
}

export interface PublicView {
  generatedAt: string
  weeks: string[]
  series: PublicSeries[]
  ledger: LedgerTotals
  ledgerTotal: { issued: number; revoked: number }
  entriesCounted: number
  privacy: PublicStats['privacy']
}

/** One measure by week: the country drawn, every place tabled beside it. */
export function seriesGrid(
  s: PublicSeries,
  weeks: string[],
  caption: string,
  totalLabel: string,
): Grid {
  const columns: Column[] = [
    { key: 'national', label: totalLabel, kind: s.kind, cells: s.total, plot: true },
    ...s.places.map(
      (p): Column => ({
        key: p.code,
        label: placeLabel(p.code, p.name),
        kind: s.kind,
        cells: p.cells,
        plot: false,
      }),
    ),
  ]
  return {
    caption,
    rowHead: { key: 'week', label: t('stats.week') },
    rows: weeks.map((w) => ({ key: w, label: periodLabel('week', w) })),
    columns,
  }
}

/** The ledger's totals per day: exact, because anyone can count them in the public log. */
export function ledgerGrid(l: LedgerTotals, caption: string): Grid {
  return {
    caption,
    rowHead: { key: 'day', label: t('stats.day') },
    rows: l.days.map((d) => ({ key: d, label: periodLabel('day', d) })),
    columns: [
      { key: 'issued', label: t('stats.issued'), kind: 'number', cells: l.issued, plot: true },
      { key: 'revoked', label: t('stats.revoked'), kind: 'number', cells: l.revoked, plot: true },
    ],
  }
}
