/**
 * Weekly test facts for the signal tests: in each district, a seeded Poisson count around a
 * winter peak (14 a week on average, half again in winter), with chosen outbreak weeks where
 * the mean triples. One batch of facts per week, dated the week's Monday, as ingestFacts takes.
 */
import type { FactRow } from '../../src/services/surveillance/index.ts'
import { dayMs, toDay } from '../../src/services/surveillance/periods.ts'

export interface WeeklyFactsOptions {
  /** First day of the last week; `weeks` weeks up to and including it. */
  lastWeek: string
  weeks: number
  districts: readonly string[]
  /** Weeks (first days) per district where the mean is tripled. */
  outbreaks?: Readonly<Record<string, readonly string[]>>
  seed?: number
}

/** The counts each district gets, per week (index 0 the first week). */
export function weeklyCounts(o: WeeklyFactsOptions): Map<string, number[]> {
  let s = o.seed ?? 20261124
  const uniform = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return (s + 0.5) / 4294967296
  }
  const poisson = (mean: number) => {
    const u = uniform()
    let k = 0
    let p = Math.exp(-mean)
    let cdf = p
    while (cdf < u) {
      k++
      p *= mean / k
      cdf += p
    }
    return k
  }
  const out = new Map(o.districts.map((d) => [d, [] as number[]]))
  for (let w = 0; w < o.weeks; w++) {
    const day = weekDay(o, w)
    for (const region of o.districts) {
      const mean = 14 * (1 + 0.5 * Math.cos((2 * Math.PI * (w - 8)) / 52))
      const outbreak = o.outbreaks?.[region]?.includes(day) === true
      out.get(region)?.push(poisson(outbreak ? 3 * mean : mean))
    }
  }
  return out
}

/** First day of week w. */
export const weekDay = (o: Pick<WeeklyFactsOptions, 'lastWeek' | 'weeks'>, w: number) =>
  toDay(dayMs(o.lastWeek) - (o.weeks - 1 - w) * 7 * 86_400_000)

/** Those counts as test facts (NAAT tests, no result), a batch per week. */
export function weeklyTestFacts(o: WeeklyFactsOptions): Generator<FactRow[]> {
  const counts = weeklyCounts(o)
  return testFactsPerWeek({
    weeks: o.weeks,
    districts: o.districts,
    day: (w) => weekDay(o, w),
    count: (_, region, w) => counts.get(region)?.[w] ?? 0,
  })
}

/**
 * NAAT test facts (no result), one batch per week dated `day(w)`: `count(i, district, w)` of them
 * for district number i in week w.
 */
export function* testFactsPerWeek(o: {
  weeks: number
  districts: readonly string[]
  day: (w: number) => string
  count: (i: number, district: string, w: number) => number
}): Generator<FactRow[]> {
  for (let w = 0; w < o.weeks; w++) {
    const day = o.day(w)
    yield o.districts.flatMap((region, i) =>
      Array.from(
        { length: o.count(i, region, w) },
        (): FactRow => ({
          day,
          region,
          kind: 'test',
          product: '94500-6',
          dose: null,
          ageBand: null,
          result: null,
          testType: 'naat',
          reportType: null,
          seriesComplete: false,
        }),
      ),
    )
  }
}
