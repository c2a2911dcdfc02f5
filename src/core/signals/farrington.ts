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
  coefficientPValue,
  fitQuasiPoisson,
  type GlmData,
  hatValues,
  predictLink,
  zeros,
} from './glm.ts'
import { baselinePeriods } from './reference-periods.ts'
import { deltaThreshold, negBinomialThreshold, type PowerTransform } from './thresholds.ts'
import type { CountSeries, SignalPoint, SignalRange, SignalResult } from './types.ts'
import { checkSeries, resolveRange, throwOnFirst } from './validate.ts'

export interface FarringtonControl {
  /** Years back (default 5). */
  b: number
  /** Half-width of each reference window, in periods (default 3). */
  w: number
  reweight: boolean
  /** Anscombe residual above which a baseline period is down-weighted (default 2.58). */
  weightsThreshold: number
  alpha: number
  trend: boolean
  pThresholdTrend: number
  /** [cases, periods]: no alarm unless at least `cases` fell in the last `periods` (5, 4). */
  limit54: readonly [number, number]
  powertrans: PowerTransform
  populationOffset: boolean
  /** Seasonal levels (1: reference windows only; Noufaily recommends 10). */
  noPeriods: number
  /** Periods before the current one left out of the baseline (default w; Noufaily: 26). */
  pastWeeksNotIncluded?: number
  thresholdMethod: 'delta' | 'nbPlugin' | 'muan'
}

/** R's farringtonFlexible defaults. */
export const FARRINGTON_DEFAULTS: FarringtonControl = {
  b: 5,
  w: 3,
  reweight: true,
  weightsThreshold: 2.58,
  alpha: 0.05,
  trend: true,
  pThresholdTrend: 0.05,
  limit54: [5, 4],
  powertrans: '2/3',
  populationOffset: false,
  noPeriods: 1,
  thresholdMethod: 'delta',
}

/** Noufaily et al. (2013)'s recommended settings (the "improved Farrington" of ECDC and UKHSA). */
export const NOUFAILY: Partial<FarringtonControl> = {
  noPeriods: 10,
  pastWeeksNotIncluded: 26,
  thresholdMethod: 'muan',
}

interface Model {
  data: GlmData
  fit: NonNullable<ReturnType<typeof fitQuasiPoisson>>
  trend: boolean
  /** max(dispersion, 1): Farrington never lets the baseline look less variable than Poisson. */
  phi: number
  /** The dispersion R's trend test and prediction error read (see `reportedDispersion`). */
  seDispersion: number
}

/**
 * R's fitFun stores the prior weights ω in `model$weights`, where summary.glm and predict.glm
 * expect the working weights; the trend test and the prediction's standard error then use
 * Σ ω (y − μ)² / μ² / (n − p) instead of the Pearson dispersion. We reproduce that value so the
 * thresholds match R's; without reweighting the two are the same.
 */
function reportedDispersion(data: GlmData, fit: Model['fit']): number {
  const w = data.weights
  if (w === undefined) return fit.dispersion
  let sum = 0
  for (let i = 0; i < data.y.length; i++) {
    const mu = fit.mu[i] as number
    sum += (w[i] as number) * (((data.y[i] as number) - mu) / mu) ** 2
  }
  return sum / fit.dfResidual
}

/** The design: intercept, trend (years from k, so the prediction row has 0), seasonal dummies. */
function design(
  base: { index: number[]; level: number[] },
  k: number,
  c: FarringtonControl,
  series: CountSeries,
  trend: boolean,
): { data: GlmData; row: number[]; offset: number } | undefined {
  const levels = c.noPeriods > 1 ? [...new Set(base.level)].sort((a, b) => a - b) : [1]
  const dummies = levels.slice(1)
  if (c.noPeriods > 1 && !levels.includes(c.noPeriods)) return undefined
  const p = 1 + (trend ? 1 : 0) + dummies.length
  const n = base.index.length
  const x = zeros(n * p)
  const y = zeros(n)
  const offset = c.populationOffset ? zeros(n) : undefined
  const fill = (out: number[], at: number, t: number, level: number) => {
    out[at] = 1
    if (trend) out[at + 1] = (t - k) / series.frequency
    const first = at + p - dummies.length
    for (let j = 0; j < dummies.length; j++) out[first + j] = level === dummies[j] ? 1 : 0
  }
  for (let i = 0; i < n; i++) {
    const t = base.index[i] as number
    fill(x, i * p, t, base.level[i] as number)
    y[i] = series.counts[t] as number
    if (offset !== undefined) offset[i] = Math.log(series.population?.[t] as number)
  }
  const row = new Array<number>(p)
  fill(row, 0, k, c.noPeriods)
  return {
    data: offset === undefined ? { x, p, y } : { x, p, y, offset },
    row,
    offset: c.populationOffset ? Math.log(series.population?.[k] as number) : 0,
  }
}

/** Anscombe residuals of a Poisson fit, scaled by √(φ(1 − h)) (Farrington 1996 §3.2). */
function downWeights(m: Model, threshold: number): number[] {
  const h = hatValues(m.data, m.fit)
  const n = m.data.y.length
  const s = zeros(n)
  let denominator = 0
  for (let i = 0; i < n; i++) {
    const y = m.data.y[i] as number
    const mu = m.fit.mu[i] as number
    const a = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - Math.sqrt(mu))
    s[i] = a / Math.sqrt(m.phi * (1 - (h[i] as number)))
    denominator += (s[i] as number) > threshold ? (s[i] as number) ** -2 : 1
  }
  // Weights sum to n: γ s⁻² above the threshold, γ elsewhere.
  const gamma = n / denominator
  return s.map((v) => (v > threshold ? gamma * v ** -2 : gamma))
}

/** R's algo.farrington.fitGLM.flexible: fit, fall back to no trend, reweight once. */
function fitFlexible(
  base: { index: number[]; level: number[] },
  k: number,
  c: FarringtonControl,
  series: CountSeries,
  trend: boolean,
): (Model & { row: number[]; offset: number }) | undefined {
  let d = design(base, k, c, series, trend)
  let fit = d === undefined ? undefined : fitQuasiPoisson(d.data)
  if (trend && fit?.converged !== true) {
    trend = false
    d = design(base, k, c, series, false)
    fit = d === undefined ? undefined : fitQuasiPoisson(d.data)
  }
  if (d === undefined || fit === undefined || !fit.converged) return undefined
  let model: Model = {
    data: d.data,
    fit,
    trend,
    phi: Math.max(fit.dispersion, 1),
    seDispersion: fit.dispersion,
  }
  if (c.reweight) {
    const data = { ...d.data, weights: downWeights(model, c.weightsThreshold) }
    const refit = fitQuasiPoisson(data)
    if (refit === undefined) return undefined
    model = {
      data,
      fit: refit,
      trend,
      phi: Math.max(refit.dispersion, 1),
      seDispersion: reportedDispersion(data, refit),
    }
  }
  return { ...model, row: d.row, offset: d.offset }
}

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

const pastWeeks = (c: FarringtonControl) => c.pastWeeksNotIncluded ?? c.w

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

function checkFarringtonControl(c: FarringtonControl, frequency: number) {
  throwOnFirst([
    ['b', Number.isInteger(c.b) && c.b >= 1],
    ['w', Number.isInteger(c.w) && c.w >= 0 && 2 * c.w + 1 < frequency],
    ['alpha', c.alpha > 0 && c.alpha < 1],
    ['weightsThreshold', c.weightsThreshold > 0],
    ['pThresholdTrend', c.pThresholdTrend > 0 && c.pThresholdTrend <= 1],
    [
      'limit54',
      c.limit54[0] >= 0 &&
        Number.isInteger(c.limit54[1]) &&
        c.limit54[1] > 0 &&
        c.limit54[1] <= c.b * frequency + c.w + 1,
    ],
    // Each of the noPeriods − 1 blocks between two windows needs at least one period.
    [
      'noPeriods',
      Number.isInteger(c.noPeriods) && c.noPeriods >= 1 && c.noPeriods <= frequency - 2 * c.w,
    ],
    ['pastWeeksNotIncluded', Number.isInteger(pastWeeks(c)) && pastWeeks(c) >= 0],
    ['powertrans', ['2/3', '1/2', 'none'].includes(c.powertrans)],
    ['thresholdMethod', ['delta', 'nbPlugin', 'muan'].includes(c.thresholdMethod)],
  ])
}
