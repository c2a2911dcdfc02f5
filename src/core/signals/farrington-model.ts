/**
 * @module core/signals/farrington-model
 * Farrington's regression for one period: the design over the baseline periods, the fit with
 * its fall-back to no trend, and the down-weighting of past outbreaks (R surveillance's
 * algo.farrington.fitGLM.flexible).
 *
 * The baseline of period k is a fixed pattern of offsets from k (reference-periods.ts), and the
 * design depends only on those offsets: the trend column is (t − k)/frequency, the seasonal
 * dummies the offsets' levels. So a series' designs are built once and shared by every week
 * whose baseline has no masked period; only the counts are gathered anew.
 */
import type { FarringtonControl } from './farrington-control.ts'
import { fitQuasiPoisson, type GlmData, type GlmFit, GlmWorkspace, hatValues } from './glm.ts'

/** The regression's design over a set of baseline rows, and the row of the predicted period. */
export interface Design {
  x: Float64Array
  p: number
  n: number
  /** The predicted period's row (trend 0, the current window's level). */
  row: Float64Array
  trend: boolean
  /** Equal rows grouped (fewer groups than rows only without trend). */
  groups?: { of: Int32Array; x: Float64Array; count: number }
}

/**
 * The designs with and without trend over one set of baseline rows, each built on first use. A
 * class, not a closure: the server runs under tsx, whose keepNames makes each closure made in a
 * hot path cost a property definition.
 */
export class DesignSource {
  readonly offsets: ArrayLike<number>
  readonly levels: ArrayLike<number>
  readonly c: FarringtonControl
  readonly frequency: number
  /** null: not built yet; undefined: no design (a seasonal level missing). */
  private trend: Design | undefined | null = null
  private plain: Design | undefined | null = null
  constructor(
    offsets: ArrayLike<number>,
    levels: ArrayLike<number>,
    c: FarringtonControl,
    frequency: number,
  ) {
    this.offsets = offsets
    this.levels = levels
    this.c = c
    this.frequency = frequency
  }
  get(trend: boolean): Design | undefined {
    if (trend) {
      if (this.trend === null)
        this.trend = buildDesign(this.offsets, this.levels, this.c, this.frequency, true)
      return this.trend
    }
    if (this.plain === null)
      this.plain = buildDesign(this.offsets, this.levels, this.c, this.frequency, false)
    return this.plain
  }
}

/** The design over rows at `offsets` from k with seasonal `levels` (undefined if unusable). */
export function buildDesign(
  offsets: ArrayLike<number>,
  levels: ArrayLike<number>,
  c: FarringtonControl,
  frequency: number,
  trend: boolean,
): Design | undefined {
  const n = offsets.length
  let dummies: number[] = []
  if (c.noPeriods > 1) {
    const present = [...new Set(Array.from(levels))].sort((a, b) => a - b)
    if (!present.includes(c.noPeriods)) return undefined
    dummies = present.slice(1)
  }
  const p = 1 + (trend ? 1 : 0) + dummies.length
  const x = new Float64Array(n * p)
  const fill = (out: Float64Array, at: number, offset: number, level: number) => {
    out[at] = 1
    if (trend) out[at + 1] = offset / frequency
    const first = at + p - dummies.length
    for (let j = 0; j < dummies.length; j++) out[first + j] = level === dummies[j] ? 1 : 0
  }
  for (let i = 0; i < n; i++) fill(x, i * p, offsets[i] as number, levels[i] as number)
  const row = new Float64Array(p)
  fill(row, 0, 0, c.noPeriods)
  const design: Design = { x, p, n, row, trend }
  // Without trend a row is its seasonal level: one group per level.
  if (!trend) {
    const ids = new Map<number, number>()
    const of = new Int32Array(n)
    const groupX: number[] = []
    for (let i = 0; i < n; i++) {
      const level = c.noPeriods > 1 ? (levels[i] as number) : 1
      let g = ids.get(level)
      if (g === undefined) {
        g = ids.size
        ids.set(level, g)
        groupX.push(...x.subarray(i * p, (i + 1) * p))
      }
      of[i] = g
    }
    design.groups = { of, x: Float64Array.from(groupX), count: ids.size }
  }
  return design
}

/** Buffers one series' fits share: the gathered counts, weights and two fit workspaces. */
export class FarringtonWork {
  readonly y: Float64Array
  readonly offset: Float64Array
  readonly weights: Float64Array
  readonly hat: Float64Array
  readonly residuals: Float64Array
  /** The unweighted fit, then the reweighted one: a model keeps only the latter. */
  readonly first: GlmWorkspace
  readonly second: GlmWorkspace
  constructor(n: number, p: number) {
    this.y = new Float64Array(n)
    this.offset = new Float64Array(n)
    this.weights = new Float64Array(n)
    this.hat = new Float64Array(n)
    this.residuals = new Float64Array(n)
    this.first = new GlmWorkspace(n, p)
    this.second = new GlmWorkspace(n, p)
  }
}

export interface Model {
  data: GlmData
  fit: GlmFit
  design: Design
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
function reportedDispersion(data: GlmData, fit: GlmFit): number {
  const w = data.weights
  if (w === undefined) return fit.dispersion
  let sum = 0
  for (let i = 0; i < data.n; i++) {
    const mu = fit.mu[i] as number
    const r = ((data.y[i] as number) - mu) / mu
    sum += (w[i] as number) * r * r
  }
  return sum / fit.dfResidual
}

/** y^(2/3) for small whole counts, computed once (the Anscombe residual's first term). */
const TABLED = 1024
const TWO_THIRDS = new Float64Array(TABLED)
for (let y = 0; y < TABLED; y++) TWO_THIRDS[y] = Math.cbrt(y * y)
const twoThirds = (y: number) =>
  Number.isInteger(y) && y < TABLED ? (TWO_THIRDS[y] as number) : Math.cbrt(y * y)

/** Anscombe residuals of a Poisson fit, scaled by √(φ(1 − h)) (Farrington 1996 §3.2). */
function downWeights(m: Model, threshold: number, work: FarringtonWork): Float64Array {
  const h = hatValues(m.data, m.fit, work.hat)
  const n = m.data.n
  const s = work.residuals
  let denominator = 0
  // y^(2/3) μ^(−1/6) by cube and square roots (pow() cost three times as much); the roots of
  // μ are kept while μ repeats, as it does within a seasonal level of a fit without trend.
  let lastMu = Number.NaN
  let rootSixth = 0
  let root = 0
  for (let i = 0; i < n; i++) {
    const y = m.data.y[i] as number
    const mu = m.fit.mu[i] as number
    if (mu !== lastMu) {
      lastMu = mu
      rootSixth = Math.sqrt(Math.cbrt(mu))
      root = Math.sqrt(mu)
    }
    const a = 1.5 * (twoThirds(y) / rootSixth - root)
    const v = a / Math.sqrt(m.phi * (1 - (h[i] as number)))
    s[i] = v
    denominator += v > threshold ? 1 / (v * v) : 1
  }
  // Weights sum to n: γ s⁻² above the threshold, γ elsewhere.
  const gamma = n / denominator
  const w = work.weights
  for (let i = 0; i < n; i++) {
    const v = s[i] as number
    w[i] = v > threshold ? gamma / (v * v) : gamma
  }
  return w
}

/** Every GlmData here has the same fields in the same order (one object shape for the JIT). */
function glmData(
  d: Design,
  c: FarringtonControl,
  work: FarringtonWork,
  weights: Float64Array | undefined,
): GlmData {
  return {
    x: d.x,
    p: d.p,
    n: d.n,
    y: work.y,
    offset: c.populationOffset ? work.offset : undefined,
    weights,
    groups: d.groups,
  }
}

/**
 * R's algo.farrington.fitGLM.flexible: fit, fall back to no trend, reweight once. The counts
 * (and log populations) are in `work`; the model's vectors stay valid until the next call.
 */
export function fitFlexible(
  designs: DesignSource,
  c: FarringtonControl,
  work: FarringtonWork,
  trend: boolean,
): Model | undefined {
  let d = designs.get(trend)
  let fit =
    d === undefined ? undefined : fitQuasiPoisson(glmData(d, c, work, undefined), work.first)
  if (trend && fit?.converged !== true) {
    d = designs.get(false)
    fit = d === undefined ? undefined : fitQuasiPoisson(glmData(d, c, work, undefined), work.first)
  }
  if (d === undefined || fit === undefined || !fit.converged) return undefined
  const data = glmData(d, c, work, undefined)
  let model: Model = {
    data,
    fit,
    design: d,
    phi: Math.max(fit.dispersion, 1),
    seDispersion: fit.dispersion,
  }
  if (c.reweight) {
    const weighted = glmData(d, c, work, downWeights(model, c.weightsThreshold, work))
    const refit = fitQuasiPoisson(weighted, work.second)
    if (refit === undefined) return undefined
    model = {
      data: weighted,
      fit: refit,
      design: d,
      phi: Math.max(refit.dispersion, 1),
      seDispersion: reportedDispersion(weighted, refit),
    }
  }
  return model
}
