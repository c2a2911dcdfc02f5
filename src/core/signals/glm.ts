/**
 * @module core/signals/glm
 * A quasi-Poisson log-linear model fitted by iteratively reweighted least squares, step for step
 * as R's `glm.fit` does it (start at y + 0.1, deviance convergence 1e-8, at most 25 iterations,
 * step halving on a non-finite deviance). Following R that closely matters: the covariance, hat
 * values and dispersion R reports come from the weights of the *last* iteration, not from the
 * final fitted means, and Farrington's thresholds are built from them.
 */
import { studentTwoSided } from './distributions.ts'
import { type Scratch, weightedSolve } from './least-squares.ts'

const EPS = 2.220446049250313e-16
const EPSILON = 1e-8
const MAX_ITERATIONS = 25

export interface GlmData {
  /** Design matrix, row-major, n × p. */
  x: number[]
  p: number
  y: number[]
  /** Added to the linear predictor (log population); zeros when absent. */
  offset?: number[]
  /** Prior weights; ones when absent. */
  weights?: number[]
}

export interface GlmFit {
  converged: boolean
  coef: number[]
  /** Fitted means. */
  mu: number[]
  /** (XᵀWX)⁻¹, p × p, from the last iteration's working weights (R's cov.unscaled). */
  covUnscaled: number[]
  /** Working weights of the last iteration. */
  workWeights: number[]
  /** Pearson estimate Σ W r² / (n − p), as summary.glm gives for quasi families. */
  dispersion: number
  dfResidual: number
}

/**
 * A zero-filled array. Plain arrays, not Float64Array: the vectors here hold tens of values and
 * are made by the thousand, and small typed arrays cost far more to allocate and collect.
 */
export const zeros = (n: number): number[] => new Array<number>(n).fill(0)

const linkInverse = (eta: number) => Math.max(Math.exp(eta), EPS)

function deviance(y: number[], mu: number[], w: number[] | undefined): number {
  let dev = 0
  for (let i = 0; i < y.length; i++) {
    const yi = y[i] as number
    const mi = mu[i] as number
    const r = yi > 0 ? yi * Math.log(yi / mi) - (yi - mi) : mi
    dev += 2 * (w === undefined ? 1 : (w[i] as number)) * r
  }
  return dev
}

function allFinite(v: number[]): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false
  return true
}

function linearPredictor(d: GlmData, beta: number[], eta: number[]) {
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
  const eta = zeros(n)
  const mu = zeros(n)
  for (let i = 0; i < n; i++) {
    eta[i] = Math.log((y[i] as number) + 0.1)
    mu[i] = linkInverse(eta[i] as number)
  }
  let devOld = deviance(y, mu, prior)
  const w = zeros(n)
  const z = zeros(n)
  const scratch: Scratch = {
    cov: zeros(p * p),
    inverse: zeros(p * p),
    xtz: zeros(p),
  }
  const coef = zeros(p)
  const coefOld = zeros(p)
  let haveOld = false
  let converged = false
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    for (let i = 0; i < n; i++) {
      const e = eta[i] as number
      const m = mu[i] as number
      // For the log link dμ/dη = max(e^η, ε) = μ itself (μ is kept at that value), so the
      // working weight μ'²/V(μ) is just μ.
      const off = d.offset === undefined ? 0 : (d.offset[i] as number)
      z[i] = e - off + ((y[i] as number) - m) / m
      w[i] = Math.sqrt((prior === undefined ? 1 : (prior[i] as number)) * m)
    }
    if (!weightedSolve(d, w, z, coef, scratch) || !allFinite(coef)) return undefined
    linearPredictor(d, coef, eta)
    for (let i = 0; i < n; i++) mu[i] = linkInverse(eta[i] as number)
    let dev = deviance(y, mu, prior)
    // R halves the step back towards the previous coefficients while the deviance diverges.
    for (let halving = 0; !Number.isFinite(dev) || !allFinite(mu); halving++) {
      if (!haveOld || halving >= MAX_ITERATIONS) return undefined
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
    for (let a = 0; a < p; a++) coefOld[a] = coef[a] as number
    haveOld = true
  }
  const workWeights = w.map((v) => v * v)
  let pearson = 0
  for (let i = 0; i < n; i++) {
    const r = ((y[i] as number) - (mu[i] as number)) / (mu[i] as number)
    pearson += (workWeights[i] as number) * r * r
  }
  const dfResidual = n - p
  return {
    converged,
    coef,
    mu,
    covUnscaled: scratch.cov,
    workWeights,
    dispersion: dfResidual > 0 ? pearson / dfResidual : Number.NaN,
    dfResidual,
  }
}

/** Leverages hᵢ = Wᵢ xᵢᵀ (XᵀWX)⁻¹ xᵢ, as R's hatvalues() gives for a GLM. */
export function hatValues(d: GlmData, fit: GlmFit): number[] {
  const { x, p } = d
  const cov = fit.covUnscaled
  const out = zeros(d.y.length)
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
