/**
 * @module core/signals/glm
 * A quasi-Poisson log-linear model fitted by iteratively reweighted least squares, step for step
 * as R's `glm.fit` does it (start at y + 0.1, deviance convergence 1e-8, at most 25 iterations,
 * step halving on a non-finite deviance). Following R that closely matters: the covariance, hat
 * values and dispersion R reports come from the weights of the *last* iteration, not from the
 * final fitted means, and Farrington's thresholds are built from them.
 *
 * Farrington fits four small models per evaluated week (a year back-calculated over 2,000 series
 * is 400,000 fits), so a fit allocates nothing: its vectors live in a `GlmWorkspace` that the
 * caller reuses, and the fit it returns points into that workspace until the next fit there.
 */
import { studentTwoSided } from './distributions.ts'
import { weightedSolve } from './least-squares.ts'

const EPS = 2.220446049250313e-16
const LOG_EPS = Math.log(EPS)
const EPSILON = 1e-8
const MAX_ITERATIONS = 25

export type Vector = Float64Array | readonly number[]

export interface GlmData {
  /** Design matrix, row-major, n × p. */
  x: Vector
  p: number
  /** n observations (the vectors may be longer: workspace buffers). */
  n: number
  y: Vector
  /** Added to the linear predictor (log population); zeros when absent. */
  offset?: Vector | undefined
  /** Prior weights; ones when absent. */
  weights?: Vector | undefined
  /**
   * Rows of `x` that are equal, grouped: `of[i]` is row i's group, `x` one row per group. With
   * no offset, η and μ are then computed once per group (Farrington without trend has one).
   */
  groups?: { of: Int32Array; x: Float64Array; count: number } | undefined
}

export interface GlmFit {
  converged: boolean
  p: number
  coef: Float64Array
  /** Fitted means. */
  mu: Float64Array
  /** (XᵀWX)⁻¹, p × p, from the last iteration's working weights (R's cov.unscaled). */
  covUnscaled: Float64Array
  /** Working weights of the last iteration. */
  workWeights: Float64Array
  /** Pearson estimate Σ W r² / (n − p), as summary.glm gives for quasi families. */
  dispersion: number
  dfResidual: number
}

/** Buffers for fits of up to `n` observations and `p` coefficients, reused fit after fit. */
export class GlmWorkspace {
  readonly eta: Float64Array
  readonly mu: Float64Array
  /** The working weights W (R's w²). */
  readonly w: Float64Array
  readonly z: Float64Array
  readonly ylogy: Float64Array
  readonly etaG: Float64Array
  readonly muG: Float64Array
  readonly coef: Float64Array
  readonly coefOld: Float64Array
  readonly xtz: Float64Array
  readonly cov: Float64Array
  readonly inverse: Float64Array
  constructor(n: number, p: number) {
    this.eta = new Float64Array(n)
    this.mu = new Float64Array(n)
    this.w = new Float64Array(n)
    this.z = new Float64Array(n)
    this.ylogy = new Float64Array(n)
    this.etaG = new Float64Array(n)
    this.muG = new Float64Array(n)
    this.coef = new Float64Array(p)
    this.coefOld = new Float64Array(p)
    this.xtz = new Float64Array(p)
    this.cov = new Float64Array(p * p)
    this.inverse = new Float64Array(p * p)
  }
}

const linkInverse = (eta: number) => Math.max(Math.exp(eta), EPS)

/**
 * R's starting values for small whole counts, y log y, log(y + 0.1) and μ = e^that, computed
 * once: every fit starts from them, and their logs and exps were a fifth of a fit's time.
 */
const TABLED = 1024
const START = new Float64Array(3 * TABLED)
for (let y = 0; y < TABLED; y++) {
  START[3 * y] = y > 0 ? y * Math.log(y) : 0
  START[3 * y + 1] = Math.log(y + 0.1)
  START[3 * y + 2] = linkInverse(START[3 * y + 1] as number)
}

/**
 * The deviance 2 Σ ωᵢ (yᵢ log(yᵢ/μᵢ) − (yᵢ − μᵢ)), with log μᵢ read as ηᵢ (μ = e^η unless clamped
 * at ε) and yᵢ log yᵢ computed once per fit: a fit evaluates it every iteration, and the logs
 * were a tenth of Farrington's time.
 */
function deviance(d: GlmData, ylogy: Float64Array, eta: Float64Array, mu: Float64Array): number {
  const { y, weights } = d
  let dev = 0
  for (let i = 0; i < d.n; i++) {
    const yi = y[i] as number
    const mi = mu[i] as number
    const logMu = mi === EPS ? LOG_EPS : (eta[i] as number)
    const r = yi > 0 ? (ylogy[i] as number) - yi * logMu - (yi - mi) : mi
    dev += 2 * (weights === undefined ? 1 : (weights[i] as number)) * r
  }
  return dev
}

function allFinite(v: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(v[i] as number)) return false
  return true
}

/**
 * η = Xβ + offset and μ from it, returning the deviance of the new μ (non-finite when some μ
 * is: R's validmu, which then halves the step).
 */
function predict(d: GlmData, ws: GlmWorkspace): number {
  const { x, p, offset, y, weights, groups } = d
  const { coef, eta, mu, ylogy, etaG, muG } = ws
  const grouped = groups !== undefined && offset === undefined
  if (grouped) {
    for (let g = 0; g < groups.count; g++) {
      let s = 0
      for (let a = 0; a < p; a++) s += (groups.x[g * p + a] as number) * (coef[a] as number)
      etaG[g] = s
      muG[g] = linkInverse(s)
    }
  }
  let dev = 0
  for (let i = 0; i < d.n; i++) {
    let s: number
    let m: number
    if (grouped) {
      const g = groups.of[i] as number
      s = etaG[g] as number
      m = muG[g] as number
    } else {
      s = offset === undefined ? 0 : (offset[i] as number)
      for (let a = 0; a < p; a++) s += (x[i * p + a] as number) * (coef[a] as number)
      m = linkInverse(s)
    }
    eta[i] = s
    mu[i] = m
    const yi = y[i] as number
    const r = yi > 0 ? (ylogy[i] as number) - yi * (m === EPS ? LOG_EPS : s) - (yi - m) : m
    dev += 2 * (weights === undefined ? 1 : (weights[i] as number)) * r
  }
  return dev
}

/**
 * Fits log E[y] = Xβ + offset with variance φμ. Undefined when XᵀWX is singular. The fit's
 * vectors belong to `ws` (a fresh one by default) and change with its next fit.
 */
export function fitQuasiPoisson(
  d: GlmData,
  ws: GlmWorkspace = new GlmWorkspace(d.n, d.p),
): GlmFit | undefined {
  const { y, p, n } = d
  const prior = d.weights
  const { eta, mu, w, z, coef, coefOld, ylogy } = ws
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number
    if (Number.isInteger(yi) && yi < TABLED) {
      ylogy[i] = START[3 * yi] as number
      eta[i] = START[3 * yi + 1] as number
      mu[i] = START[3 * yi + 2] as number
    } else {
      ylogy[i] = yi > 0 ? yi * Math.log(yi) : 0
      eta[i] = Math.log(yi + 0.1)
      mu[i] = linkInverse(eta[i] as number)
    }
  }
  let devOld = deviance(d, ylogy, eta, mu)
  let haveOld = false
  let converged = false
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    for (let i = 0; i < n; i++) {
      const e = eta[i] as number
      const m = mu[i] as number
      // For the log link dμ/dη = max(e^η, ε) = μ itself (μ is kept at that value), so the
      // working weight μ'²/V(μ) is just μ (R keeps its square root; we keep W itself).
      const off = d.offset === undefined ? 0 : (d.offset[i] as number)
      z[i] = e - off + ((y[i] as number) - m) / m
      w[i] = (prior === undefined ? 1 : (prior[i] as number)) * m
    }
    if (!weightedSolve(d, ws) || !allFinite(coef, p)) return undefined
    let dev = predict(d, ws)
    // R halves the step back towards the previous coefficients while the deviance diverges.
    for (let halving = 0; !Number.isFinite(dev); halving++) {
      if (!haveOld || halving >= MAX_ITERATIONS) return undefined
      for (let a = 0; a < p; a++) coef[a] = ((coef[a] as number) + (coefOld[a] as number)) / 2
      dev = predict(d, ws)
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON) {
      converged = true
      break
    }
    devOld = dev
    coefOld.set(coef)
    haveOld = true
  }
  let pearson = 0
  for (let i = 0; i < n; i++) {
    const ww = w[i] as number
    const r = ((y[i] as number) - (mu[i] as number)) / (mu[i] as number)
    pearson += ww * r * r
  }
  const dfResidual = n - p
  return {
    converged,
    p,
    coef,
    mu,
    covUnscaled: ws.cov,
    workWeights: w,
    dispersion: dfResidual > 0 ? pearson / dfResidual : Number.NaN,
    dfResidual,
  }
}

/** Leverages hᵢ = Wᵢ xᵢᵀ (XᵀWX)⁻¹ xᵢ, as R's hatvalues() gives for a GLM, into `out`. */
export function hatValues(d: GlmData, fit: GlmFit, out: Float64Array): Float64Array {
  const { x, p } = d
  const cov = fit.covUnscaled
  for (let i = 0; i < d.n; i++) {
    let q = 0
    for (let a = 0; a < p; a++) {
      let s = 0
      for (let b = 0; b < p; b++) s += (cov[a * p + b] as number) * (x[i * p + b] as number)
      q += (x[i * p + a] as number) * s
    }
    out[i] = (fit.workWeights[i] as number) * q
  }
  return out
}

/** The linear predictor at a new row and its standard error, scaled by √dispersion. */
export function predictLink(
  fit: GlmFit,
  row: Vector,
  offset: number,
  dispersion = fit.dispersion,
): { eta: number; se: number } {
  const p = fit.p
  let eta = offset
  let q = 0
  for (let a = 0; a < p; a++) {
    eta += (row[a] as number) * (fit.coef[a] as number)
    let s = 0
    for (let b = 0; b < p; b++) s += (fit.covUnscaled[a * p + b] as number) * (row[b] as number)
    q += (row[a] as number) * s
  }
  return { eta, se: Math.sqrt(q * dispersion) }
}

/** Two-sided t-test p-value of coefficient j, as summary.glm reports for quasi families. */
export function coefficientPValue(fit: GlmFit, j: number, dispersion = fit.dispersion): number {
  const p = fit.p
  const se = Math.sqrt(dispersion * (fit.covUnscaled[j * p + j] as number))
  return studentTwoSided((fit.coef[j] as number) / se, fit.dfResidual)
}
