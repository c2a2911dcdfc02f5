/**
 * ISO 8601 weeks as epidemiological weeks (ISO 8601-1:2019 §5.2.10; the week numbering ECDC and
 * most of Europe report by): weeks start on Monday, week 1 is the week with the year's first
 * Thursday, so a week-year has 52 or 53 weeks and its first days may lie in December. Days are
 * YYYY-MM-DD strings in UTC, as everywhere in the surveillance API.
 */

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS

const ms = (day: string) => Date.parse(`${day}T00:00:00Z`)
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)

export interface IsoWeek {
  /** The ISO week-year (the calendar year of the week's Thursday). */
  year: number
  /** 1–53 */
  week: number
}

/** The Monday that starts the ISO week containing `day`. */
export function isoWeekStart(day: string): string {
  const t = ms(day)
  return iso(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS)
}

/** The ISO week (week-year and number) that contains `day`. */
export function isoWeekOf(day: string): IsoWeek {
  const monday = ms(isoWeekStart(day))
  const thursday = new Date(monday + 3 * DAY_MS)
  const year = thursday.getUTCFullYear()
  return { year, week: 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK_MS) }
}

/** The Monday of week 1 of an ISO week-year: the Monday of the week holding 4 January. */
export function isoYearStart(year: number): string {
  const jan4 = Date.UTC(year, 0, 4)
  return iso(jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS)
}

/** 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday. */
export function isoWeeksInYear(year: number): 52 | 53 {
  return (ms(isoYearStart(year + 1)) - ms(isoYearStart(year))) / WEEK_MS === 53 ? 53 : 52
}

/** The Monday of ISO week `week` of `year` (week may be 53 only in a 53-week year). */
export function isoWeekMonday(year: number, week: number): string {
  if (!Number.isInteger(week) || week < 1 || week > isoWeeksInYear(year))
    throw new RangeError(`${year} has no ISO week ${week}`)
  return iso(ms(isoYearStart(year)) + (week - 1) * WEEK_MS)
}

/** `2026-W05`: the ISO 8601 week-date form (§5.2.10.2) without the day. */
export function isoWeekLabel(day: string): string {
  const { year, week } = isoWeekOf(day)
  return `${year}-W${String(week).padStart(2, '0')}`
}

/**
 * Every ISO week that overlaps [from, to], by its Monday, one after the other with none left
 * out: an epi curve's x axis, where a week without cases is a zero, never a missing bar.
 */
export function epiWeeksBetween(from: string, to: string): string[] {
  const out: string[] = []
  for (let t = ms(isoWeekStart(from)); t <= ms(to); t += WEEK_MS) out.push(iso(t))
  return out
}
