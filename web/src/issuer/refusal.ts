/**
 * An API refusal of one field in the page's language. The service's `detail` is English; its
 * `code` is stable (src/core/fhir/errors.ts), so the page words the known codes itself and keeps
 * the English detail only for a code it does not know (with the code, one tap away in the
 * status line).
 */
import { type MessageKey, t } from '../i18n/index.ts'

const BY_CODE: Readonly<Record<string, MessageKey>> = {
  FHIR_REQUIRED: 'issuer.err.required',
  FHIR_TYPE: 'issuer.err.type',
  FHIR_CODE_UNKNOWN: 'issuer.err.codeUnknown',
  FHIR_DATE_INVALID: 'issuer.err.birthDate',
  FHIR_DATE_FUTURE: 'issuer.err.future',
  FHIR_DATE_BEFORE_BIRTH: 'issuer.err.beforeBirth',
  FHIR_NAME_INVALID: 'issuer.err.name',
  FHIR_PERFORMER_INVALID: 'issuer.err.performer',
  FHIR_LOT_INVALID: 'issuer.err.lot',
  FHIR_TOO_MANY: 'issuer.err.tooMany',
  MALFORMED_JSON: 'issuer.err.malformedLine',
}

/** The schema's own wording for an absent value ("too small", "received undefined"). */
const ABSENT = /^too small|received undefined|^required/i

/**
 * Words for a refusal: `value` is what the person typed in that field (dates are named back to
 * them, "2099-03-14 is in the future"); `field` the API's path (`patient.region`…).
 */
export function refusalWords(
  code: string,
  detail: string,
  field: string | undefined,
  value = '',
): string {
  const key = BY_CODE[code]
  if (key !== undefined) return t(key, { value })
  if (field !== undefined && /(^|\.)region$/.test(field)) return t('issuer.err.region')
  // The schema's date forms ("must be YYYY, YYYY-MM or YYYY-MM-DD"), as FHIR_DATE_INVALID.
  if (/\bYYYY\b/.test(detail)) return t('issuer.err.birthDate')
  if (ABSENT.test(detail.replace(/^[\w.]+: /, ''))) return t('issuer.err.required')
  return detail.replace(/^[\w.]+: /, '')
}
