/**
 * The epi curve by ISO week and the year-on-year panel, as grids for the chart panel (chart,
 * table, CSV and privacy from one grid). Weeks come from the service already gap-free; a week
 * the service hid is 'suppressed', a week a year does not have (53 in a 52-week year) or that
 * has not ended is 'na', never a zero.
 */
import type { EpiCurve, YearsResult } from '../../../src/core/stats/index.ts'
import { countCell, type Grid } from '../charts/grid.ts'
import { t } from '../i18n/index.ts'

/** One bar per ISO week, labelled `2026-W05`. */
export function epiGrid(r: EpiCurve, caption: string, label: string): Grid {
  return {
    caption,
    rowHead: { key: 'iso_week', label: t('col.week') },
    rows: r.weeks.map((w) => ({ key: w.label, label: w.label })),
    columns: [
      {
        key: r.measure,
        label,
        kind: 'count',
        cells: r.weeks.map((w) => countCell(w.count)),
        plot: true,
      },
    ],
  }
}

/** Weeks 1–53 down the side, one line per ISO week-year, the current year first. */
export function yearsGrid(r: YearsResult, caption: string): Grid {
  return {
    caption,
    rowHead: { key: 'week', label: t('col.weekNo') },
    rows: Array.from({ length: 53 }, (_, k) => {
      const w = String(k + 1).padStart(2, '0')
      return { key: w, label: `W${w}` }
    }),
    columns: r.years.map((y) => ({
      key: String(y.year),
      label: String(y.year),
      kind: 'count' as const,
      cells: y.counts.map((c, k) => (y.present[k] ? countCell(c) : 'na')),
      plot: true,
    })),
  }
}
