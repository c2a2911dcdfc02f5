/**
 * @module platform/errors/errors
 * The services' one error class and its closed code union. Services throw `ServiceError`; HTTP
 * statuses live in one table in `src/http/status.ts` and one `onError` renders the problem+json
 * (RFC 9457); the CLI prints the code and message. The pure core keeps its own typed codes
 * (`CoreError`), which reach HTTP as 400s.
 */

/** Codes any service may use. */
type GeneralCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'VALIDATION'
  /** Too many attempts from one client; `retryAfter` says when the window resets. */
  | 'RATE_LIMITED'
  /** A dependency of the service is not ready (no checkpoint yet, no trust material). */
  | 'UNAVAILABLE'
  | 'GONE'
  /**
   * The ledger's queue of entries waiting for integration is full: back-pressure, try again after
   * `retryAfter` seconds (as Tessera's pushback error).
   */
  | 'LEDGER_BUSY'
  /** This instance cannot append to the ledger (a Worker: one Node process writes the log). */
  | 'LEDGER_UNAVAILABLE'
  /** The log shard is frozen (`vigil log rotate`): read-only, nothing more is appended to it. */
  | 'LOG_SHARD_FROZEN'
  /** No log shard with that id (`/log/<id>/…`). */
  | 'LOG_SHARD_UNKNOWN'
  /**
   * The card's JWS is longer than one QR holds (1,195 characters, SHC 1.4 §Encoding QRs): it is
   * shared as a SMART Health Link, never as a chunked code.
   */
  | 'QR_TOO_LONG'

/** Staff: WebAuthn ceremonies (W3C WebAuthn Level 3 §7), invitations, people. */
type StaffCode =
  /** The response is not a WebAuthn credential of the expected shape. */
  | 'WEBAUTHN_MALFORMED'
  /** No challenge like this was ever issued (or it was purged). */
  | 'WEBAUTHN_CHALLENGE_UNKNOWN'
  /** The challenge was already used once. */
  | 'WEBAUTHN_CHALLENGE_REPLAYED'
  | 'WEBAUTHN_CHALLENGE_EXPIRED'
  /** The challenge belongs to another ceremony, invitation or person. */
  | 'WEBAUTHN_CHALLENGE_MISMATCH'
  | 'WEBAUTHN_ORIGIN'
  | 'WEBAUTHN_RP_ID'
  | 'WEBAUTHN_USER_VERIFICATION'
  | 'WEBAUTHN_CREDENTIAL_UNKNOWN'
  /** The credential is already registered (to this or another person). */
  | 'WEBAUTHN_CREDENTIAL_EXISTS'
  /** The signature counter did not grow: a cloned authenticator or a replayed assertion. */
  | 'WEBAUTHN_COUNTER'
  | 'WEBAUTHN_SIGNATURE'
  | 'WEBAUTHN_ATTESTATION'
  | 'INVITATION_UNKNOWN'
  | 'INVITATION_USED'
  | 'INVITATION_EXPIRED'
  | 'INVITATION_REVOKED'
  | 'STAFF_DISABLED'
  | 'LAST_PASSKEY'
  | 'LAST_ADMIN'

/** Exposure notification: verification codes, the device flow, key upload (GAEN). */
type ExposureCode =
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

/** Surveillance queries. */
type SurveillanceCode =
  /** The day's differential-privacy budget is spent; `retryAfter` is the next UTC day. */
  | 'DP_BUDGET_EXHAUSTED'
  | 'BREAKDOWN_UNSUPPORTED'
  | 'RANGE_INVALID'
  | 'REGION_UNKNOWN'
  | 'REGIONS_CSV_INVALID'
  /** A boundary file (TopoJSON or GeoJSON) that cannot be read, or that matches no loaded place. */
  | 'BOUNDARIES_INVALID'

/** SMART Health Links (docs/SHL.md): the manifest server's refusals, as the IG names them. */
type ShlCode =
  /** Inactive, expired, locked by wrong passcodes, or unknown: one answer for all (IG: 404). */
  | 'SHL_NOT_FOUND'
  /** Flag P and a wrong or missing passcode (IG: 401 with `remainingAttempts`). */
  | 'SHL_PASSCODE_WRONG'
  /** A `location` URL already used or past its lifetime (single use, at most one hour). */
  | 'SHL_FILE_GONE'

export type ServiceErrorCode = GeneralCode | StaffCode | ExposureCode | SurveillanceCode | ShlCode

export interface ServiceErrorOptions {
  /** The input field at fault (a dotted path), when one is. */
  field?: string | undefined
  /** Seconds until trying again can succeed (RFC 9110 §10.2.3 Retry-After). */
  retryAfter?: number | undefined
  /**
   * Extension members of the problem (RFC 9457 §3.2) a protocol requires beside `code`: the
   * SHL manifest's 401 carries `remainingAttempts` (IG §Manifest Request). Numbers only.
   */
  members?: Readonly<Record<string, number>> | undefined
  cause?: unknown
}

export class ServiceError extends Error {
  readonly code: ServiceErrorCode
  readonly field: string | undefined
  readonly retryAfter: number | undefined
  readonly members: Readonly<Record<string, number>> | undefined

  constructor(code: ServiceErrorCode, message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ServiceError'
    this.code = code
    this.field = options.field
    this.retryAfter = options.retryAfter
    this.members = options.members
  }
}

/**
 * The VALIDATION error for input a service re-parses with zod (the CLI and batch rows reach
 * services without the HTTP layer's schema): the first issue's message and dotted field path.
 */
export function validationError(
  issues: readonly { message: string; path: readonly PropertyKey[] }[],
  fallback: string,
): ServiceError {
  const issue = issues[0]
  return new ServiceError('VALIDATION', issue?.message ?? fallback, {
    field: issue?.path.map(String).join('.') || undefined,
  })
}
