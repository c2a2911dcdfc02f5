/**
 * @module services/exposure/errors
 * `ExposureError`: each refusal of the exposure service has its own stable code and status, so
 * devices, pages and tests branch on the code (routes render it as problem+json).
 */
export type ExposureErrorCode =
  | 'CODE_NOT_FOUND'
  | 'CODE_USED'
  | 'CODE_EXPIRED'
  | 'CODE_REVOKED'
  | 'CODE_GUESSING_LOCKED'
  | 'TOKEN_INVALID'
  | 'TOKEN_USED'
  | 'TOKEN_EXPIRED'
  | 'HMAC_INVALID'
  | 'HMAC_MISMATCH'
  | 'CERTIFICATE_INVALID'
  | 'HEALTH_AUTHORITY_UNKNOWN'
  | 'NO_KEYS'
  | 'TOO_MANY_KEYS'
  | 'KEY_INVALID'
  | 'KEY_IN_FUTURE'
  | 'KEY_TOO_OLD'
  | 'KEYS_OVERLAP'
  | 'REVISION_TOKEN_INVALID'
  | 'BATCH_TOO_LARGE'
  | 'NOT_FOUND'

const STATUS: Record<ExposureErrorCode, 400 | 403 | 404 | 409 | 410 | 429> = {
  CODE_NOT_FOUND: 400,
  CODE_USED: 400,
  CODE_EXPIRED: 400,
  CODE_REVOKED: 400,
  CODE_GUESSING_LOCKED: 429,
  TOKEN_INVALID: 400,
  TOKEN_USED: 400,
  TOKEN_EXPIRED: 400,
  HMAC_INVALID: 400,
  HMAC_MISMATCH: 400,
  CERTIFICATE_INVALID: 400,
  HEALTH_AUTHORITY_UNKNOWN: 400,
  NO_KEYS: 400,
  TOO_MANY_KEYS: 400,
  KEY_INVALID: 400,
  KEY_IN_FUTURE: 400,
  KEY_TOO_OLD: 400,
  KEYS_OVERLAP: 400,
  REVISION_TOKEN_INVALID: 400,
  BATCH_TOO_LARGE: 400,
  NOT_FOUND: 404,
}

export class ExposureError extends Error {
  readonly code: ExposureErrorCode
  readonly status: (typeof STATUS)[ExposureErrorCode]
  readonly field: string | undefined
  readonly retryAfter: number | undefined

  constructor(
    code: ExposureErrorCode,
    message: string,
    options?: { field?: string; retryAfter?: number },
  ) {
    super(message)
    this.name = 'ExposureError'
    this.code = code
    this.status = STATUS[code]
    this.field = options?.field
    this.retryAfter = options?.retryAfter
  }
}
