/**
 * The map and curve grids and classes the dashboard draws from the API's answers: quantile
 * classes of the published rates only; a suppressed place is 'suppressed' in the table and CSV,
 * never a number; in year on year a week a year lacks (53 of a 52-week year) or that has not
 * ended is 'na' and a suppressed week 'suppressed' — three different things, told apart.
 */
import { describe, expect, it } from 'vitest'
import type { MapResult, YearsResult } from '../../src/core/stats/index.ts'
import { classBreaks, classOf } from '../../web/src/charts/choropleth.ts'
import { toCsv } from '../../web/src/charts/grid.ts'
import { yearsGrid } from '../../web/src/dashboard/curves.ts'
import { mapGrid } from '../../web/src/dashboard/map.ts'
import { en } from '../../web/src/i18n/en.ts'

const privacy = {
  threshold: 10,
  suppressedCells: 1,
  complementaryCells: 1,
  dp: null,
  budget: { daily: 10, spent: 0, remaining: 10, day: '2026-11-24' },
  notes: [],
}

describe('map classes', () => {
  it('quantiles of the distinct values, at most five, each value in one class', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    const breaks = classBreaks(values)
    expect(breaks).toEqual([2, 4, 6, 8, 10])
    expect(values.map((v) => classOf(v, breaks))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    expect(classBreaks([5, 5, 5])).toEqual([5])
    expect(classBreaks([])).toEqual([])
    expect(classBreaks([3, 1])).toEqual([1, 3])
  })
})

describe('the map table', () => {
  it('suppressed places say so in every column that would reveal them; the CSV matches', () => {
    const r: MapResult = {
      measure: 'positives',
      from: '2026-11-01',
      to: '2026-11-28',
      level: 'district',
      region: null,
      per: 100_000,
      places: [
        {
          region: 'XV-N01',
          name: 'Harbourside',
          population: 409261,
          count: 120,
          rate: 29.32,
          suppressed: false,
        },
        {
          region: 'XV-N02',
          name: 'Fjordmark',
          population: 154933,
          count: null,
          rate: null,
          suppressed: true,
        },
        {
          region: 'unknown',
          name: 'not placed',
          population: null,
          count: 14,
          rate: null,
          suppressed: false,
        },
      ],
      total: { count: 140, rate: 24.8, population: 564194 },
      privacy,
    }
    const csv = toCsv(mapGrid(r, 'caption')).trimEnd().split('\r\n')
    expect(csv).toEqual([
      'region,name,rate_per_100000,positives,population',
      'XV-N01,Harbourside,29.32,120,409261',
      'XV-N02,Fjordmark,suppressed,suppressed,154933',
      `unknown,${en['place.unknown']},,14,`,
    ])
  })
})

describe('year on year', () => {
  it('weeks a year does not have or that have not ended are n/a; hidden weeks are suppressed', () => {
    const counts = Array.from({ length: 53 }, (_, k) => (k === 2 ? null : k))
    const r: YearsResult = {
      measure: 'tests',
      region: null,
      name: 'Valdoria',
      to: '2026-01-20',
      since: '2024-12-30',
      years: [
        {
          year: 2026,
          weeks: 53,
          counts: counts.map((c, k) => (k < 2 ? c : null)),
          present: counts.map((_, k) => k < 2),
        },
        {
          year: 2025,
          weeks: 52,
          counts: counts.map((c, k) => (k < 52 ? c : null)),
          present: counts.map((_, k) => k < 52),
        },
      ],
      privacy,
    }
    const g = yearsGrid(r, 'caption')
    expect(g.rows).toHaveLength(53)
    expect(g.rows[52]).toEqual({ key: '53', label: 'W53' })
    const [now, before] = g.columns
    expect(now?.cells.slice(0, 3)).toEqual([0, 1, 'na'])
    expect(before?.cells[2]).toBe('suppressed')
    expect(before?.cells[51]).toBe(51)
    expect(before?.cells[52]).toBe('na')
  })
})
