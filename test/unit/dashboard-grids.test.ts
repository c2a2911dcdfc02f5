/**
 * The dashboard's grids, CSV and labels (web/src/charts, web/src/dashboard): the numbers the
 * chart, the table and the CSV share come from the response unchanged, a suppressed cell is the
 * word `suppressed` (never blank, never 0), and the CSV is RFC 4180 and safe to open in a
 * spreadsheet. Browser rendering is covered by test/browser/dashboard.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { SeriesResult } from '../../src/core/stats/index.ts'
import { countCell, emptyRows, type Grid, rateCell, toCsv } from '../../web/src/charts/grid.ts'
import { isoWeek, periodLabel, valueLabel } from '../../web/src/charts/labels.ts'
import { fromSearch, seriesPath, toSearch } from '../../web/src/dashboard/filters.ts'
import { countsGrid, coverageGrid, positivityGrid } from '../../web/src/dashboard/grids.ts'

const privacy = {
  threshold: 10,
  suppressedCells: 2,
  complementaryCells: 1,
  dp: null,
  budget: { daily: 5, spent: 0, remaining: 5, day: '2026-11-24' },
  notes: [],
}

function series(partial: Partial<SeriesResult>): SeriesResult {
  return {
    measure: 'positives',
    interval: 'week',
    from: '2026-01-05',
    to: '2026-01-18',
    level: 'country',
    region: null,
    breakdown: null,
    periods: ['2026-01-05', '2026-01-12'],
    rows: [],
    totals: { byValue: [], all: { counts: [120, null] } },
    privacy,
    ...partial,
  }
}

describe('cells', () => {
  it('a null count is suppressed, a zero is a zero', () => {
    expect(countCell(null)).toBe('suppressed')
    expect(countCell(0)).toBe(0)
    expect(countCell(12)).toBe(12)
  })

  it('a rate tells a suppressed part from a missing population', () => {
    expect(rateCell(0.25, 10, 40, true)).toBe(0.25)
    expect(rateCell(null, null, 40, true)).toBe('suppressed')
    expect(rateCell(null, 10, null, true)).toBe('suppressed')
    expect(rateCell(null, 10, null, false)).toBe('na')
    expect(rateCell(null, 10, 0, true)).toBe('na')
  })
})

describe('grids from a series response', () => {
  it('an epidemic curve keeps every period, and says suppressed where the service hid one', () => {
    const g = countsGrid(series({}), 'Curve', 'Positive tests')
    expect(g.rows.map((r) => r.key)).toEqual(['2026-01-05', '2026-01-12'])
    expect(g.rows.map((r) => r.label)).toEqual(['2026-W02', '2026-W03'])
    expect(g.columns).toHaveLength(1)
    expect(g.columns[0]?.cells).toEqual([120, 'suppressed'])
  })

  it('by a breakdown: a plotted column per value, the total tabled but not stacked on them', () => {
    const g = countsGrid(
      series({
        breakdown: 'age_band',
        totals: {
          byValue: [
            { value: '0-4', counts: [null, 0] },
            { value: '5-11', counts: [40, 12] },
          ],
          all: { counts: [52, 12] },
        },
      }),
      'Curve',
      'Positive tests',
    )
    expect(g.columns.map((c) => [c.key, c.plot])).toEqual([
      ['0-4', true],
      ['5-11', true],
      ['total', false],
    ])
    expect(g.columns[0]?.cells).toEqual(['suppressed', 0])
  })

  it('positivity: the rate drawn, positives and tests beside it', () => {
    const g = positivityGrid(
      series({
        measure: 'positivity',
        totals: {
          byValue: [],
          all: { counts: [30, null], denominators: [120, 200], rates: [0.25, null] },
        },
      }),
      'Positivity',
    )
    expect(g.columns.map((c) => [c.key, c.kind, c.plot])).toEqual([
      ['positivity', 'rate', true],
      ['positives', 'count', false],
      ['tests', 'count', false],
    ])
    expect(g.columns.map((c) => c.cells)).toEqual([
      [0.25, 'suppressed'],
      [30, 'suppressed'],
      [120, 200],
    ])
  })

  it('coverage by place reads the last period; a place without population is n/a', () => {
    const g = coverageGrid(
      series({
        measure: 'coverage',
        level: 'region',
        rows: [
          {
            region: 'XV-N',
            name: 'North',
            counts: [500, 800],
            denominators: [1000, 1000],
            rates: [0.5, 0.8],
          },
          { region: 'unknown', name: 'not placed', counts: [3, 20], denominators: [null, null] },
        ],
      }),
      'Coverage',
    )
    expect(g.rows).toEqual([
      { key: 'XV-N', label: 'North' },
      { key: 'unknown', label: 'Place not given' },
    ])
    expect(g.columns.map((c) => c.cells)).toEqual([
      [0.8, 'na'],
      [800, 20],
      [1000, 'na'],
    ])
  })
})

describe('CSV', () => {
  const grid: Grid = {
    caption: 'c',
    rowHead: { key: 'region', label: 'Place' },
    rows: [
      { key: 'XV-N', label: 'North, upper' },
      { key: 'XV-S', label: '=HYPERLINK("x")' },
    ],
    columns: [
      { key: 'complete', label: 'x', kind: 'count', cells: [800, 'suppressed'], plot: false },
      { key: 'coverage', label: 'y', kind: 'rate', cells: [0.8, 'na'], plot: true },
    ],
    csvNames: true,
  }

  it('is RFC 4180 with CRLF, names places, and writes suppressed in words', () => {
    expect(toCsv(grid)).toBe(
      'region,name,complete,coverage\r\n' +
        'XV-N,"North, upper",800,0.8\r\n' +
        'XV-S,"\'=HYPERLINK(""x"")",suppressed,\r\n',
    )
  })

  it('periods need no name column', () => {
    const g = countsGrid(series({}), 'Curve', 'Positive tests')
    expect(toCsv(g)).toBe('period,positives\r\n2026-01-05,120\r\n2026-01-12,suppressed\r\n')
  })
})

describe('labels and filters', () => {
  it('ISO weeks across a year boundary (ISO 8601: the week with the year’s first Thursday)', () => {
    expect(isoWeek('2024-12-30')).toEqual({ year: 2025, week: 1 })
    expect(isoWeek('2020-12-28')).toEqual({ year: 2020, week: 53 })
    expect(periodLabel('week', '2026-01-05')).toBe('2026-W02')
  })

  it('breakdown values in words', () => {
    expect(valueLabel('dose', '2')).toBe('Dose 2')
    expect(valueLabel('report_type', 'user-report')).toBe('Self-reported')
    expect(valueLabel('result', 'something-new')).toBe('something-new')
  })

  it('filters survive the address, and bad values fall back to the defaults', () => {
    const f = fromSearch(
      '?from=2026-01-01&to=2026-06-30&interval=month&breakdown=dose&dp=laplace&epsilon=0.5',
    )
    expect(fromSearch(toSearch(f))).toEqual(f)
    const bad = fromSearch('?from=yesterday&interval=hour&breakdown=name&dp=none&epsilon=99')
    expect(bad.interval).toBe('week')
    expect(bad.breakdown).toBe('')
    expect(bad.epsilon).toBe(1)
    expect(bad.from).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('a query asks for noise only with its ε', () => {
    const f = fromSearch('?from=2026-01-01&to=2026-06-30&region=XV-N')
    expect(seriesPath('positives', f, 'region', undefined)).toBe(
      '/api/surveillance/series?measure=positives&interval=week&from=2026-01-01&to=2026-06-30&level=region&region=XV-N&dp=none',
    )
  })
})

describe('bars with nothing to draw (the chart says why instead of an empty slot)', () => {
  const grid = (rows: Grid['columns'][number]['cells'][]): Grid => ({
    caption: '',
    rowHead: { key: 'region', label: 'Place' },
    rows: rows.map((_, i) => ({ key: `r${i}`, label: `r${i}` })),
    columns: [0, 1].map((j) => ({
      key: `c${j}`,
      label: `c${j}`,
      kind: 'count' as const,
      cells: rows.map((r) => r[j] ?? 'na'),
      plot: true,
    })),
  })

  it('a row with no number and a suppressed cell is hidden; all n/a is n/a; a number is drawn', () => {
    const g = grid([
      ['suppressed', 'suppressed'],
      ['suppressed', 'na'],
      ['na', 'na'],
      [0, 'suppressed'],
      [12, 40],
    ])
    expect(emptyRows(g)).toEqual({ hidden: [0, 1], na: [2] })
  })

  it('columns not plotted do not count (a published total beside hidden parts)', () => {
    const g = grid([['suppressed', 'suppressed']])
    g.columns.push({ key: 'total', label: 'Total', kind: 'count', cells: [25], plot: false })
    expect(emptyRows(g).hidden).toEqual([0])
  })
})

describe('the view’s ε in the address', () => {
  it('up to the view maximum (10) is kept; beyond it, the default', () => {
    expect(fromSearch('?dp=geometric&epsilon=7.5').epsilon).toBe(7.5)
    expect(fromSearch('?dp=geometric&epsilon=10.5').epsilon).toBe(1)
  })
})
