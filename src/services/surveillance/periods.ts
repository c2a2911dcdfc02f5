/**
 * @module services/surveillance/periods
 * Days, ISO weeks (from Monday) and months as the first day of each period, in UTC; all dates
 * are YYYY-MM-DD strings, so they compare as text.
 */
import type { Grain } from '../../core/stats/index.ts'

const DAY_MS = 86_400_000

export const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
export const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`)

/** The first day of the period that contains `day`. */
export function periodStart(grain: Grain, day: string): string {
  if (grain === 'day') return day
  if (grain === 'month') return `${day.slice(0, 7)}-01`
  const ms = dayMs(day)
  const weekday = (new Date(ms).getUTCDay() + 6) % 7 // Monday 0 … Sunday 6 (ISO 8601)
  return toDay(ms - weekday * DAY_MS)
}

/** The first day of the next period. */
export function nextPeriod(grain: Grain, start: string): string {
  if (grain === 'day') return toDay(dayMs(start) + DAY_MS)
  if (grain === 'week') return toDay(dayMs(start) + 7 * DAY_MS)
  const d = new Date(dayMs(start))
  return toDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
}

/** Every period that overlaps [from, to], by its first day. */
export function periodsBetween(grain: Grain, from: string, to: string): string[] {
  const out: string[] = []
  for (let p = periodStart(grain, from); p <= to; p = nextPeriod(grain, p)) out.push(p)
  return out
}

/** The last day of the period starting at `start`. */
export const periodEnd = (grain: Grain, start: string) =>
  toDay(dayMs(nextPeriod(grain, start)) - DAY_MS)
