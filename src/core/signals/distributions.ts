/**
 * @module core/signals/distributions
 * The few distribution functions the detectors need (normal, Student t, Poisson, negative
 * binomial), built on the regularised incomplete gamma and beta functions. Accurate to about
 * 1e-13 relative in the ranges surveillance counts reach, which is what matching R's
 * `surveillance` to 1e-6 requires.
 */

const EPS = 2.220446049250313e-16
const TINY = 1e-300

/** Lanczos coefficients for g = 7, n = 9 (Godfrey's published set). */
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0] as number
  for (let i = 1; i < 9; i++) sum += (LANCZOS[i] as number) / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

/** Regularised lower incomplete gamma P(a, x), by its series (x < a + 1). */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  for (let n = 1; n < 10000; n++) {
    term *= x / (a + n)
    sum += term
    if (Math.abs(term) < Math.abs(sum) * EPS) break
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a))
}

/** Regularised upper incomplete gamma Q(a, x), by Lentz's continued fraction (x ≥ a + 1). */
function gammaFraction(a: number, x: number): number {
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPS) break
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h
}

/** P(a, x) = γ(a, x) / Γ(a). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaFraction(a, x)
}

/** Q(a, x) = 1 − P(a, x), computed directly in the upper tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaFraction(a, x)
}

/** Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2). */
function betaFraction(a: number, b: number, x: number): number {
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPS) break
  }
  return h
}

/** Regularised incomplete beta I_x(a, b). */
export function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x),
  )
  // The fraction converges fast only on one side of the mean; use the symmetry on the other.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a
  return 1 - (front * betaFraction(b, a, 1 - x)) / b
}

/** Upper tail of the standard normal, Q(x) = 1 − Φ(x), through erfc = Q(½, x²/2). */
export function normalUpper(x: number): number {
  if (x >= 0) return 0.5 * gammaQ(0.5, (x * x) / 2)
  return 1 - 0.5 * gammaQ(0.5, (x * x) / 2)
}

function normalDensity(x: number): number {
  return Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)
}

/**
 * The standard normal quantile Φ⁻¹(p): Abramowitz & Stegun 26.2.23 as a start (error < 4.5e-4),
 * then Newton steps on the accurate tail, which double the correct digits each time.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY
    if (p === 1) return Number.POSITIVE_INFINITY
    return Number.NaN
  }
  const q = Math.min(p, 1 - p)
  const t = Math.sqrt(-2 * Math.log(q))
  let x =
    t -
    (2.515517 + 0.802853 * t + 0.010328 * t * t) /
      (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
  for (let i = 0; i < 8; i++) {
    const step = (normalUpper(x) - q) / normalDensity(x)
    x += step
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break
  }
  return p < 0.5 ? -x : x
}

/** Two-sided Student t tail probability P(|T| > |t|) with `df` degrees of freedom. */
export function studentTwoSided(t: number, df: number): number {
  return betaI(df / (df + t * t), df / 2, 0.5)
}

/** P(X ≥ y) for X ~ Poisson(mean). */
export function poissonUpper(y: number, mean: number): number {
  return y <= 0 ? 1 : gammaP(y, mean)
}

/** P(X ≥ y) for X negative binomial with `size` and `prob` (R's parametrisation). */
export function negBinomialUpper(y: number, size: number, prob: number): number {
  return y <= 0 ? 1 : betaI(1 - prob, y, size)
}

/**
 * Smallest integer k with cdf(k) ≥ p, searched from a normal start. The target is lowered by
 * 64 ε, as R's discrete quantile functions do, so a cdf equal to p up to rounding still counts.
 */
function discreteQuantile(p: number, mean: number, sd: number, cdf: (k: number) => number): number {
  const target = p * (1 - 64 * EPS)
  let k = Math.max(0, Math.floor(mean + sd * normalQuantile(p)))
  if (cdf(k) >= target) {
    while (k > 0 && cdf(k - 1) >= target) k--
    return k
  }
  do k++
  while (cdf(k) < target)
  return k
}

/** R's qpois(p, mean). */
export function poissonQuantile(p: number, mean: number): number {
  return discreteQuantile(p, mean, Math.sqrt(mean), (k) => gammaQ(k + 1, mean))
}

/** R's qnbinom(p, size, prob): mean size(1 − prob)/prob, variance mean/prob. */
export function negBinomialQuantile(p: number, size: number, prob: number): number {
  const mean = (size * (1 - prob)) / prob
  return discreteQuantile(p, mean, Math.sqrt(mean / prob), (k) => betaI(prob, size, k + 1))
}
