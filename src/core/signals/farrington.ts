/**
 * @module core/signals/farrington
 * The flexible Farrington method (Farrington et al. 1996; Noufaily et al. 2013), as R
 * surveillance's `farringtonFlexible` computes it, for one series:
 *
 * 1. baseline: the periods around the same week 1…b years back (reference-periods.ts);
 * 2. a quasi-Poisson GLM on them, with a linear trend and, when noPeriods > 1, seasonal levels;
 * 3. past outbreaks down-weighted: Anscombe residuals above `weightsThreshold` get weight ∝ s⁻²
 *    and the model is refitted (Farrington 1996 §3.2);
 * 4. the trend kept only if significant at `pThresholdTrend`, b ≥ 3 and the prediction is no
 *    larger than any baseline count (no extrapolation); otherwise refitted without it;
 * 5. the bound from the prediction (thresholds.ts), and an alarm when the count exceeds it and
 *    at least `limit54[0]` cases fell in the last `limit54[1]` periods.
 */
import { normalQuantile } from './distributions.ts'
import {
  checkFarringtonControl,
  FARRINGTON_DEFAULTS,
  type FarringtonControl,
  pastWeeks,
} from './farrington-control.ts'
import { DesignSource, FarringtonWork, fitFlexible } from './farrington-model.ts'
import { coefficientPValue, predictLink } from './glm.ts'
import { baselinePeriods } from './reference-periods.ts'
import { deltaThreshold, negBinomialThreshold } from './thresholds.ts'
import {
  type CountSeries,
  type SignalPoint,
  type SignalRange,
  type SignalResult,
  signalPoint,
} from './types.ts'
import { checkSeries, resolveRange } from './validate.ts'

/** What every evaluated week of one series shares: the baseline pattern, its designs, buffers. */
interface Plan {
  series: CountSeries
  c: FarringtonControl
  z: number
  /** Baseline periods as offsets from k (the same for every k), and their seasonal levels. */
  offsets: Int32Array
  levels: Int32Array
  /** The designs over the whole pattern, for every week with no masked baseline period. */
  full: DesignSource
  work: FarringtonWork
}

function makePlan(series: CountSeries, c: FarringtonControl, z: number, k: number): Plan {
  const base = baselinePeriods(k, {
    frequency: series.frequency,
    b: c.b,
    w: c.w,
    noPeriods: c.noPeriods,
    pastWeeksNotIncluded: pastWeeks(c),
  })
  const offsets = Int32Array.from(base.index, (t) => t - k)
  const levels = Int32Array.from(base.level)
  return {
    series,
    c,
    z,
    offsets,
    levels,
    full: new DesignSource(offsets, levels, c, series.frequency),
    work: new FarringtonWork(offsets.length, 1 + 1 + Math.max(0, c.noPeriods - 1)),
  }
}

/** The rows of the pattern kept at k (undefined: all) and their designs. */
function designsAt(plan: Plan, k: number): { rows: Int32Array | undefined; designs: DesignSource } {
  const { offsets, levels, c, series } = plan
  const mask = series.outbreak
  if (mask === undefined) return { rows: undefined, designs: plan.full }
  const kept: number[] = []
  for (let i = 0; i < offsets.length; i++)
    if (mask[k + (offsets[i] as number)] !== true) kept.push(i)
  if (kept.length === offsets.length) return { rows: undefined, designs: plan.full }
  // Known outbreak periods leave the baseline: a design over the rows that remain.
  const rows = Int32Array.from(kept)
  const keptOffsets = Int32Array.from(kept, (i) => offsets[i] as number)
  const keptLevels = Int32Array.from(kept, (i) => levels[i] as number)
  return { rows, designs: new DesignSource(keptOffsets, keptLevels, c, series.frequency) }
}

function evaluate(k: number, plan: Plan): SignalPoint {
  const { series, c, z, work } = plan
  const y = series.counts[k] as number
  const { rows, designs } = designsAt(plan, k)
  // The baseline's counts (and log populations), gathered into the series' buffers.
  const n = rows === undefined ? plan.offsets.length : rows.length
  let largest = 0
  for (let i = 0; i < n; i++) {
    const t = k + (plan.offsets[rows === undefined ? i : (rows[i] as number)] as number)
    const count = series.counts[t] as number
    work.y[i] = count
    if (count > largest) largest = count
    if (c.populationOffset) work.offset[i] = Math.log(series.population?.[t] as number)
  }
  const offset = c.populationOffset ? Math.log(series.population?.[k] as number) : 0
  let model = fitFlexible(designs, c, work, c.trend)
  if (model?.design.trend === true) {
    const { eta } = predictLink(model.fit, model.design.row, offset)
    const significant = coefficientPValue(model.fit, 1, model.seDispersion) < c.pThresholdTrend
    const noExtrapolation = Math.exp(eta) <= largest
    if (!(c.b >= 3 && significant && noExtrapolation)) {
      model = fitFlexible(designs, c, work, false)
    }
  }
  if (model === undefined) return signalPoint(k, y, null, null, false, null, null, 'NO_FIT')
  const { eta, se } = predictLink(model.fit, model.design.row, offset, model.seDispersion)
  const mu = Math.exp(eta)
  const t =
    c.thresholdMethod === 'delta'
      ? deltaThreshold(y, mu, se * mu, model.phi, z, c.powertrans)
      : negBinomialThreshold(y, eta, se, model.phi, c.alpha, z, c.thresholdMethod)
  let recent = 0
  for (let i = k - c.limit54[1] + 1; i <= k; i++) recent += series.counts[i] as number
  const enough = recent >= c.limit54[0]
  return signalPoint(
    k,
    y,
    enough && t.upper !== null ? mu : null,
    enough ? t.upper : null,
    enough && t.score !== null && t.score > 1 && y !== 0,
    t.score,
    t.pValue,
    enough ? undefined : 'FEW_CASES',
  )
}

/**
 * Farrington-flexible signals for the periods in `range` (default: every period with b years of
 * history before it).
 *
 * @example
 * const r = farrington({ counts, frequency: 52 }, { range: { from: counts.length - 1 } })
 * if (r.ok && r.points[0]?.alarm) notify()
 */
export function farrington(
  series: CountSeries,
  options: { control?: Partial<FarringtonControl>; range?: SignalRange } = {},
): SignalResult {
  const c: FarringtonControl = { ...FARRINGTON_DEFAULTS, ...options.control }
  checkSeries(series, { population: c.populationOffset })
  checkFarringtonControl(c, series.frequency)
  const needed = c.b * series.frequency + c.w
  const range = resolveRange(series, needed, options.range)
  if (!range.ok) return { ok: false, method: 'farrington', reason: range.reason }
  const z = normalQuantile(1 - c.alpha)
  const plan = makePlan(series, c, z, range.from)
  const points: SignalPoint[] = []
  for (let k = range.from; k < range.to; k++) points.push(evaluate(k, plan))
  return { ok: true, method: 'farrington', points }
}
