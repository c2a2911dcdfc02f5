/**
 * @module core/signals/least-squares
 * The weighted least-squares step inside each IRLS iteration: XᵀWX and XᵀWz, a Cholesky
 * inverse (the models have at most a dozen columns), β. The inverse is kept: it is the
 * unscaled covariance the thresholds and leverages need.
 */
import type { GlmData } from './glm.ts'

/** In-place Cholesky inverse of a symmetric positive definite p × p matrix; false if singular. */
function invertSpd(a: number[], p: number, scratch: number[]): boolean {
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
  const inv = scratch
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0
      for (let k = i; k < p; k++) s += (a[k * p + i] as number) * (a[k * p + j] as number)
      inv[i * p + j] = s
      inv[j * p + i] = s
    }
  }
  for (let i = 0; i < p * p; i++) a[i] = inv[i] as number
  return true
}

export interface Scratch {
  cov: number[]
  inverse: number[]
  xtz: number[]
}

/**
 * One weighted least-squares solve: β = (XᵀWX)⁻¹ XᵀWz with W = w², into `beta`, leaving
 * (XᵀWX)⁻¹ in `s.cov`. False when XᵀWX is singular.
 */
export function weightedSolve(d: GlmData, w: number[], z: number[], beta: number[], s: Scratch) {
  const { x, p } = d
  const n = d.y.length
  const { cov, xtz } = s
  cov.fill(0)
  xtz.fill(0)
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
  if (!invertSpd(cov, p, s.inverse)) return false
  for (let a = 0; a < p; a++) {
    let sum = 0
    for (let b = 0; b < p; b++) sum += (cov[a * p + b] as number) * (xtz[b] as number)
    beta[a] = sum
  }
  return true
}
