/**
 * @module core/signals/farrington-model
 * Farrington's regression for one period: the design over the baseline periods, the fit with
 * its fall-back to no trend, and the down-weighting of past outbreaks (R surveillance's
 * algo.farrington.fitGLM.flexible).
 */
import type { FarringtonControl } from './farrington-control.ts'
import { fitQuasiPoisson, type GlmData, hatValues, zeros } from './glm.ts'
import type { CountSeries } from './types.ts'

export interface Model {
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
export function fitFlexible(
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
