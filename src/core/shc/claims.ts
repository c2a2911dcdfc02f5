/**
 * @module core/shc/claims
 * The JWS payload claims of a health card (§Health Card payload, SHC 1.4 changelog):
 * `nbf` (NumericDate seconds, fractions allowed) not in the future beyond a small skew, `exp`
 * (optional, since 1.2.1) after `nbf` and not past, `vc.type` holding `#health-card` (other types
 * ignored; the #immunization/#covid19/#laboratory labels are deprecated in 1.4.0), `fhirVersion`
 * 4.0.1, a FHIR Bundle, and an optional `rid` (base64url, ≤ 24 chars). `iss` is checked
 * separately, before key lookup. Everything here is attacker-controlled.
 */

import { isJsonObject, type JsonObject } from '../codec/index.ts'
import { checkFhirBundle } from './bundle-check.ts'
import { ShcError, type ShcWarning } from './errors.ts'
import {
  CLOCK_SKEW_SECONDS,
  FHIR_VERSION,
  HEALTH_CARD_TYPE,
  MAX_NUMERIC_DATE,
  MAX_RID_LENGTH,
} from './limits.ts'

const MAX_TYPES = 32
export const RID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_RID_LENGTH}}$`)

export interface ShcPayload extends JsonObject {
  readonly iss: string
  readonly nbf: number
  readonly exp?: number
  readonly vc: {
    readonly type: readonly string[]
    readonly credentialSubject: { readonly fhirVersion: string; readonly fhirBundle: JsonObject }
    readonly rid?: string
  }
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

/** `now` (NumericDate seconds) must itself be a valid time: it comes from the caller. */
export function checkNow(now: number): void {
  if (!isNumericDate(now)) throw new ShcError('SHC_INPUT', 'now must be seconds since the epoch')
}

function checkTimes(payload: JsonObject, now: number): void {
  const { nbf, exp } = payload
  if (!isNumericDate(nbf)) {
    throw new ShcError('SHC_NBF_INVALID', 'nbf must be a NumericDate', { field: 'nbf' })
  }
  // A millisecond nbf lands in the far future and is rejected here (not yet valid).
  if (nbf > now + CLOCK_SKEW_SECONDS) {
    throw new ShcError('SHC_NBF_FUTURE', 'card not valid yet (nbf in the future)', {
      field: 'nbf',
    })
  }
  if (exp === undefined) return
  if (!isNumericDate(exp) || exp > MAX_NUMERIC_DATE || exp <= nbf) {
    throw new ShcError('SHC_EXP_INVALID', 'exp must be a NumericDate in seconds after nbf', {
      field: 'exp',
    })
  }
  if (now > exp) throw new ShcError('SHC_EXPIRED', 'card expired', { field: 'exp' })
}

function checkTypes(type: unknown, warnings: ShcWarning[]): void {
  if (
    !Array.isArray(type) ||
    type.length > MAX_TYPES ||
    !type.every((t) => typeof t === 'string') ||
    !type.includes(HEALTH_CARD_TYPE)
  ) {
    throw new ShcError('SHC_VC_TYPE', `vc.type must include ${HEALTH_CARD_TYPE}`, {
      field: 'vc.type',
    })
  }
  if (type.includes('VerifiableCredential')) {
    warnings.push({
      code: 'SHC_VC_TYPE_EXTRA',
      message: 'vc.type should not list VerifiableCredential',
      field: 'vc.type',
    })
  }
}

/** Checks the claims at time `now`; returns the typed payload and warnings. */
export function checkShcClaims(
  payload: JsonObject,
  now: number,
): { payload: ShcPayload; warnings: ShcWarning[] } {
  checkNow(now)
  const warnings: ShcWarning[] = []
  checkTimes(payload, now)
  const { vc } = payload
  if (!isJsonObject(vc)) throw new ShcError('SHC_VC_FORMAT', 'vc missing', { field: 'vc' })
  checkTypes(vc.type, warnings)
  const subject = vc.credentialSubject
  if (!isJsonObject(subject)) {
    throw new ShcError('SHC_VC_FORMAT', 'vc.credentialSubject missing', {
      field: 'vc.credentialSubject',
    })
  }
  if (subject.fhirVersion !== FHIR_VERSION) {
    throw new ShcError('SHC_FHIR_VERSION', `fhirVersion must be ${FHIR_VERSION}`, {
      field: 'vc.credentialSubject.fhirVersion',
    })
  }
  checkFhirBundle(subject.fhirBundle)
  if (vc.rid !== undefined && (typeof vc.rid !== 'string' || !RID_PATTERN.test(vc.rid))) {
    throw new ShcError('SHC_VC_FORMAT', 'vc.rid must be base64url, at most 24 characters', {
      field: 'vc.rid',
    })
  }
  return { payload: payload as ShcPayload, warnings }
}
