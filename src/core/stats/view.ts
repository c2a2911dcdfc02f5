/**
 * A dashboard view (`POST /api/surveillance/view`, its cost at `/api/surveillance/view/cost`):
 * the page's charts asked together, so that with noise the view is charged once for all of them.
 * The view's ε is split equally between its charts, each chart's ε its share: by sequential
 * composition (Dwork & Roth 2014, Thm 3.14) the charts together are ε-differentially private.
 * A view asked again on unchanged data is served from its stored release: the same noisy
 * figures, charged nothing (and no average of several draws can be taken).
 */
import type { EpiCurve, MapResult, YearsResult } from './maps.ts'
import type { Budget, SeriesResult } from './series.ts'
import type { Breakdown, CountMeasure, Grain, Level, Measure, Mechanism } from './vocabulary.ts'

export const MAX_VIEW_CHARTS = 12
/** A view's ε at most: the default daily allowance (each chart's share at most 5, as alone). */
export const MAX_VIEW_EPSILON = 10
/** The ε of a view when none is given: the daily default (10) then fits ten views. */
export const DEFAULT_VIEW_EPSILON = 1

interface Area {
  /** The chart's name in the view (letters, digits, `-`), unique in it. */
  id: string
  region?: string | undefined
}

export type ViewChart =
  | (Area & {
      kind: 'series'
      measure: Measure
      interval: Grain
      from?: string | undefined
      to?: string | undefined
      level: Level
      breakdown?: Breakdown | undefined
    })
  | (Area & {
      kind: 'map'
      measure: CountMeasure
      from?: string | undefined
      to?: string | undefined
      level: Level
    })
  | (Area & {
      kind: 'epicurve'
      measure: CountMeasure
      from?: string | undefined
      to?: string | undefined
    })
  | (Area & { kind: 'years'; measure: CountMeasure; years: number; to?: string | undefined })

export interface ViewRequest {
  dp: 'none' | Mechanism
  /** The whole view's ε (with noise), split equally between its charts. */
  epsilon?: number | undefined
  charts: ViewChart[]
}

export type ViewChartResult =
  | { id: string; kind: 'series'; result: SeriesResult }
  | { id: string; kind: 'map'; result: MapResult }
  | { id: string; kind: 'epicurve'; result: EpiCurve }
  | { id: string; kind: 'years'; result: YearsResult }

/** What a view costs, before it runs (and what it cost, after). */
export interface ViewCost {
  mechanism: Mechanism | null
  /** The view's ε (0 without noise). */
  epsilon: number
  /** Each chart's share of it. */
  split: { id: string; epsilon: number }[]
  composition: 'sequential'
  /** A release of this view on these very data is stored: asking costs nothing. */
  released: boolean
  /** What asking costs (or cost) the asker now: ε, or 0 without noise or when released. */
  charge: number
  /** The asker's budget: before the view for a cost, after it for a view. */
  budget: Budget
  /** The charge fits in what is left today. */
  fits: boolean
}

export interface ViewResult {
  charts: ViewChartResult[]
  privacy: ViewCost & {
    /** When the noisy figures were drawn (null without noise). */
    releasedAt: string | null
  }
}
