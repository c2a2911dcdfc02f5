/**
 * @module core/signals/least-squares
 * The weighted least-squares step inside each IRLS iteration: XᵀWX and XᵀWz, a Cholesky
 * inverse (the models have at most a dozen columns), β. The inverse is kept: it is the
 * unscaled covariance the thresholds and leverages need.
 */
import type { GlmData, GlmWorkspace, Vector } from './glm.ts'

/** In-place Cholesky inverse of a symmetric positive definite p × p matrix; false if singular. */
function invertSpd(a: Float64Array, p: number, scratch: Float64Array): boolean {
  // Cholesky factor L (lower) in place.
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j] as number
    for (let k = 0; k < j; k++) d -= (a[j * p + k] as number) * (a[j * p + k] as number)
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

/**
 * One weighted least-squares solve: β = (XᵀWX)⁻¹ XᵀWz from the workspace's working weights `w`
 * and working response `z` into its `coef`, leaving (XᵀWX)⁻¹ in its `cov`. False when XᵀWX is
 * singular. One and two columns (Farrington without and with trend, the common cases) are
 * written out: the same sums in the same order, without the loops' bookkeeping.
 */
export function weightedSolve(d: GlmData, ws: GlmWorkspace): boolean {
  const { x, p, n } = d
  const { cov, xtz, w, z, coef } = ws
  if (p === 1) return solveOne(x, n, ws)
  if (p === 2) return solveTwo(x, n, ws)
  cov.fill(0, 0, p * p)
  xtz.fill(0, 0, p)
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number
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
  if (!invertSpd(cov, p, ws.inverse)) return false
  for (let a = 0; a < p; a++) {
    let sum = 0
    for (let b = 0; b < p; b++) sum += (cov[a * p + b] as number) * (xtz[b] as number)
    coef[a] = sum
  }
  return true
}

function solveOne(x: Vector, n: number, ws: GlmWorkspace): boolean {
  const { w, z } = ws
  let s00 = 0
  let t0 = 0
  for (let i = 0; i < n; i++) {
    const x0 = (x[i] as number) * (w[i] as number)
    t0 += x0 * (z[i] as number)
    s00 += x0 * (x[i] as number)
  }
  // invertSpd's steps for p = 1: L = √s, L⁻¹, A⁻¹ = L⁻¹ · L⁻¹.
  if (!(s00 > 0)) return false
  const l = 1 / Math.sqrt(s00)
  const inv = l * l
  ws.cov[0] = inv
  ws.coef[0] = inv * t0
  return true
}

function solveTwo(x: Vector, n: number, ws: GlmWorkspace): boolean {
  const { w, z, cov } = ws
  let s00 = 0
  let s10 = 0
  let s11 = 0
  let t0 = 0
  let t1 = 0
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number
    const zi = z[i] as number
    const a0 = x[2 * i] as number
    const a1 = x[2 * i + 1] as number
    const x0 = a0 * wi
    t0 += x0 * zi
    s00 += x0 * a0
    const x1 = a1 * wi
    t1 += x1 * zi
    s10 += x1 * a0
    s11 += x1 * a1
  }
  cov[0] = s00
  cov[1] = s10
  cov[2] = s10
  cov[3] = s11
  if (!invertSpd(cov, 2, ws.inverse)) return false
  ws.coef[0] = (cov[0] as number) * t0 + (cov[1] as number) * t1
  ws.coef[1] = (cov[2] as number) * t0 + (cov[3] as number) * t1
  return true
}
