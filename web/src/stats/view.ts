/**
 * The public statistics as the page draws them: each released measure (weekly, noised and
 * suppressed by the service) and the ledger's own per-day totals. `toView` is the one place that
 * knows the JSON of /api/public/stats.
 */
import { type Column, countCell, type Grid } from '../charts/grid.ts'
import { periodLabel, placeLabel } from '../charts/labels.ts'
import type { Grain, PrivacyMetadata } from '../charts/types.ts'
import { t } from '../i18n/index.ts'

export interface PublicSeries {
  measure: string
  grain: Grain
  periods: string[]
  /** The whole country; null where suppressed. */
  total: (number | null)[]
  places: { code: string; name?: string; counts: (number | null)[] }[]
  privacy: PrivacyMetadata
}

export interface LedgerTotals {
  days: string[]
  issued: number[]
  revoked: number[]
}

export interface PublicView {
  series: PublicSeries[]
  ledger: LedgerTotals
}

/** One measure: the national line drawn, every place tabled beside it. */
export function seriesGrid(s: PublicSeries, caption: string, totalLabel: string): Grid {
  const columns: Column[] = [
    { key: 'total', label: totalLabel, kind: 'count', cells: s.total.map(countCell), plot: true },
    ...s.places.map(
      (p): Column => ({
        key: p.code,
        label: placeLabel(p.code, p.name),
        kind: 'count',
        cells: p.counts.map(countCell),
        plot: false,
      }),
    ),
  ]
  return {
    caption,
    rowHead: { key: 'period', label: t('col.period') },
    rows: s.periods.map((p) => ({ key: p, label: periodLabel(s.grain, p) })),
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
      { key: 'issued', label: t('stats.issued'), kind: 'count', cells: l.issued, plot: true },
      { key: 'revoked', label: t('stats.revoked'), kind: 'count', cells: l.revoked, plot: true },
    ],
  }
}
