/**
 * Noise with a seeded random source: means, variances and the geometric mechanism's mass at
 * zero within the bounds the mechanisms promise, over many draws.
 */
import { describe, expect, it } from 'vitest'
import {
  geometricNoise,
  laplaceNoise,
  noiseVariance,
  noisyCount,
  publishedRatio,
  uniform,
} from '../../../src/services/surveillance/dp.ts'
import { seededRandom } from '../../helpers/app.ts'

const N = 40_000

function stats(draw: () => number) {
  const xs = Array.from({ length: N }, draw)
  const mean = xs.reduce((a, b) => a + b, 0) / N
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1)
  return { xs, mean, variance }
}

describe('differential privacy noise', () => {
  it('uniform draws stay strictly inside (0, 1)', () => {
    const u = uniform(() => new Uint8Array(7)) // all-zero bytes: the smallest possible draw
    expect(u()).toBeGreaterThan(0)
    const v = uniform((n) => new Uint8Array(n).fill(255))
    expect(v()).toBeLessThan(1)
  })

  for (const [epsilon, sensitivity] of [
    [1, 1],
    [0.5, 4],
    [2, 1],
  ] as const) {
    it(`geometric ε=${epsilon} Δ=${sensitivity}: mean 0, variance 2α/(1−α)², P(0) = (1−α)/(1+α)`, () => {
      const u = uniform(seededRandom(7))
      const { xs, mean, variance } = stats(() => geometricNoise(u, epsilon, sensitivity))
      const expected = noiseVariance('geometric', epsilon, sensitivity)
      expect(xs.every(Number.isInteger)).toBe(true)
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(expected / N))
      expect(Math.abs(variance / expected - 1)).toBeLessThan(0.06)
      const alpha = Math.exp(-epsilon / sensitivity)
      const p0 = xs.filter((x) => x === 0).length / N
      expect(Math.abs(p0 - (1 - alpha) / (1 + alpha))).toBeLessThan(0.015)
    })
  }

  it('laplace ε=1 Δ=1: mean 0, variance 2b², symmetric', () => {
    const u = uniform(seededRandom(11))
    const { xs, mean, variance } = stats(() => laplaceNoise(u, 1, 1))
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(2 / N))
    expect(Math.abs(variance / noiseVariance('laplace', 1, 1) - 1)).toBeLessThan(0.08)
    const positive = xs.filter((x) => x > 0).length / N
    expect(Math.abs(positive - 0.5)).toBeLessThan(0.02)
  })

  it('a smaller ε gives more noise (the scale is Δ/ε)', () => {
    expect(noiseVariance('geometric', 0.1, 1)).toBeGreaterThan(noiseVariance('geometric', 1, 1))
    expect(noiseVariance('laplace', 1, 4)).toBe(32)
  })

  it('the same seed gives the same noise; noisy counts are never negative', () => {
    const a = uniform(seededRandom(5))
    const b = uniform(seededRandom(5))
    const xs = Array.from({ length: 100 }, () => noisyCount(0, 'geometric', a, 0.2, 1))
    const ys = Array.from({ length: 100 }, () => noisyCount(0, 'geometric', b, 0.2, 1))
    expect(xs).toEqual(ys)
    expect(Math.min(...xs)).toBe(0)
    expect(Math.max(...xs)).toBeGreaterThan(0)
  })
})

describe('publishedRatio', () => {
  it('divides published counts, bounded where a share cannot pass its bound', () => {
    expect(publishedRatio(3, 4, 1)).toBe(0.75)
    // Noise on both counts: 5 noisy positives of 2 noisy tests is shown as 100 %, not 250 %.
    expect(publishedRatio(5, 2, 1)).toBe(1)
    // Coverage has no such bound (a population estimate can be short).
    expect(publishedRatio(5, 2)).toBe(2.5)
    expect(publishedRatio(1, 3)).toBe(0.333333)
  })

  it('is null when a count was withheld or there is nothing to divide by', () => {
    expect(publishedRatio(null, 4, 1)).toBeNull()
    expect(publishedRatio(3, null, 1)).toBeNull()
    expect(publishedRatio(3, 0, 1)).toBeNull()
  })
})
