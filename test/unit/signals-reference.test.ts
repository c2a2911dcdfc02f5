/**
 * Vigil's detectors against R's `surveillance` package (1.20.3 on R 4.2.2), on the package's own
 * data sets: test/vectors/signals/*.json, made by generate.R beside them (README: sources,
 * versions, licences). Expected values and upper bounds agree within 1e-6 (relative above 1),
 * alarms exactly; a null in R (no bound: too few cases, no fit) is a null here.
 */
import { describe, expect, it } from 'vitest'
import {
  type CountSeries,
  cusum,
  ears,
  type FarringtonControl,
  farrington,
  normalQuantile,
  type SignalPoint,
} from '../../src/core/signals/index.ts'
import { readVectorJson } from '../helpers/vectors.ts'

interface Case<C, O> {
  name: string
  observed: (number | null)[]
  population?: number[] | null
  control: C
  /** 1-based, inclusive, as R counts. */
  range: [number, number]
  output: O
}
interface File<C, O> {
  R: string
  surveillance: string
  cases: Case<C, O>[]
}
type Numbers = (number | null)[]

const TOLERANCE = 1e-6

function expectClose(ours: number | null, theirs: number | null, what: string) {
  if (theirs === null) {
    expect(ours, what).toBeNull()
    return
  }
  expect(ours, what).not.toBeNull()
  const error = Math.abs((ours as number) - theirs) / Math.max(1, Math.abs(theirs))
  expect(error, `${what}: ours ${ours}, R ${theirs}`).toBeLessThan(TOLERANCE)
}

/** Ours and R's, period by period, over R's range; `skip` names periods R could not judge. */
function compare(
  points: SignalPoint[],
  range: [number, number],
  columns: Record<string, { ours: (p: SignalPoint) => number | null; theirs: Numbers }>,
  alarms: boolean[],
  skip: (index: number) => boolean = () => false,
) {
  expect(points.length).toBe(range[1] - range[0] + 1)
  let compared = 0
  points.forEach((p, i) => {
    if (skip(p.index)) return
    for (const [name, col] of Object.entries(columns)) {
      expectClose(col.ours(p), col.theirs[i] ?? null, `${name} at period ${p.index + 1}`)
    }
    expect(p.alarm, `alarm at period ${p.index + 1}`).toBe(alarms[i])
    compared++
  })
  return compared
}

type RFarrington = Omit<FarringtonControl, 'limit54' | 'pastWeeksNotIncluded'> & {
  limit54: [number, number]
  pastWeeksNotIncluded: number
}
const farringtonFile =
  readVectorJson<
    File<
      RFarrington,
      { upperbound: Numbers; expected: Numbers; alarm: boolean[]; pvalue: Numbers; score: Numbers }
    >
  >('signals/farrington.json')

/** Weeks 400–409 of salmNewport are NA in R's run; ours keeps the counts and masks them. */
const MASKED = { from: 399, to: 408 }

describe(`farringtonFlexible (R surveillance ${farringtonFile.surveillance})`, () => {
  const unmasked = farringtonFile.cases.find((c) => c.name === 'salmNewport Germany, defaults')
  for (const c of farringtonFile.cases) {
    it(c.name, () => {
      const masked = c.observed.some((v) => v === null)
      const counts = (masked ? (unmasked?.observed ?? []) : c.observed) as number[]
      const series: CountSeries = {
        counts,
        frequency: 52,
        ...(c.population ? { population: c.population } : {}),
        ...(masked ? { outbreak: counts.map((_, i) => i >= MASKED.from && i <= MASKED.to) } : {}),
      }
      const result = farrington(series, {
        control: c.control,
        range: { from: c.range[0] - 1, to: c.range[1] },
      })
      if (!result.ok) throw new Error(result.reason.message)
      const compared = compare(
        result.points,
        c.range,
        {
          upperBound: { ours: (p) => p.upperBound, theirs: c.output.upperbound },
          expected: { ours: (p) => p.expected, theirs: c.output.expected },
          pValue: { ours: (p) => p.pValue, theirs: c.output.pvalue },
        },
        c.output.alarm,
        // R's 4-week case count is NA where it reaches into the NA weeks; ours is defined there.
        (k) => masked && k >= MASKED.from && k <= MASKED.to + 3,
      )
      expect(compared).toBeGreaterThan(20)
    })
  }
})

interface REars {
  method: 'C1' | 'C2' | 'C3'
  baseline?: number
  alpha?: number
  minSigma?: number
}
const earsFile =
  readVectorJson<File<REars, { upperbound: Numbers; alarm: boolean[] }>>('signals/ears.json')

describe(`earsC (R surveillance ${earsFile.surveillance})`, () => {
  for (const c of earsFile.cases.filter((c) => c.control.method !== 'C3')) {
    it(c.name, () => {
      const result = ears(
        { counts: c.observed as number[], frequency: 52 },
        { control: c.control, range: { from: c.range[0] - 1, to: c.range[1] } },
      )
      if (!result.ok) throw new Error(result.reason.message)
      const compared = compare(
        result.points,
        c.range,
        { upperBound: { ours: (p) => p.upperBound, theirs: c.output.upperbound } },
        c.output.alarm,
      )
      expect(compared).toBe(c.range[1] - c.range[0] + 1)
    })
  }

  // R's C3 bound is y + σ(z − P), P the two previous periods' share max(0, C2 − 1): it leaves
  // out the current period, so its alarm is P > z. Ours follows Hutwagner (P plus the current
  // share, > z). Here R's bound is rebuilt from our C2 statistics and baselines, which pins
  // every C2 term ours sums; signals-ears.test.ts checks the sum itself by hand.
  for (const c of earsFile.cases.filter((c) => c.control.method === 'C3')) {
    it(`${c.name}: R's bound from our C2 terms`, () => {
      const alpha = c.control.alpha ?? 0.025
      const z = normalQuantile(1 - alpha)
      const c2 = ears(
        { counts: c.observed as number[], frequency: 52 },
        {
          control: { ...c.control, method: 'C2', alpha },
          range: { from: c.range[0] - 3, to: c.range[1] },
        },
      )
      if (!c2.ok) throw new Error(c2.reason.message)
      const share = (p: SignalPoint | undefined) => Math.max(0, (p?.score ?? 0) - 1)
      c.output.upperbound.forEach((theirs, i) => {
        const now = c2.points[i + 2] as SignalPoint
        const sigma = ((now.upperBound as number) - (now.expected as number)) / z
        const past = share(c2.points[i]) + share(c2.points[i + 1])
        expectClose(Math.max(0, now.observed + sigma * (z - past)), theirs, `bound at ${now.index}`)
      })
    })
  }
})

interface RCusum {
  k: number
  h: number
  trans: 'standard' | 'rossi' | 'anscombe'
  m?: 'glm'
}
const cusumFile =
  readVectorJson<
    File<RCusum, { upperbound: Numbers; alarm: boolean[]; cusum: Numbers; m: Numbers }>
  >('signals/cusum.json')

describe(`algo.cusum (R surveillance ${cusumFile.surveillance})`, () => {
  for (const c of cusumFile.cases) {
    it(c.name, () => {
      const result = cusum(
        { counts: c.observed as number[], frequency: 52 },
        {
          control: {
            k: c.control.k,
            h: c.control.h,
            trans: c.control.trans,
            mean: c.control.m === 'glm' ? 'seasonal' : 'baseline',
          },
          range: { from: c.range[0] - 1, to: c.range[1] },
        },
      )
      if (!result.ok) throw new Error(result.reason.message)
      // R reports one m for the baseline mean, one per period for the seasonal fit.
      const m = c.output.m
      const compared = compare(
        result.points,
        c.range,
        {
          upperBound: { ours: (p) => p.upperBound, theirs: c.output.upperbound },
          cusum: { ours: (p) => p.score, theirs: c.output.cusum },
          expected: {
            ours: (p) => p.expected,
            theirs: m.length === 1 ? c.output.upperbound.map(() => m[0] ?? null) : m,
          },
        },
        c.output.alarm,
      )
      expect(compared).toBe(c.range[1] - c.range[0] + 1)
    })
  }
})
