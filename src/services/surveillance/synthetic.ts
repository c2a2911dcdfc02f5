/**
 * @module services/surveillance/synthetic
 * A year of synthetic activity for `vigil demo` and the benchmark: vaccination campaigns by age
 * (oldest first, second doses three to four weeks later, an autumn booster for the over-60s),
 * three epidemic waves that drive tests, positivity and exposure codes and uploads, spread over
 * districts by population. Deterministic for a seed; produced a day at a time, in date order, as
 * facts would arrive.
 */
import { AGE_BANDS } from '../../core/fhir/index.ts'
import type { FactRow } from './measures.ts'
import { seriesCompletes } from './measures.ts'
import { dayMs, toDay } from './periods.ts'
import type { Hierarchy } from './regions.ts'

/** mulberry32: a small, fast, seeded generator (synthetic data only, never for keys). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick<T>(u: () => number, items: readonly T[], weights: readonly number[]): T {
  let total = 0
  for (const w of weights) total += w
  let r = u() * total
  for (let i = 0; i < items.length; i++) {
    r -= weights[i] as number
    if (r <= 0) return items[i] as T
  }
  return items[items.length - 1] as T
}

const bump = (d: number, centre: number, width: number) => Math.exp(-(((d - centre) / width) ** 2))

/** Epidemic activity on day d of the year: three waves over a low baseline. */
export const waves = (d: number) =>
  0.15 + bump(d, 60, 18) + 0.7 * bump(d, 200, 25) + 1.2 * bump(d, 320, 16)

/** Dose campaign intensity for an age band (index) on day d. */
function campaign(d: number, band: number): number {
  // Primary series: the 80+ start on day 10, each younger band about 12 days later.
  const start = 10 + (AGE_BANDS.length - 1 - band) * 12
  const primary = band >= 2 ? bump(d, start + 20, 18) + 0.8 * bump(d, start + 45, 18) : 0
  const booster = band >= 7 ? 0.9 * bump(d, 270, 20) : band >= 3 ? 0.25 * bump(d, 285, 25) : 0
  return primary + booster + 0.02
}

export interface SyntheticOptions {
  seed: number
  /** Facts in the year, about. */
  total: number
  /** The first day (YYYY-MM-DD); 365 days follow. */
  start: string
  days?: number
  places: Hierarchy
}

const VACCINES = ['208', '207', '212'] as const
const VACCINE_SHARE = [0.62, 0.28, 0.1]
const TESTS = ['94558-4', '94500-6'] as const
const TEST_TYPE: Record<string, string> = { '94558-4': 'antigen', '94500-6': 'naat' }

/** Yields one day's facts at a time, in date order. */
export function* syntheticYear(o: SyntheticOptions): Generator<FactRow[]> {
  const u = seededUniform(o.seed)
  const days = o.days ?? 365
  const districts = o.places.at('district')
  if (districts.length === 0) throw new Error('load the regions first (vigil regions load FILE)')
  const districtWeights = districts.map((p) => o.places.population(p.code) ?? 1)
  const bandPop = (code: string) => AGE_BANDS.map((b) => o.places.population(code, b) ?? 1)
  const doseDay = (d: number) => AGE_BANDS.reduce((a, _, b) => a + campaign(d, b), 0)
  let doseSum = 0
  let testSum = 0
  for (let d = 0; d < days; d++) {
    doseSum += doseDay(d)
    testSum += waves(d)
  }
  // 55% doses, 40% tests, 5% exposure facts over the year.
  const doseScale = (0.55 * o.total) / doseSum
  const testScale = (0.4 * o.total) / testSum
  const expScale = (0.05 * o.total) / testSum
  const round = (x: number) => Math.floor(x) + (u() < x - Math.floor(x) ? 1 : 0)
  const startMs = dayMs(o.start)
  for (let d = 0; d < days; d++) {
    const day = toDay(startMs + d * 86_400_000)
    const out: FactRow[] = []
    const bandWeights = AGE_BANDS.map((_, b) => campaign(d, b))
    const doses = round(doseScale * doseDay(d))
    for (let k = 0; k < doses; k++) {
      const region = pick(u, districts, districtWeights).code
      const band = pick(u, AGE_BANDS, bandWeights)
      const product = pick(u, VACCINES, VACCINE_SHARE)
      // Late in the year most doses of older people are boosters (dose 3).
      const b = AGE_BANDS.indexOf(band)
      const dose =
        product === '212'
          ? 1
          : d > 230 && b >= 3 && u() < 0.8
            ? 3
            : u() < 0.5 + 0.3 * Math.min(1, d / 200)
              ? 2
              : 1
      out.push({
        day,
        region,
        kind: 'dose',
        product,
        dose,
        ageBand: band,
        result: null,
        testType: null,
        reportType: null,
        seriesComplete: seriesCompletes(product, dose),
      })
    }
    const w = waves(d)
    const positivity = 0.03 + 0.18 * Math.min(1, w / 1.3)
    const tests = round(testScale * w)
    for (let k = 0; k < tests; k++) {
      const place = pick(u, districts, districtWeights).code
      const product = pick(u, TESTS, [0.6, 0.4])
      const r = u()
      out.push({
        day,
        region: place,
        kind: 'test',
        product,
        dose: null,
        ageBand: pick(u, AGE_BANDS, bandPop(place)),
        result: r < positivity ? '260373001' : r < positivity + 0.01 ? '419984006' : '260415000',
        testType: TEST_TYPE[product] ?? null,
        reportType: null,
        seriesComplete: false,
      })
    }
    const exposures = round(expScale * w)
    for (let k = 0; k < exposures; k++) {
      const r = u()
      const kind = r < 0.42 ? 'code-issued' : r < 0.72 ? 'code-redeemed' : 'upload'
      const testType = u() < 0.85 ? 'confirmed' : 'likely'
      out.push({
        day,
        region: u() < 0.8 ? pick(u, districts, districtWeights).code : null,
        kind,
        product: '',
        dose: null,
        ageBand: null,
        result: null,
        testType,
        reportType: kind === 'upload' ? testType : null,
        seriesComplete: false,
      })
    }
    yield out
  }
}
