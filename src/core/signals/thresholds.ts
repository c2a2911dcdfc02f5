/**
 * @module core/signals/thresholds
 * Farrington's upper bound from the fitted mean, two ways, as R's farringtonFlexible offers:
 *
 * - `delta` (Farrington et al. 1996, §3.3): a normal bound on the power-transformed count
 *   (2/3 by default, which removes most of the Poisson skew), its variance from the delta method:
 *   Var(y^e) ≈ e² μ^(2e−2) (φμ + Var μ̂), so for e = 2/3 the standard error is
 *   √(4/9 · μ^(1/3) · (φ + Var μ̂ / μ)).
 * - `nbPlugin` / `muan` (Noufaily et al. 2013, §2.4): the 1 − α quantile of a negative binomial
 *   with mean μ and variance φμ (Poisson when φ = 1); `muan` plugs in the upper 1 − α bound of
 *   μ̂ (exp of η̂ + z · se(η̂)) instead of μ̂ itself.
 */
import {
  negBinomialQuantile,
  negBinomialUpper,
  normalUpper,
  poissonQuantile,
  poissonUpper,
} from './distributions.ts'

export type PowerTransform = '2/3' | '1/2' | 'none'

export interface Threshold {
  upper: number | null
  /** P(count ≥ y) under the bound's distribution. */
  pValue: number | null
  /** (y − centre) / (upper − centre); an alarm needs it above 1. */
  score: number | null
}

/** The delta-method bound; `mu` and `seMu` on the count scale. */
export function deltaThreshold(
  y: number,
  mu: number,
  seMu: number,
  phi: number,
  z: number,
  power: PowerTransform,
): Threshold {
  const tau = phi + (seMu * seMu) / mu
  const e = power === '2/3' ? 2 / 3 : power === '1/2' ? 1 / 2 : 1
  const se =
    power === '2/3'
      ? Math.sqrt((4 / 9) * mu ** (1 / 3) * tau)
      : power === '1/2'
        ? Math.sqrt(tau / 4)
        : Math.sqrt(mu * tau)
  const upper = (mu ** e + z * se) ** (1 / e)
  const pValue = normalUpper((y ** e - mu ** e) / se)
  return Number.isFinite(upper)
    ? { upper, pValue, score: (y - mu) / (upper - mu) }
    : { upper: null, pValue, score: null }
}

/**
 * The negative-binomial bound; `eta` and `seEta` on the log scale. The score keeps R's
 * definition, which subtracts the log-scale prediction: only its "> 1" matters for the alarm.
 */
export function negBinomialThreshold(
  y: number,
  eta: number,
  seEta: number,
  phi: number,
  alpha: number,
  z: number,
  plugIn: 'nbPlugin' | 'muan',
): Threshold {
  const mean = Math.exp(plugIn === 'nbPlugin' ? eta : eta + z * seEta)
  if (!Number.isFinite(mean)) return { upper: null, pValue: null, score: null }
  // Variance φμ: size μ/(φ − 1), prob 1/φ.
  const upper =
    phi > 1
      ? negBinomialQuantile(1 - alpha, mean / (phi - 1), 1 / phi)
      : poissonQuantile(1 - alpha, mean)
  const pValue = phi > 1 ? negBinomialUpper(y, mean / (phi - 1), 1 / phi) : poissonUpper(y, mean)
  return { upper, pValue, score: (y - eta) / (upper - eta) }
}
