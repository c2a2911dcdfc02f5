/**
 * What the detectors refuse (one corrupted field → one SignalError code and field) and the
 * readable result when a series is too short, which is an answer, not an error.
 */
import { describe, expect, it } from 'vitest'
import {
  type CountSeries,
  cusum,
  ears,
  farrington,
  SignalError,
  type SignalResult,
} from '../../src/core/signals/index.ts'

const weekly = (n: number): CountSeries => ({
  counts: Array.from({ length: n }, (_, i) => 3 + (i % 4)),
  frequency: 52,
})
const LONG = weekly(300)

function refusal(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run()
  } catch (e) {
    expect(e).toBeInstanceOf(SignalError)
    const { code, field } = e as SignalError
    return { code, field }
  }
  throw new Error('no refusal')
}

const METHODS: [string, (s: CountSeries) => SignalResult][] = [
  ['farrington', (s) => farrington(s)],
  ['ears', (s) => ears(s)],
  ['cusum', (s) => cusum(s)],
]

describe('counts', () => {
  const corrupt = (i: number, v: number) => ({ ...LONG, counts: LONG.counts.with(i, v) })
  for (const [name, run] of METHODS) {
    it(`${name}: a negative, NaN or infinite count is SIGNAL_COUNTS at its index`, () => {
      expect(refusal(() => run(corrupt(3, -1)))).toEqual({
        code: 'SIGNAL_COUNTS',
        field: 'counts[3]',
      })
      expect(refusal(() => run(corrupt(120, Number.NaN)))).toEqual({
        code: 'SIGNAL_COUNTS',
        field: 'counts[120]',
      })
      expect(refusal(() => run(corrupt(299, Number.POSITIVE_INFINITY)))).toEqual({
        code: 'SIGNAL_COUNTS',
        field: 'counts[299]',
      })
    })
    it(`${name}: an outbreak mask of the wrong length is SIGNAL_MASK`, () => {
      expect(refusal(() => run({ ...LONG, outbreak: [true] }))).toEqual({
        code: 'SIGNAL_MASK',
        field: 'outbreak',
      })
    })
    it(`${name}: a frequency of 0 or 52.5 is SIGNAL_CONTROL on frequency`, () => {
      for (const frequency of [0, 52.5]) {
        expect(refusal(() => run({ ...LONG, frequency }))).toEqual({
          code: 'SIGNAL_CONTROL',
          field: 'frequency',
        })
      }
    })
  }
})

describe('population offset', () => {
  const offset = { control: { populationOffset: true } }
  it('without a population: SIGNAL_POPULATION', () => {
    expect(refusal(() => farrington(LONG, offset))).toEqual({
      code: 'SIGNAL_POPULATION',
      field: 'population',
    })
  })
  it('a population of 0 in week 7: SIGNAL_POPULATION at population[7]', () => {
    const population = Array(300).fill(1000).with(7, 0)
    expect(refusal(() => farrington({ ...LONG, population }, offset))).toEqual({
      code: 'SIGNAL_POPULATION',
      field: 'population[7]',
    })
  })
})

describe('control values out of range name the control', () => {
  const cases: [string, () => unknown][] = [
    ['control.b', () => farrington(LONG, { control: { b: 0 } })],
    ['control.w', () => farrington(LONG, { control: { w: -1 } })],
    ['control.alpha', () => farrington(LONG, { control: { alpha: 0 } })],
    ['control.noPeriods', () => farrington(LONG, { control: { noPeriods: 47 } })],
    ['control.limit54', () => farrington(LONG, { control: { limit54: [5, 0] } })],
    [
      'control.thresholdMethod',
      () => farrington(LONG, { control: { thresholdMethod: 'x' as 'delta' } }),
    ],
    ['control.powertrans', () => farrington(LONG, { control: { powertrans: '3/4' as '2/3' } })],
    ['control.baseline', () => ears(LONG, { control: { baseline: 2 } })],
    ['control.method', () => ears(LONG, { control: { method: 'C4' as 'C1' } })],
    ['control.minSigma', () => ears(LONG, { control: { minSigma: -1 } })],
    ['control.h', () => cusum(LONG, { control: { h: 0 } })],
    ['control.mean', () => cusum(LONG, { control: { mean: -2 } })],
    ['range', () => farrington(LONG, { range: { from: 280, to: 270 } })],
    ['range', () => ears(LONG, { range: { to: 301 } })],
  ]
  for (const [field, run] of cases) {
    it(`${field}`, () => expect(refusal(run)).toEqual({ code: 'SIGNAL_CONTROL', field }))
  }
  it('noPeriods 46 is the most 52-week years with w 3 allow (one week per block): accepted', () => {
    expect(farrington(LONG, { control: { noPeriods: 46 }, range: { from: 299 } }).ok).toBe(true)
  })
})

describe('too little history is a result with a readable reason', () => {
  it('Farrington b 3 on 40 weeks: "needs 3 years and 4 weeks of weekly data; has 40 weeks"', () => {
    expect(farrington(weekly(40), { control: { b: 3 } })).toEqual({
      ok: false,
      method: 'farrington',
      reason: {
        code: 'HISTORY_TOO_SHORT',
        needed: 160,
        has: 40,
        message: 'needs 3 years and 4 weeks of weekly data; has 40 weeks',
      },
    })
  })
  it('Farrington defaults on 263 weeks: one short of 5 years and 4 weeks; 264 gives one point', () => {
    const short = farrington(weekly(263))
    expect(short.ok ? '' : short.reason.message).toBe(
      'needs 5 years and 4 weeks of weekly data; has 5 years and 3 weeks',
    )
    const enough = farrington(weekly(264))
    expect(enough.ok && enough.points.map((p) => p.index)).toEqual([263])
  })
  it('a range starting too early counts the history before its first week', () => {
    const early = farrington(LONG, { range: { from: 100 } })
    expect(early.ok ? '' : early.reason).toMatchObject({ needed: 264, has: 101 })
  })
  it('monthly data speaks in months: EARS C1 on 5 months', () => {
    const r = ears({ counts: [1, 2, 3, 4, 5], frequency: 12 })
    expect(r.ok ? '' : r.reason.message).toBe('needs 8 months of monthly data; has 5 months')
  })
})
