/**
 * @module http/routes/staff-errors
 * StaffError → problem+json for the staff and audit routes (installed as their sub-apps'
 * `onError`); everything else goes to the app's one handler.
 */
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { StaffError, type StaffErrorCode } from '../../services/staff/index.ts'
import type { AppEnv } from '../env.ts'
import { handleError } from '../errors.ts'
import { problemResponse } from '../problem.ts'

export const STAFF_STATUS: Record<StaffErrorCode, ContentfulStatusCode> = {
  WEBAUTHN_MALFORMED: 400,
  WEBAUTHN_CHALLENGE_UNKNOWN: 400,
  WEBAUTHN_CHALLENGE_REPLAYED: 400,
  WEBAUTHN_CHALLENGE_EXPIRED: 400,
  WEBAUTHN_CHALLENGE_MISMATCH: 400,
  WEBAUTHN_ORIGIN: 400,
  WEBAUTHN_RP_ID: 400,
  WEBAUTHN_USER_VERIFICATION: 400,
  WEBAUTHN_ATTESTATION: 400,
  // Not who the response claims to be.
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
  RATE_LIMITED: 429,
}

export function staffErrorHandler(err: Error, c: Context<AppEnv>): Response {
  if (!(err instanceof StaffError)) return handleError(err, c)
  if (err.code !== 'RATE_LIMITED')
    c.get('deps').logger.info('staff request refused', {
      code: err.code,
      requestId: c.get('requestId'),
    })
  return problemResponse(STAFF_STATUS[err.code], err.code, err.message, {
    field: err.field,
    requestId: c.get('requestId'),
    instance: new URL(c.req.url).pathname,
    headers: err.retryAfter === undefined ? {} : { 'retry-after': String(err.retryAfter) },
  })
}

/** An OpenAPI response entry for problem+json, naming the codes it may carry. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: z.object({ code: z.string() }) } },
})
