/**
 * The Poisson CUSUM worked by hand (R surveillance's algo.cusum; Rossi et al. 1999). The first
 * 52 weeks alternate 3 and 5, so the in-control mean is m = 4 and √m = 2; k = 1.04, h = 2.26:
 *
 *   standard: S = (y − 4)/2,  C = max(0, C₋₁ + S − 1.04),  alarm C ≥ 2.26,
 *             bound ⌈2 · (3.3 − C₋₁) + 4⌉ (the count that brings C to h).
 *
 *   week  y   S     C                        bound
 *   52    6   1     max(0, −0.04) = 0         ⌈10.6⌉ = 11
 *   53    8   2     0.96                      11
 *   54    4   0     max(0, −0.08) = 0         ⌈2·2.34 + 4⌉ = ⌈8.68⌉ = 9
 *   55   10   3     1.96                      11
 *   56    9   2.5   3.42  alarm               ⌈2·1.34 + 4⌉ = ⌈6.68⌉ = 7
 *   57    4   0     2.38  alarm (no reset)    ⌈2·(−0.12) + 4⌉ = ⌈3.76⌉ = 4
 *   58    0  −2     max(0, −0.66) = 0         ⌈2·(3.3 − 2.38) + 4⌉ = ⌈5.84⌉ = 6
 */
import { describe, expect, it } from 'vitest'
import { cusum } from '../../src/core/signals/index.ts'

const BASELINE = Array.from({ length: 52 }, (_, i) => (i % 2 === 0 ? 3 : 5))
const TAIL = [6, 8, 4, 10, 9, 4, 0]
const run = (control = {}, counts = [...BASELINE, ...TAIL], outbreak?: boolean[]) => {
  const r = cusum({ counts, frequency: 52, ...(outbreak ? { outbreak } : {}) }, { control })
  if (!r.ok) throw new Error(r.reason.message)
  return r.points
}

describe('standard transform, k 1.04, h 2.26, m the mean of the year before', () => {
  const points = run()
  it('evaluates weeks 52…58 with m = 4', () => {
    expect(points.map((p) => p.index)).toEqual([52, 53, 54, 55, 56, 57, 58])
    expect(points.every((p) => p.expected === 4)).toBe(true)
  })
  it('sums: 0, 0.96, 0, 1.96, 3.42, 2.38, 0', () => {
    const want = [0, 0.96, 0, 1.96, 3.42, 2.38, 0]
    for (const [i, p] of points.entries()) expect(p.score).toBeCloseTo(want[i] as number, 12)
  })
  it('alarms in weeks 56 and 57 only (C ≥ 2.26; the sum is not reset)', () => {
    expect(points.map((p) => p.alarm)).toEqual([false, false, false, false, true, true, false])
  })
  it('bounds: 11, 11, 9, 11, 7, 4, 6', () => {
    expect(points.map((p) => p.upperBound)).toEqual([11, 11, 9, 11, 7, 4, 6])
  })
  it('resetAfterAlarm: the sum restarts after week 56, so week 57 is quiet (bound 11)', () => {
    const reset = run({ resetAfterAlarm: true })
    expect(reset.map((p) => p.alarm)).toEqual([false, false, false, false, true, false, false])
    expect(reset[5]?.upperBound).toBe(11)
  })
})

describe('Rossi transform S = (y − 3m + 2√(ym)) / (2√m)', () => {
  it('y 16 with m 4: S = (16 − 12 + 16)/4 = 5, C = 3.96 ≥ 2.26; bound 33.2 − 2√116.8 = 11.585190', () => {
    // The bound solves S = h + k = 3.3: 5m + 2√m·3.3 − 2√(4m² + 2m^1.5·3.3).
    const [p] = run({ trans: 'rossi' }, [...BASELINE, 16])
    expect(p?.score).toBeCloseTo(3.96, 12)
    expect(p?.alarm).toBe(true)
    expect(p?.upperBound).toBeCloseTo(11.58519, 6)
  })
})

describe('the in-control mean', () => {
  it('leaves known outbreak weeks out: weeks 10–13 at 40 and masked still give m = 4', () => {
    const counts = [...BASELINE.map((v, i) => (i >= 10 && i <= 13 ? 40 : v)), ...TAIL]
    const outbreak = counts.map((_, i) => i >= 10 && i <= 13)
    expect(run({}, counts, outbreak)[0]?.expected).toBe(4)
    expect(run({}, counts)[0]?.expected).toBeCloseTo(4 + (4 * 36) / 52, 12)
  })
  it('a given number is used as is', () => {
    expect(run({ mean: 2 })[0]).toMatchObject({
      expected: 2,
      upperBound: Math.ceil(Math.SQRT2 * 3.3 + 2),
    })
  })
  it('an all-zero baseline has no mean to standardise by: SHORT_BASELINE, no alarm', () => {
    const [p] = run({}, [...Array(52).fill(0), 9])
    expect(p).toMatchObject({ upperBound: null, alarm: false, note: 'SHORT_BASELINE' })
  })
})

describe('history', () => {
  it('by default a year of baseline: 40 weeks → "needs 1 year and 1 week of weekly data; has 40 weeks"', () => {
    expect(cusum({ counts: Array(40).fill(2), frequency: 52 })).toEqual({
      ok: false,
      method: 'cusum',
      reason: {
        code: 'HISTORY_TOO_SHORT',
        needed: 53,
        has: 40,
        message: 'needs 1 year and 1 week of weekly data; has 40 weeks',
      },
    })
  })
  it('an explicit range may start after a single baseline week (three for the seasonal mean)', () => {
    const counts = [4, 6, 9]
    const r = cusum({ counts, frequency: 52 }, { range: { from: 1 } })
    expect(r.ok && r.points.map((p) => p.expected)).toEqual([4, 4])
    const seasonal = cusum(
      { counts, frequency: 52 },
      { control: { mean: 'seasonal' }, range: { from: 1 } },
    )
    expect(seasonal.ok ? 'ok' : seasonal.reason.message).toBe(
      'needs 4 weeks of weekly data; has 2 weeks',
    )
  })
})
