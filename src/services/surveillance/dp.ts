/**
 * @module services/surveillance/dp
 * Differential privacy for tables of counts (docs/SURVEILLANCE.md "Differential privacy"). Each
 * interior cell gets independent noise scaled to the table's L1 sensitivity Δ (how many facts
 * one person can add to the table) over ε; margins are summed from the noisy cells afterwards
 * (post-processing costs no privacy), then clamped and suppressed.
 *
 * - geometric (the default): the two-sided geometric mechanism (Ghosh, Roughgarden, Sundararajan
 *   2009), P(k) ∝ α^|k| with α = e^(−ε/Δ): integer noise, so none of the floating-point
 *   artefacts that can leak through a textbook Laplace sampler (Mironov 2012);
 * - laplace: Laplace(Δ/ε), rounded to the nearest integer (rounding is post-processing).
 *
 * Randomness is the context's `random` (seeded in tests), 52 bits a draw.
 */

import type { Mechanism } from '../../core/stats/index.ts'
import type { Random } from '../../platform/context/index.ts'

/** Draws per request to `random`: one call per 256 draws instead of one per draw. */
const BATCH = 256

/** A uniform double in the open interval (0, 1). */
export function uniform(random: Random): () => number {
  let buffer: Uint8Array = new Uint8Array(0)
  let at = 0
  return () => {
    if (at + 7 > buffer.length) {
      buffer = random(7 * BATCH)
      at = 0
    }
    let x = 0
    for (let i = 0; i < 6; i++) x = x * 256 + (buffer[at + i] as number)
    // 52 bits (exact in a double), shifted by half a step so that the draw is never 0 or 1.
    x = x * 16 + ((buffer[at + 6] as number) >> 4)
    at += 7
    return (x + 0.5) / 2 ** 52
  }
}

/** Two-sided geometric noise: the difference of two geometric variables with ratio α. */
export function geometricNoise(u: () => number, epsilon: number, sensitivity: number): number {
  const lnAlpha = -epsilon / sensitivity
  const g = () => Math.floor(Math.log(u()) / lnAlpha)
  return g() - g()
}

/** Laplace(0, Δ/ε) by inversion. */
export function laplaceNoise(u: () => number, epsilon: number, sensitivity: number): number {
  const b = sensitivity / epsilon
  const x = u() - 0.5
  return -b * Math.sign(x) * Math.log(1 - 2 * Math.abs(x))
}

/** Expected variance of one cell's noise (stated in the response's privacy metadata). */
export function noiseVariance(mechanism: Mechanism, epsilon: number, sensitivity: number): number {
  if (mechanism === 'laplace') return 2 * (sensitivity / epsilon) ** 2
  const alpha = Math.exp(-epsilon / sensitivity)
  return (2 * alpha) / (1 - alpha) ** 2
}

/** A noisy, non-negative integer count. */
export function noisyCount(
  n: number,
  mechanism: Mechanism,
  u: () => number,
  epsilon: number,
  sensitivity: number,
): number {
  const noise =
    mechanism === 'geometric'
      ? geometricNoise(u, epsilon, sensitivity)
      : Math.round(laplaceNoise(u, epsilon, sensitivity))
  return Math.max(0, n + noise)
}

/**
 * A share of two published counts, rounded to 6 decimals; null when either was withheld or there
 * is nothing to divide by. `max` bounds a share that cannot exceed it (positives are a part of
 * the tests: at most 1): each count carries its own noise, so a small noisy numerator can pass a
 * small noisy denominator, and a positivity of 250 % tells a reader nothing. Clamping is
 * post-processing of released figures, so it keeps the ε guarantee (Dwork & Roth 2014, Prop. 2.1).
 */
export function publishedRatio(
  n: number | null,
  d: number | null,
  max = Number.POSITIVE_INFINITY,
): number | null {
  if (n === null || d === null || d <= 0) return null
  return Math.min(max, Math.max(0, Math.round((n / d) * 1e6) / 1e6))
}
