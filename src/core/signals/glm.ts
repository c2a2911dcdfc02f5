/**
 * @module core/signals/glm
 * A quasi-Poisson log-linear model fitted by iteratively reweighted least squares, step for step
 * as R's `glm.fit` does it (start at y + 0.1, deviance convergence 1e-8, at most 25 iterations,
 * step halving on a non-finite deviance). Following R that closely matters: the covariance, hat
 * values and dispersion R reports come from the weights of the *last* iteration, not from the
 * final fitted means, and Farrington's thresholds are built from them.
 */
import { studentTwoSided } from './distributions.ts'

const EPS = 2.220446049250313e-16
const EPSILON = 1e-8
const MAX_ITERATIONS = 25

export interface GlmData {
  /** Design matrix, row-major, n × p. */
  x: Float64Array
  p: number
  y: Float64Array
  /** Added to the linear predictor (log population); zeros when absent. */
  offset?: Float64Array
  /** Prior weights; ones when absent. */
  weights?: Float64Array
}

export interface GlmFit {
  converged: boolean
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

const linkInverse = (eta: number) => Math.max(Math.exp(eta), EPS)

function deviance(y: Float64Array, mu: Float64Array, w: Float64Array | undefined): number {
  let dev = 0
  for (let i = 0; i < y.length; i++) {
    const yi = y[i] as number
    const mi = mu[i] as number
    const r = yi > 0 ? yi * Math.log(yi / mi) - (yi - mi) : mi
    dev += 2 * (w === undefined ? 1 : (w[i] as number)) * r
  }
  return dev
}

/** In-place Cholesky inverse of a symmetric positive definite p × p matrix; false if singular. */
function invertSpd(a: Float64Array, p: number): boolean {
  // Cholesky factor L (lower) in place.
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j] as number
    for (let k = 0; k < j; k++) d -= (a[j * p + k] as number) ** 2
    if (!(d > 1e-12 * Math.abs(a[j * p + j] as number)) || !(d > 0)) return false
    const l = Math.sqrt(d)
    a[j * p + j] = l
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j] as number
      for (let k = 0; k < j; k++) s -= (a[i * p + k] as number) * (a[j * p + k] as number)
      a[i * p + j] = s / l
    }
  }
  // L⁻¹ in place (lower), then A⁻¹ = L⁻ᵀ L⁻¹ into the full matrix.
  for (let j = 0; j < p; j++) {
    a[j * p + j] = 1 / (a[j * p + j] as number)
    for (let i = j + 1; i < p; i++) {
      let s = 0
      for (let k = j; k < i; k++) s -= (a[i * p + k] as number) * (a[k * p + j] as number)
      a[i * p + j] = s / (a[i * p + i] as number)
    }
  }
  const inv = new Float64Array(p * p)
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0
      for (let k = i; k < p; k++) s += (a[k * p + i] as number) * (a[k * p + j] as number)
      inv[i * p + j] = s
      inv[j * p + i] = s
    }
  }
  a.set(inv)
  return true
}

/** One weighted least-squares solve: β = (XᵀWX)⁻¹ XᵀWz with W = w², leaving (XᵀWX)⁻¹ in `cov`. */
function weightedSolve(d: GlmData, w: Float64Array, z: Float64Array, cov: Float64Array) {
  const { x, p } = d
  const n = d.y.length
  cov.fill(0)
  const xtz = new Float64Array(p)
  for (let i = 0; i < n; i++) {
    const wi = (w[i] as number) ** 2
    const row = i * p
    for (let a = 0; a < p; a++) {
      const xa = (x[row + a] as number) * wi
      xtz[a] = (xtz[a] as number) + xa * (z[i] as number)
      for (let b = 0; b <= a; b++)
        cov[a * p + b] = (cov[a * p + b] as number) + xa * (x[row + b] as number)
    }
  }
  for (let a = 0; a < p; a++)
    for (let b = a + 1; b < p; b++) cov[a * p + b] = cov[b * p + a] as number
  if (!invertSpd(cov, p)) return undefined
  const beta = new Float64Array(p)
  for (let a = 0; a < p; a++) {
    let s = 0
    for (let b = 0; b < p; b++) s += (cov[a * p + b] as number) * (xtz[b] as number)
    beta[a] = s
  }
  return beta
}

function linearPredictor(d: GlmData, beta: Float64Array, eta: Float64Array) {
  const { x, p } = d
  for (let i = 0; i < eta.length; i++) {
    let s = d.offset === undefined ? 0 : (d.offset[i] as number)
    for (let a = 0; a < p; a++) s += (x[i * p + a] as number) * (beta[a] as number)
    eta[i] = s
  }
}

/** Fits log E[y] = Xβ + offset with variance φμ. Undefined when XᵀWX is singular. */
export function fitQuasiPoisson(d: GlmData): GlmFit | undefined {
  const { y, p } = d
  const n = y.length
  const prior = d.weights
  const eta = new Float64Array(n)
  const mu = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    mu[i] = (y[i] as number) + 0.1
    eta[i] = Math.log(mu[i] as number)
  }
  let devOld = deviance(y, mu, prior)
  const w = new Float64Array(n)
  const z = new Float64Array(n)
  const cov = new Float64Array(p * p)
  let coef = new Float64Array(p)
  let coefOld: Float64Array | undefined
  let converged = false
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    for (let i = 0; i < n; i++) {
      const e = eta[i] as number
      const m = mu[i] as number
      const dmu = Math.max(Math.exp(e), EPS)
      const off = d.offset === undefined ? 0 : (d.offset[i] as number)
      z[i] = e - off + ((y[i] as number) - m) / dmu
      w[i] = Math.sqrt(((prior === undefined ? 1 : (prior[i] as number)) * dmu * dmu) / m)
    }
    const beta = weightedSolve(d, w, z, cov)
    if (beta === undefined || beta.some((b) => !Number.isFinite(b))) return undefined
    coef = beta
    linearPredictor(d, coef, eta)
    for (let i = 0; i < n; i++) mu[i] = linkInverse(eta[i] as number)
    let dev = deviance(y, mu, prior)
    // R halves the step back towards the previous coefficients while the deviance diverges.
    for (let halving = 0; !Number.isFinite(dev) || mu.some((m) => !Number.isFinite(m)); halving++) {
      if (coefOld === undefined || halving >= MAX_ITERATIONS) return undefined
      for (let a = 0; a < p; a++) coef[a] = ((coef[a] as number) + (coefOld[a] as number)) / 2
      linearPredictor(d, coef, eta)
      for (let i = 0; i < n; i++) mu[i] = linkInverse(eta[i] as number)
      dev = deviance(y, mu, prior)
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON) {
      converged = true
      break
    }
    devOld = dev
    coefOld = Float64Array.from(coef)
  }
  const workWeights = w.map((v) => v * v)
  let pearson = 0
  for (let i = 0; i < n; i++) {
    const r = ((y[i] as number) - (mu[i] as number)) / Math.max(Math.exp(eta[i] as number), EPS)
    pearson += (workWeights[i] as number) * r * r
  }
  const dfResidual = n - p
  return {
    converged,
    coef,
    mu,
    covUnscaled: cov,
    workWeights,
    dispersion: dfResidual > 0 ? pearson / dfResidual : Number.NaN,
    dfResidual,
  }
}

/** Leverages hᵢ = Wᵢ xᵢᵀ (XᵀWX)⁻¹ xᵢ, as R's hatvalues() gives for a GLM. */
export function hatValues(d: GlmData, fit: GlmFit): Float64Array {
  const { x, p } = d
  const cov = fit.covUnscaled
  const out = new Float64Array(d.y.length)
  for (let i = 0; i < out.length; i++) {
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
  row: readonly number[],
  offset: number,
  dispersion = fit.dispersion,
): { eta: number; se: number } {
  const p = row.length
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
  const p = fit.coef.length
  const se = Math.sqrt(dispersion * (fit.covUnscaled[j * p + j] as number))
  return studentTwoSided((fit.coef[j] as number) / se, fit.dfResidual)
}
