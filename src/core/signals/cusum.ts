/**
 * @module core/signals/cusum
 * A Poisson CUSUM on standardised counts, as R surveillance's `algo.cusum` (after Rossi et al.
 * 1999): Cₜ = max(0, Cₜ₋₁ + Sₜ − k), alarm when Cₜ ≥ h. Defaults k = 1.04, h = 2.26 (R's) with
 * the `standard` transform Sₜ = (yₜ − m)/√m; `rossi` uses Rossi's approximate normal transform
 * (yₜ − 3m + 2√(yₜ m)) / (2√m) and `anscombe` 3/2 (yₜ^⅔ − m^⅔)/m^⅙. The in-control mean m is the
 * mean of the periods before the range (`baseline`), or a Poisson regression with one yearly
 * sine wave fitted to them (`seasonal`, R's m = "glm"), or a given number. As in R the sum is
 * not reset after an alarm unless `resetAfterAlarm` is set.
 */
import { fitQuasiPoisson, predictLink } from './glm.ts'
import {
  type CountSeries,
  type SignalPoint,
  type SignalRange,
  type SignalResult,
  signalPoint,
} from './types.ts'
import { checkSeries, resolveRange, throwOnFirst } from './validate.ts'

export interface CusumControl {
  k: number
  h: number
  trans: 'standard' | 'rossi' | 'anscombe'
  mean: 'baseline' | 'seasonal' | number
  resetAfterAlarm: boolean
}

export const CUSUM_DEFAULTS: CusumControl = {
  k: 1.04,
  h: 2.26,
  trans: 'standard',
  mean: 'baseline',
  resetAfterAlarm: false,
}

const seasonRow = (t: number, f: number) => [
  1,
  Math.cos((2 * Math.PI * t) / f),
  Math.sin((2 * Math.PI * t) / f),
]

/** The in-control mean of each period in [from, to), or undefined if no baseline period counts. */
function inControlMeans(s: CountSeries, c: CusumControl, from: number, to: number) {
  if (typeof c.mean === 'number') return new Array<number>(to - from).fill(c.mean)
  const train: number[] = []
  for (let t = 0; t < from; t++) if (s.outbreak?.[t] !== true) train.push(t)
  if (train.length === 0) return undefined
  if (c.mean === 'baseline') {
    const m = train.reduce((a, t) => a + (s.counts[t] as number), 0) / train.length
    return new Array<number>(to - from).fill(m)
  }
  const x = train.flatMap((t) => seasonRow(t, s.frequency))
  const y = train.map((t) => s.counts[t] as number)
  const fit = fitQuasiPoisson({
    x,
    p: 3,
    n: y.length,
    y,
    offset: undefined,
    weights: undefined,
    groups: undefined,
  })
  if (fit === undefined || !fit.converged) return undefined
  return Array.from({ length: to - from }, (_, i) =>
    Math.exp(predictLink(fit, seasonRow(from + i, s.frequency), 0).eta),
  )
}

function standardise(y: number, m: number, trans: CusumControl['trans']): number {
  if (trans === 'rossi') return (y - 3 * m + 2 * Math.sqrt(y * m)) / (2 * Math.sqrt(m))
  if (trans === 'anscombe') return (1.5 * (y ** (2 / 3) - m ** (2 / 3))) / m ** (1 / 6)
  return (y - m) / Math.sqrt(m)
}

/** The count that would bring the sum to h this period: Sₜ solved for y at Sₜ = h + k − Cₜ₋₁. */
function countToAlarm(m: number, d: number, trans: CusumControl['trans']): number {
  let u: number
  if (trans === 'rossi') {
    // (y − 3m + 2√(ym)) = 2√m·d is a quadratic in √y.
    u = 5 * m + 2 * Math.sqrt(m) * d - 2 * Math.sqrt(4 * m * m + 2 * m ** 1.5 * d)
  } else if (trans === 'anscombe') {
    const base = (2 / 3) * m ** (1 / 6) * d + m ** (2 / 3)
    u = base < 0 ? 0 : base ** 1.5
  } else {
    u = Math.ceil(Math.sqrt(m) * d + m)
  }
  return Number.isNaN(u) || u < 0 ? 0 : u
}

/** CUSUM signals for `range` (default: from one year in, the year before as baseline). */
export function cusum(
  series: CountSeries,
  options: { control?: Partial<CusumControl>; range?: SignalRange } = {},
): SignalResult {
  const c: CusumControl = { ...CUSUM_DEFAULTS, ...options.control }
  checkSeries(series)
  throwOnFirst([
    ['k', Number.isFinite(c.k) && c.k >= 0],
    ['h', Number.isFinite(c.h) && c.h > 0],
    ['trans', ['standard', 'rossi', 'anscombe'].includes(c.trans)],
    ['mean', c.mean === 'baseline' || c.mean === 'seasonal' || c.mean > 0],
  ])
  // At least one baseline period (three for the seasonal fit); a year by default.
  const minimum = typeof c.mean === 'number' ? 0 : c.mean === 'seasonal' ? 3 : 1
  const history = options.range?.from === undefined ? series.frequency : minimum
  const range = resolveRange(series, history, options.range)
  if (!range.ok) return { ok: false, method: 'cusum', reason: range.reason }
  const means = inControlMeans(series, c, range.from, range.to)
  const points: SignalPoint[] = []
  let sum = 0
  for (let t = range.from; t < range.to; t++) {
    const y = series.counts[t] as number
    const m = means?.[t - range.from]
    if (m === undefined || !(m > 0)) {
      points.push(signalPoint(t, y, null, null, false, null, null, 'SHORT_BASELINE'))
      continue
    }
    const upperBound = countToAlarm(m, c.h + c.k - sum, c.trans)
    sum = Math.max(0, sum + standardise(y, m, c.trans) - c.k)
    const alarm = sum >= c.h
    points.push(signalPoint(t, y, m, upperBound, alarm, sum, null))
    if (alarm && c.resetAfterAlarm) sum = 0
  }
  return { ok: true, method: 'cusum', points }
}
