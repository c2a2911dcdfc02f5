/**
 * @module http/status
 * Every service error code and the HTTP status it answers with (RFC 9110 §15): the one table.
 * Adding a code to `ServiceErrorCode` without a row here fails the typecheck.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ServiceErrorCode } from '../platform/errors/index.ts'

export const SERVICE_STATUS: Record<ServiceErrorCode, ContentfulStatusCode> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  VALIDATION: 400,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  GONE: 410,
  LEDGER_BUSY: 503,
  LEDGER_UNAVAILABLE: 503,
  LOG_SHARD_FROZEN: 409,
  LOG_SHARD_UNKNOWN: 404,
  QR_TOO_LONG: 409,
  // Staff (WebAuthn ceremonies): a malformed or mismatched response is the client's mistake…
  WEBAUTHN_MALFORMED: 400,
  WEBAUTHN_CHALLENGE_UNKNOWN: 400,
  WEBAUTHN_CHALLENGE_REPLAYED: 400,
  WEBAUTHN_CHALLENGE_EXPIRED: 400,
  WEBAUTHN_CHALLENGE_MISMATCH: 400,
  WEBAUTHN_ORIGIN: 400,
  WEBAUTHN_RP_ID: 400,
  WEBAUTHN_USER_VERIFICATION: 400,
  WEBAUTHN_ATTESTATION: 400,
  // …one that does not prove who it claims to be is not authenticated.
  WEBAUTHN_CREDENTIAL_UNKNOWN: 401,
  WEBAUTHN_COUNTER: 401,
  WEBAUTHN_SIGNATURE: 401,
  WEBAUTHN_CREDENTIAL_EXISTS: 409,
  INVITATION_UNKNOWN: 404,
  INVITATION_USED: 409,
  INVITATION_EXPIRED: 410,
  INVITATION_REVOKED: 410,
  STAFF_DISABLED: 403,
  LAST_PASSKEY: 409,
  LAST_ADMIN: 409,
  // Exposure notification: the verification server's refusals are 400s, as the device expects.
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
  // Surveillance.
  DP_BUDGET_EXHAUSTED: 429,
  BREAKDOWN_UNSUPPORTED: 400,
  RANGE_INVALID: 400,
  REGION_UNKNOWN: 404,
  REGIONS_CSV_INVALID: 400,
  BOUNDARIES_INVALID: 400,
  // SMART Health Links (IG §Manifest Request): 404 for any inactive link, 401 for a passcode.
  SHL_NOT_FOUND: 404,
  SHL_PASSCODE_WRONG: 401,
  SHL_FILE_GONE: 404,
}
