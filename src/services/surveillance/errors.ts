/**
 * @module services/surveillance/errors
 * `SurveillanceError`: each refusal of the dashboards has its own stable code and status, so the
 * dashboard page and scripts branch on the code (routes render it as problem+json).
 */
export type SurveillanceErrorCode =
  | 'DP_BUDGET_EXHAUSTED'
  | 'BREAKDOWN_UNSUPPORTED'
  | 'RANGE_INVALID'
  | 'REGION_UNKNOWN'
  | 'REGIONS_CSV_INVALID'

const STATUS: Record<SurveillanceErrorCode, 400 | 404 | 429> = {
  DP_BUDGET_EXHAUSTED: 429,
  BREAKDOWN_UNSUPPORTED: 400,
  RANGE_INVALID: 400,
  REGION_UNKNOWN: 404,
  REGIONS_CSV_INVALID: 400,
}

export class SurveillanceError extends Error {
  readonly code: SurveillanceErrorCode
  readonly status: (typeof STATUS)[SurveillanceErrorCode]
  readonly field: string | undefined
  /** Seconds until the refusal lifts (the next UTC day for an exhausted budget). */
  readonly retryAfter: number | undefined

  constructor(
    code: SurveillanceErrorCode,
    message: string,
    options?: { field?: string; retryAfter?: number },
  ) {
    super(message)
    this.name = 'SurveillanceError'
    this.code = code
    this.status = STATUS[code]
    this.field = options?.field
    this.retryAfter = options?.retryAfter
  }
}
