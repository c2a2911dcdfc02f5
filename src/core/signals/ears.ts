/**
 * @module core/signals/ears
 * The CDC's Early Aberration Reporting System statistics (Hutwagner et al. 2003; Fricker et al.
 * 2008), for short histories: no seasonality, a moving baseline of the last `baseline` periods
 * (7 by default).
 *
 * - C1: C = (y − ȳ) / s over the 7 periods just before.
 * - C2: the same with a 2-period gap between baseline and current period.
 * - C3: Σ max(0, C2 − 1) over the current and the 2 previous periods (a short CUSUM).
 *
 * ȳ and s are the baseline's mean and sample standard deviation; s is raised to `minSigma`
 * (R's earsC, after Burkom) so sparse data cannot divide by zero. An alarm is C > z(1 − α),
 * α = 0.001 for C1 and C2 (z ≈ 3.09) and 0.025 for C3 (z ≈ 1.96), R's defaults. C1 and C2 match
 * R's `earsC`; C3 follows the definition, where R's upper bound leaves out the current period.
 * Minimum history: `baseline` periods for C1, `baseline` + 2 for C2, `baseline` + 4 for C3.
 */
import { normalQuantile } from './distributions.ts'
import {
  type CountSeries,
  type SignalPoint,
  type SignalRange,
  type SignalResult,
  signalPoint,
} from './types.ts'
import { checkSeries, resolveRange, throwOnFirst } from './validate.ts'

export interface EarsControl {
  method: 'C1' | 'C2' | 'C3'
  baseline: number
  /** Default 0.001 for C1 and C2, 0.025 for C3. */
  alpha?: number
  minSigma: number
}

const LAG = { C1: 0, C2: 2, C3: 2 } as const

/**
 * Mean and spread of the `size` latest periods outside outbreaks ending `lag` before t. Two
 * walks over the same periods (sum, then squares), in the order an array of them would be
 * summed, without making the array: EARS runs this for every week of every series.
 */
function baselineStats(
  series: CountSeries,
  t: number,
  lag: number,
  size: number,
  minSigma: number,
): { mean: number; sigma: number } | undefined {
  const { counts, outbreak } = series
  let found = 0
  let sum = 0
  let i = t - 1 - lag
  for (; i >= 0 && found < size; i--) {
    if (outbreak?.[i] === true) continue
    sum += counts[i] as number
    found++
  }
  if (found < size) return undefined
  const mean = sum / size
  let ss = 0
  for (let j = t - 1 - lag; j > i; j--) {
    if (outbreak?.[j] === true) continue
    const d = (counts[j] as number) - mean
    ss += d * d
  }
  return { mean, sigma: Math.max(Math.sqrt(ss / (size - 1)), minSigma) }
}

/** (y − mean) / sigma, with 0/0 read as 0 (a flat baseline matched exactly). */
function standardise(y: number, s: { mean: number; sigma: number }): number {
  return y === s.mean ? 0 : (y - s.mean) / s.sigma
}

const finite = (v: number) => (Number.isFinite(v) ? v : null)

function pointAt(series: CountSeries, t: number, c: EarsControl, z: number): SignalPoint {
  const y = series.counts[t] as number
  // (No closure here: the server runs under tsx, whose keepNames wraps every named closure in a
  // property definition on each call, which cost EARS four fifths of its time.)
  const now = baselineStats(series, t, LAG[c.method], c.baseline, c.minSigma)
  if (now === undefined) return signalPoint(t, y, null, null, false, null, null, 'SHORT_BASELINE')
  const stat = standardise(y, now)
  if (c.method !== 'C3') {
    const upperBound = now.mean + z * now.sigma
    return signalPoint(t, y, now.mean, upperBound, y > upperBound, finite(stat), null)
  }
  let past = 0
  for (const back of [2, 1]) {
    const s = baselineStats(series, t - back, 2, c.baseline, c.minSigma)
    if (s === undefined) return signalPoint(t, y, null, null, false, null, null, 'SHORT_BASELINE')
    past += Math.max(0, standardise(series.counts[t - back] as number, s) - 1)
  }
  const c3 = past + Math.max(0, stat - 1)
  // The count that would lift C3 to z given the two previous periods' share.
  const upperBound = Math.max(0, now.mean + now.sigma * (1 + z - past))
  return signalPoint(t, y, now.mean, upperBound, c3 > z, finite(c3), null)
}

/** EARS C1, C2 or C3 for each period in `range` (default: every period with enough history). */
export function ears(
  series: CountSeries,
  options: { control?: Partial<EarsControl>; range?: SignalRange } = {},
): SignalResult {
  const c: EarsControl = { method: 'C1', baseline: 7, minSigma: 0, ...options.control }
  checkSeries(series)
  const alpha = c.alpha ?? (c.method === 'C3' ? 0.025 : 0.001)
  throwOnFirst([
    ['method', c.method in LAG],
    ['baseline', Number.isInteger(c.baseline) && c.baseline >= 3],
    ['alpha', alpha > 0 && alpha < 1],
    ['minSigma', c.minSigma >= 0],
  ])
  const method = c.method === 'C1' ? 'ears-c1' : c.method === 'C2' ? 'ears-c2' : 'ears-c3'
  const history = c.baseline + (c.method === 'C1' ? 0 : c.method === 'C2' ? 2 : 4)
  const range = resolveRange(series, history, options.range)
  if (!range.ok) return { ok: false, method, reason: range.reason }
  const z = normalQuantile(1 - alpha)
  const points: SignalPoint[] = []
  for (let t = range.from; t < range.to; t++) points.push(pointAt(series, t, c, z))
  return { ok: true, method, points }
}
