/**
 * ISO 8601 week-years (ISO 8601-1:2019 §5.2.10) as epi weeks: week 1 holds the year's first
 * Thursday, so 2020 and 2026 have 53 weeks and their last week ends in January; the curve's x
 * axis is every week with none left out, across those year boundaries. Expected dates are
 * counted from the calendar (1 January 2026 is a Thursday; 1 January 2021 a Friday).
 */
import { describe, expect, it } from 'vitest'
import {
  epiWeeksBetween,
  isoWeekLabel,
  isoWeekMonday,
  isoWeekOf,
  isoWeeksInYear,
  isoYearStart,
} from '../../../src/core/stats/index.ts'

const DAY = 86_400_000
const next = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)

describe('ISO week-years', () => {
  it('53-week years are those starting on a Thursday, or leap years starting on a Wednesday', () => {
    const long = []
    for (let y = 2000; y <= 2040; y++) if (isoWeeksInYear(y) === 53) long.push(y)
    // 2004 and 2032 are leap years starting on a Thursday; 2020 a leap year starting on a Wednesday.
    expect(long).toEqual([2004, 2009, 2015, 2020, 2026, 2032, 2037])
    for (const y of long) {
      const jan1 = new Date(Date.UTC(y, 0, 1)).getUTCDay()
      const leap = new Date(Date.UTC(y, 1, 29)).getUTCMonth() === 1
      expect(jan1 === 4 || (leap && jan1 === 3)).toBe(true)
    }
  })

  it('days at the year boundary belong to the week-year of their Thursday', () => {
    expect(isoWeekOf('2026-12-31')).toEqual({ year: 2026, week: 53 })
    expect(isoWeekOf('2027-01-03')).toEqual({ year: 2026, week: 53 })
    expect(isoWeekOf('2027-01-04')).toEqual({ year: 2027, week: 1 })
    expect(isoWeekOf('2021-01-03')).toEqual({ year: 2020, week: 53 })
    expect(isoWeekOf('2025-12-29')).toEqual({ year: 2026, week: 1 })
    expect(isoWeekOf('2024-12-30')).toEqual({ year: 2025, week: 1 })
    expect(isoWeekLabel('2021-01-01')).toBe('2020-W53')
    expect(isoWeekLabel('2026-03-04')).toBe('2026-W10')
  })

  it('the Monday of a week, and week 53 only where the year has it', () => {
    expect(isoYearStart(2026)).toBe('2025-12-29')
    expect(isoYearStart(2021)).toBe('2021-01-04')
    expect(isoWeekMonday(2026, 53)).toBe('2026-12-28')
    expect(isoWeekMonday(2020, 53)).toBe('2020-12-28')
    expect(() => isoWeekMonday(2025, 53)).toThrow(RangeError)
    expect(() => isoWeekMonday(2026, 0)).toThrow(RangeError)
  })

  it('every day of 2019–2028 maps to the week whose Monday starts it, weeks counting up by one', () => {
    let previous = isoWeekOf('2018-12-31')
    for (let d = '2019-01-01'; d <= '2028-12-31'; d = next(d, 1)) {
      const w = isoWeekOf(d)
      expect(isoWeekMonday(w.year, w.week) <= d).toBe(true)
      expect(next(isoWeekMonday(w.year, w.week), 6) >= d).toBe(true)
      if (w.year !== previous.year || w.week !== previous.week) {
        const wrapped = w.week === 1 && previous.week === isoWeeksInYear(previous.year)
        expect(wrapped || (w.year === previous.year && w.week === previous.week + 1)).toBe(true)
      }
      previous = w
    }
  })
})

describe('epi weeks between two days', () => {
  it('has no gap across a 53-week year: 2026-W50 … 2027-W03 is 7 weeks, W53 included', () => {
    const weeks = epiWeeksBetween('2026-12-09', '2027-01-20')
    expect(weeks.map(isoWeekLabel)).toEqual([
      '2026-W50',
      '2026-W51',
      '2026-W52',
      '2026-W53',
      '2027-W01',
      '2027-W02',
      '2027-W03',
    ])
    for (let k = 1; k < weeks.length; k++) expect(weeks[k]).toBe(next(weeks[k - 1] as string, 7))
  })

  it('across a 52-week year: 2025-W52 is followed by 2026-W01', () => {
    expect(epiWeeksBetween('2025-12-22', '2026-01-05').map(isoWeekLabel)).toEqual([
      '2025-W52',
      '2026-W01',
      '2026-W02',
    ])
  })

  it('a range inside one week is that week; a range ending before it starts has none', () => {
    expect(epiWeeksBetween('2026-11-25', '2026-11-26')).toEqual(['2026-11-23'])
    expect(epiWeeksBetween('2026-11-26', '2026-11-20')).toEqual([])
  })
})
