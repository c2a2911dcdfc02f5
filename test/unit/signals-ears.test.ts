/**
 * EARS C1, C2 and C3 worked by hand from their definitions (Hutwagner et al. 2003; Fricker et
 * al. 2008). The baselines are 7 consecutive values of the repeating week [3, 5, 3, 5, 3, 5, 4]:
 * every such window has mean 4 and sample standard deviation 1 (six deviations of ±1, one of 0:
 * 6 / 6 = 1), so C = y − 4 and the bounds are 4 + z:
 *   z(0.999) = 3.090232 (C1, C2),  z(0.975) = 1.959964 (C3).
 */
import { describe, expect, it } from 'vitest'
import { ears, type SignalPoint } from '../../src/core/signals/index.ts'

const WEEK = [3, 5, 3, 5, 3, 5, 4]
/** 14 weeks of the repeating pattern, then the given weeks 14, 15, … */
const series = (...tail: number[]) => ({
  counts: [...WEEK, ...WEEK, ...tail],
  frequency: 52,
})
const at = (result: ReturnType<typeof ears>, index: number): SignalPoint => {
  if (!result.ok) throw new Error(result.reason.message)
  const point = result.points.find((p) => p.index === index)
  if (point === undefined) throw new Error(`no point ${index}`)
  return point
}

describe('C1: baseline the 7 weeks before, z(0.999)', () => {
  it('y 8 → C1 = (8 − 4)/1 = 4 > 3.090232: alarm, bound 7.090232', () => {
    const p = at(ears(series(8)), 14)
    expect(p.expected).toBe(4)
    expect(p.upperBound).toBeCloseTo(7.090232, 6)
    expect(p.score).toBeCloseTo(4, 12)
    expect(p.alarm).toBe(true)
  })
  it('y 7 → C1 = 3 < 3.090232: no alarm', () => {
    const p = at(ears(series(7)), 14)
    expect(p.score).toBeCloseTo(3, 12)
    expect(p.alarm).toBe(false)
  })
  it('baseline 10, alpha 0.05: weeks 4…13 [3,5,4,3,5,3,5,3,5,4], mean 4, s √(8/9), bound 4 + 1.644854 · 0.942809', () => {
    // Deviations −1, 1, 0, −1, 1, −1, 1, −1, 1, 0: SS = 8, s = √(8/9) = 0.942809.
    const p = at(ears(series(9), { control: { baseline: 10, alpha: 0.05 } }), 14)
    expect(p.expected).toBeCloseTo(4, 12)
    expect(p.upperBound).toBeCloseTo(4 + 1.644854 * 0.942809, 5)
    expect(p.alarm).toBe(true)
  })
  it('a flat baseline: minSigma 0.5 gives 4 + 3.090232 · 0.5; without it any rise alarms', () => {
    const flat = { counts: [4, 4, 4, 4, 4, 4, 4, 5], frequency: 52 }
    const floored = at(ears(flat, { control: { minSigma: 0.5 } }), 7)
    expect(floored.upperBound).toBeCloseTo(5.545116, 6)
    expect(floored.alarm).toBe(false)
    const bare = at(ears(flat), 7)
    expect(bare.upperBound).toBe(4)
    expect(bare.alarm).toBe(true)
    expect(bare.score).toBeNull() // (5 − 4)/0 is no number to report
    expect(at(ears({ counts: [4, 4, 4, 4, 4, 4, 4, 4], frequency: 52 }), 7).score).toBe(0)
  })
})

describe('C2: the same with a 2-week gap', () => {
  it('week 16 reads weeks 7…13 (mean 4, s 1): y 8 alarms, the weeks 14 and 15 of 50 do not count', () => {
    const p = at(ears(series(50, 50, 8), { control: { method: 'C2' } }), 16)
    expect(p.expected).toBe(4)
    expect(p.upperBound).toBeCloseTo(7.090232, 6)
    expect(p.alarm).toBe(true)
  })
})

describe('C3 = Σ max(0, C2 − 1) over weeks t − 2, t − 1, t; alarm above z(0.975) = 1.959964', () => {
  // Weeks 14, 15, 16 are outside every C2 baseline used (each ends 3 weeks before its week).
  const cases: [string, number[], number, boolean, number][] = [
    // name, weeks 14–16, C3, alarm, bound for week 16 = 4 + 1 · (1 + z − P)
    ['6, 6, 5: 1 + 1 + 0 = 2', [6, 6, 5], 2, true, 4 + 1 + 1.959964 - 2],
    [
      '4, 4, 7: 0 + 0 + 2 = 2 (R earsC: no alarm, its bound ignores week 16)',
      [4, 4, 7],
      2,
      true,
      6.959964,
    ],
    ['5, 5, 6: 0 + 0 + 1 = 1', [5, 5, 6], 1, false, 6.959964],
    ['6, 4, 6: 1 + 0 + 1 = 2', [6, 4, 6], 2, true, 5.959964],
  ]
  for (const [name, tail, c3, alarm, bound] of cases) {
    it(name, () => {
      const p = at(ears(series(...tail), { control: { method: 'C3' } }), 16)
      expect(p.score).toBeCloseTo(c3, 12)
      expect(p.alarm).toBe(alarm)
      expect(p.upperBound).toBeCloseTo(bound, 6)
    })
  }
})

describe('known outbreaks are left out of the baseline, which reaches further back', () => {
  it('weeks 11–13 at 50 and masked: week 14 reads weeks 4–10 (mean 4, s 1) as if they were not there', () => {
    const s = series(8)
    const counts = s.counts.map((v, i) => (i >= 11 && i <= 13 ? 50 : v))
    const outbreak = counts.map((_, i) => i >= 11 && i <= 13)
    const masked = at(ears({ ...s, counts, outbreak }), 14)
    expect(masked.expected).toBe(4)
    expect(masked.alarm).toBe(true)
    const unmasked = at(ears({ ...s, counts }), 14)
    expect(unmasked.alarm).toBe(false) // the outbreak inflated mean and spread
  })
  it('too few unmasked weeks before a week: that week has no bound (SHORT_BASELINE)', () => {
    const counts = [...WEEK, 9]
    const p = at(ears({ counts, frequency: 52, outbreak: counts.map((_, i) => i === 0) }), 7)
    expect(p).toMatchObject({ upperBound: null, alarm: false, note: 'SHORT_BASELINE' })
  })
})

describe('minimum history: baseline (7) weeks for C1, +2 for C2, +4 for C3', () => {
  it.each([
    ['C1', 7, 'needs 8 weeks of weekly data; has 7 weeks'],
    ['C2', 9, 'needs 10 weeks of weekly data; has 9 weeks'],
    ['C3', 11, 'needs 12 weeks of weekly data; has 11 weeks'],
  ] as const)('%s on %i weeks: HISTORY_TOO_SHORT', (method, n, message) => {
    const result = ears({ counts: Array(n).fill(3), frequency: 52 }, { control: { method } })
    expect(result).toEqual({
      ok: false,
      method: `ears-${method.toLowerCase()}`,
      reason: { code: 'HISTORY_TOO_SHORT', needed: n + 1, has: n, message },
    })
    const longer = ears({ counts: Array(n + 1).fill(3), frequency: 52 }, { control: { method } })
    expect(longer.ok && longer.points.length).toBe(1)
  })
})
