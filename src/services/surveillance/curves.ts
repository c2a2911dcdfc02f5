/**
 * @module services/surveillance/curves
 * The epi curve by ISO week and this year against earlier years (issue 22), both for one area
 * (a place, or the whole country). Each is one weekly series query (surveillance/query), so the
 * same suppression, noise and budget apply, and each week is a period of its own; here the weeks
 * are only named (ISO 8601 week-year and number, core/stats/epi-weeks) and, for year on year,
 * laid side by side by week number. Weeks without facts are zeros: the periods are enumerated,
 * not read from the data, so a curve has no gaps.
 */
import { and, eq, min } from 'drizzle-orm'
import {
  type CountMeasure,
  type EpiCurve,
  epiWeeksBetween,
  isoWeekOf,
  isoWeeksInYear,
  isoYearStart,
  type Mechanism,
  type YearsResult,
} from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { surveillanceRollups } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import type { ChartPlan } from './chart-plan.ts'
import { dayMs, toDay } from './periods.ts'
import { querySeries } from './query.ts'
import { readHierarchy } from './regions.ts'
import { checkRange, levelOfScope, nameOfScope } from './scope.ts'

interface AreaQuery {
  measure: CountMeasure
  region?: string | undefined
  dp: 'none' | Mechanism
  epsilon?: number | undefined
}

export interface EpiCurveQuery extends AreaQuery {
  /** YYYY-MM-DD; its ISO week is the first. Default: 52 weeks before `to`. */
  from?: string | undefined
  /** YYYY-MM-DD; its ISO week is the last. Default: today (UTC). */
  to?: string | undefined
}

export interface YearsQuery extends AreaQuery {
  /** Earlier ISO week-years beside the current one, 1–5. */
  years: number
  /** YYYY-MM-DD: the current year is its ISO week-year; weeks ending after it are not shown. */
  to?: string | undefined
}

const DAY_MS = 86_400_000

async function areaSeries(
  ctx: ServiceContext,
  q: AreaQuery,
  from: string,
  to: string,
  plan: ChartPlan | undefined,
) {
  const places = await readHierarchy(ctx)
  const level = levelOfScope(places, q.region)
  const series = await querySeries(
    ctx,
    {
      measure: q.measure,
      interval: 'week',
      from,
      to,
      level,
      region: q.region,
      dp: q.dp,
      epsilon: q.epsilon,
    },
    places,
    plan,
  )
  return { series, name: nameOfScope(places, q.region) }
}

/** Counts per ISO week over [from, to], every week present (zero when nothing happened). */
export async function epiCurve(
  ctx: ServiceContext,
  q: EpiCurveQuery,
  /** Part of a dashboard view: the view spends the budget (chart-plan.ts). */
  plan?: ChartPlan,
): Promise<EpiCurve> {
  const to = q.to ?? toDay(ctx.clock.now().getTime())
  const from = q.from ?? toDay(dayMs(to) - 364 * DAY_MS)
  checkRange(from, to)
  const { series, name } = await areaSeries(ctx, q, from, to, plan)
  const weeks = epiWeeksBetween(from, to)
  // The series' periods are these very Mondays; a mismatch would be a bug, not bad input.
  if (weeks.join() !== series.periods.join()) throw new Error('epi weeks and periods differ')
  return {
    measure: q.measure,
    region: q.region ?? null,
    name,
    from: series.from,
    to,
    weeks: weeks.map((start, k) => {
      const { year, week } = isoWeekOf(start)
      return {
        start,
        label: `${year}-W${String(week).padStart(2, '0')}`,
        year,
        week,
        count: series.totals.all.counts[k] ?? null,
      }
    }),
    privacy: series.privacy,
  }
}

/** The current ISO week-year and the `years` before it, week by week (weeks 1–53). */
export async function yearOnYear(
  ctx: ServiceContext,
  q: YearsQuery,
  /** Part of a dashboard view: the view spends the budget (chart-plan.ts). */
  plan?: ChartPlan,
): Promise<YearsResult> {
  if (!(Number.isInteger(q.years) && q.years >= 1 && q.years <= 5))
    throw new ServiceError('RANGE_INVALID', 'years must be 1 to 5', { field: 'years' })
  const to = q.to ?? toDay(ctx.clock.now().getTime())
  const current = isoWeekOf(to).year
  const first = current - q.years
  // Weeks before the measure was first recorded anywhere are no data, not zeros (as in signals).
  const [{ series, name }, [firstRow]] = await Promise.all([
    areaSeries(ctx, q, isoYearStart(first), to, plan),
    ctx.db
      .select({ week: min(surveillanceRollups.period) })
      .from(surveillanceRollups)
      .where(
        and(
          eq(surveillanceRollups.grain, 'week'),
          eq(surveillanceRollups.measure, q.measure),
          eq(surveillanceRollups.dim, ''),
        ),
      ),
  ])
  const since = firstRow?.week ?? null
  const counts = new Map(series.periods.map((p, k) => [p, series.totals.all.counts[k] ?? null]))
  const years: YearsResult['years'] = []
  for (let year = current; year >= first; year--) {
    const n = isoWeeksInYear(year)
    const present: boolean[] = []
    const line: (number | null)[] = []
    for (let week = 1; week <= 53; week++) {
      const start = toDay(dayMs(isoYearStart(year)) + (week - 1) * 7 * DAY_MS)
      // A week is shown once it has ended; the current one is still filling up.
      const ok =
        week <= n && toDay(dayMs(start) + 6 * DAY_MS) <= to && since !== null && start >= since
      present.push(ok)
      line.push(ok ? (counts.get(start) ?? null) : null)
    }
    years.push({ year, weeks: n, counts: line, present })
  }
  return {
    measure: q.measure,
    region: q.region ?? null,
    name,
    to,
    since,
    years,
    privacy: series.privacy,
  }
}
