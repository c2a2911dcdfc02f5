/**
 * @module core/signals/farrington-control
 * Farrington's settings: R farringtonFlexible's defaults, Noufaily's recommended set, and the
 * checks that refuse a setting no baseline can be built from.
 */
import type { PowerTransform } from './thresholds.ts'
import { throwOnFirst } from './validate.ts'

export interface FarringtonControl {
  /** Years back (default 5). */
  b: number
  /** Half-width of each reference window, in periods (default 3). */
  w: number
  reweight: boolean
  /** Anscombe residual above which a baseline period is down-weighted (default 2.58). */
  weightsThreshold: number
  alpha: number
  trend: boolean
  pThresholdTrend: number
  /** [cases, periods]: no alarm unless at least `cases` fell in the last `periods` (5, 4). */
  limit54: readonly [number, number]
  powertrans: PowerTransform
  populationOffset: boolean
  /** Seasonal levels (1: reference windows only; Noufaily recommends 10). */
  noPeriods: number
  /** Periods before the current one left out of the baseline (default w; Noufaily: 26). */
  pastWeeksNotIncluded?: number
  thresholdMethod: 'delta' | 'nbPlugin' | 'muan'
}

/** R's farringtonFlexible defaults. */
export const FARRINGTON_DEFAULTS: FarringtonControl = {
  b: 5,
  w: 3,
  reweight: true,
  weightsThreshold: 2.58,
  alpha: 0.05,
  trend: true,
  pThresholdTrend: 0.05,
  limit54: [5, 4],
  powertrans: '2/3',
  populationOffset: false,
  noPeriods: 1,
  thresholdMethod: 'delta',
}

/** Noufaily et al. (2013)'s recommended settings (the "improved Farrington" of ECDC and UKHSA). */
export const NOUFAILY: Partial<FarringtonControl> = {
  noPeriods: 10,
  pastWeeksNotIncluded: 26,
  thresholdMethod: 'muan',
}

export const pastWeeks = (c: FarringtonControl) => c.pastWeeksNotIncluded ?? c.w

export function checkFarringtonControl(c: FarringtonControl, frequency: number) {
  throwOnFirst([
    ['b', Number.isInteger(c.b) && c.b >= 1],
    ['w', Number.isInteger(c.w) && c.w >= 0 && 2 * c.w + 1 < frequency],
    ['alpha', c.alpha > 0 && c.alpha < 1],
    ['weightsThreshold', c.weightsThreshold > 0],
    ['pThresholdTrend', c.pThresholdTrend > 0 && c.pThresholdTrend <= 1],
    [
      'limit54',
      c.limit54[0] >= 0 &&
        Number.isInteger(c.limit54[1]) &&
        c.limit54[1] > 0 &&
        c.limit54[1] <= c.b * frequency + c.w + 1,
    ],
    // Each of the noPeriods − 1 blocks between two windows needs at least one period.
    [
      'noPeriods',
      Number.isInteger(c.noPeriods) && c.noPeriods >= 1 && c.noPeriods <= frequency - 2 * c.w,
    ],
    ['pastWeeksNotIncluded', Number.isInteger(pastWeeks(c)) && pastWeeks(c) >= 0],
    ['powertrans', ['2/3', '1/2', 'none'].includes(c.powertrans)],
    ['thresholdMethod', ['delta', 'nbPlugin', 'muan'].includes(c.thresholdMethod)],
  ])
}
