/**
 * @module services/staff/errors
 * `StaffError`: the staff service's closed code union. Each failed ceremony step has its own code
 * (tests and pages branch on it); `http/routes/staff-errors.ts` maps codes to statuses.
 */
export type StaffErrorCode =
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
  | 'RATE_LIMITED'

export class StaffError extends Error {
  readonly code: StaffErrorCode
  readonly field: string | undefined
  /** For RATE_LIMITED: seconds until the window resets. */
  readonly retryAfter: number | undefined

  constructor(
    code: StaffErrorCode,
    message: string,
    options?: { field?: string; retryAfter?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'StaffError'
    this.code = code
    this.field = options?.field
    this.retryAfter = options?.retryAfter
  }
}
