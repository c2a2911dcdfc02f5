/** Words for what the series name by code: periods, breakdown values, places. */
import { testByCode, vaccineByCode } from '../../../src/core/fhir/index.ts'
import type { Breakdown, Grain } from '../../../src/core/stats/index.ts'
import { hasMessage, lang, t } from '../i18n/index.ts'

const DAY_MS = 86_400_000

/** ISO 8601 week number and its year, of a Monday given as YYYY-MM-DD. */
export function isoWeek(day: string): { year: number; week: number } {
  const d = new Date(`${day}T00:00:00Z`)
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS)
  const year = thursday.getUTCFullYear()
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS))
  return { year, week }
}

/** A period by its first day: `3 Mar 2026`, `2026-W10`, `Mar 2026`. */
export function periodLabel(grain: Grain, start: string): string {
  const date = new Date(`${start}T00:00:00Z`)
  if (grain === 'week') {
    const { year, week } = isoWeek(start)
    return `${year}-W${String(week).padStart(2, '0')}`
  }
  if (grain === 'month')
    return new Intl.DateTimeFormat(lang(), {
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(date)
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date)
}

export function breakdownLabel(b: Breakdown): string {
  return t(`dim.${b}`)
}

/** A breakdown value in words: a product's name, `Dose 2`, `Confirmed`; else as given. */
export function valueLabel(b: Breakdown, value: string): string {
  if (b === 'age_band') return value
  if (b === 'dose') return t('value.dose', { n: value })
  if (b === 'product') return vaccineByCode(value)?.display ?? testByCode(value)?.display ?? value
  const key = `value.${value}`
  return hasMessage(key) ? t(key) : value
}

/** A place's name; facts whose place is not in the hierarchy are grouped as `unknown`. */
export function placeLabel(code: string | undefined, name: string | undefined): string {
  if (code === 'unknown') return t('place.unknown')
  return name ?? code ?? ''
}
