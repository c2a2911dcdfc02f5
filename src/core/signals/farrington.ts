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
import { fitFlexible } from './farrington-model.ts'
import { coefficientPValue, predictLink } from './glm.ts'
import { baselinePeriods } from './reference-periods.ts'
import { deltaThreshold, negBinomialThreshold } from './thresholds.ts'
import type { CountSeries, SignalPoint, SignalRange, SignalResult } from './types.ts'
import { checkSeries, resolveRange } from './validate.ts'

function evaluate(k: number, series: CountSeries, c: FarringtonControl, z: number): SignalPoint {
  const y = series.counts[k] as number
  const point: SignalPoint = {
    index: k,
    observed: y,
    expected: null,
    upperBound: null,
    alarm: false,
    score: null,
    pValue: null,
  }
  const base = baselinePeriods(k, {
    frequency: series.frequency,
    b: c.b,
    w: c.w,
    noPeriods: c.noPeriods,
    pastWeeksNotIncluded: pastWeeks(c),
  })
  const mask = series.outbreak
  const kept = (_: number, i: number) => mask?.[base.index[i] as number] !== true
  const usable =
    mask === undefined ? base : { index: base.index.filter(kept), level: base.level.filter(kept) }
  let model = fitFlexible(usable, k, c, series, c.trend)
  if (model?.trend === true) {
    const { eta } = predictLink(model.fit, model.row, model.offset)
    const significant = coefficientPValue(model.fit, 1, model.seDispersion) < c.pThresholdTrend
    const noExtrapolation = Math.exp(eta) <= Math.max(...model.data.y)
    if (!(c.b >= 3 && significant && noExtrapolation)) {
      model = fitFlexible(usable, k, c, series, false)
    }
  }
  if (model === undefined) return { ...point, note: 'NO_FIT' }
  const { eta, se } = predictLink(model.fit, model.row, model.offset, model.seDispersion)
  const mu = Math.exp(eta)
  const t =
    c.thresholdMethod === 'delta'
      ? deltaThreshold(y, mu, se * mu, model.phi, z, c.powertrans)
      : negBinomialThreshold(y, eta, se, model.phi, c.alpha, z, c.thresholdMethod)
  let recent = 0
  for (let i = k - c.limit54[1] + 1; i <= k; i++) recent += series.counts[i] as number
  const enough = recent >= c.limit54[0]
  return {
    ...point,
    expected: enough && t.upper !== null ? mu : null,
    upperBound: enough ? t.upper : null,
    alarm: enough && t.score !== null && t.score > 1 && y !== 0,
    score: t.score,
    pValue: t.pValue,
    ...(enough ? {} : { note: 'FEW_CASES' as const }),
  }
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
  const points: SignalPoint[] = []
  for (let k = range.from; k < range.to; k++) points.push(evaluate(k, series, c, z))
  return { ok: true, method: 'farrington', points }
}
