/**
 * Outbreak signals an epidemiologist reviews (`/api/surveillance/alerts…`), as
 * services/surveillance returns them and the dashboard's alerts panel reads them.
 */
import type { CountMeasure, Level } from './vocabulary.ts'

/** Farrington flexible (R defaults), Noufaily's settings, EARS C1–C3, CUSUM. */
export const SIGNAL_METHODS = [
  'farrington',
  'noufaily',
  'ears-c1',
  'ears-c2',
  'ears-c3',
  'cusum',
] as const
export type SignalMethodName = (typeof SIGNAL_METHODS)[number]

export const ALERT_STATES = ['new', 'accepted', 'dismissed'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/** Why a detector could not judge any week: its minimum history and what there is. */
export interface TooShort {
  code: 'HISTORY_TOO_SHORT'
  /** Weeks of history needed before the first evaluated week, and weeks there are. */
  needed: number
  has: number
  /** The same in English words ("needs 5 years and 3 weeks …"); pages build their own. */
  message: string
}

export interface SignalAlert {
  id: string
  measure: CountMeasure
  method: SignalMethodName
  region: string
  /** The place's name ('' when it is no longer loaded). */
  name: string
  /** First day of the ISO week. */
  week: string
  /**
   * The week's count and the baseline's expectation and upper bound, each null where under the
   * suppression threshold (the dashboards' rule: no figure smaller than it is shown).
   */
  observed: number | null
  expected: number | null
  upperBound: number | null
  pValue: number | null
  score: number | null
  /** The α (Farrington, EARS) or h (CUSUM) the alarm was judged with. */
  alpha: number | null
  cusumH: number | null
  state: AlertState
  raisedAt: string
  reviewedAt: string | null
  /** Who reviewed it last, as the audit trail names them. */
  reviewer: string | null
  note: string | null
}

export interface AlertScan {
  measure: CountMeasure
  method: SignalMethodName
  level: Level
  region: string | null
  /** First days of the weeks judged, the latest last. */
  weeks: string[]
  /** Set when the history is too short: then nothing is judged. */
  tooShort: TooShort | null
  /** Alerts new to this scan, and alerts still `new` whose figures it updated. */
  raised: number
  updated: number
  /** Alerts still `new` from an earlier scan whose alarm this one no longer raises: removed. */
  withdrawn: number
  /** Every alert of the scanned places and weeks, new or reviewed. */
  alerts: SignalAlert[]
  /** Figures under it are not shown, and no alert is raised for a week with fewer cases. */
  threshold: number
}

export interface AlertThreshold {
  region: string
  measure: CountMeasure
  alpha: number | null
  cusumH: number | null
  minCases: number | null
  updatedAt: string
  updatedBy: string
}

export interface OutbreakExclusion {
  id: string
  region: string
  /** Null: every measure. */
  measure: CountMeasure | null
  /** First days of the first and last ISO weeks left out. */
  from: string
  to: string
  label: string
  createdAt: string
  createdBy: string
}
