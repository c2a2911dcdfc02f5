/**
 * @module core/fhir/errors
 * Errors of building and reading SMART Health Cards FHIR content. One closed code per distinct
 * failure; `field` always names the input element at fault in the HTTP body's own terms
 * (`patient.givenNames.0`, `immunizations.1.code`, `test.result`), so the edge can report it as is.
 */
import { CoreError } from '../errors.ts'

export type FhirErrorCode =
  /** A required value is missing: undefined, null, or an empty list. */
  | 'FHIR_REQUIRED'
  /** A value of the wrong JSON type (a number where a string belongs, a non-list, …). */
  | 'FHIR_TYPE'
  /** A CVX, LOINC or SNOMED CT code that is not in Vigil's curated code list. */
  | 'FHIR_CODE_UNKNOWN'
  /** Not a real calendar date in the allowed form (YYYY[-MM[-DD]] for birth, YYYY-MM-DD else). */
  | 'FHIR_DATE_INVALID'
  /** A date after the current calendar day anywhere on Earth. */
  | 'FHIR_DATE_FUTURE'
  /** A vaccination or test date before the patient's birth date. */
  | 'FHIR_DATE_BEFORE_BIRTH'
  /** A name part that is blank after trimming, too long, or holds control characters. */
  | 'FHIR_NAME_INVALID'
  /** A lot number that is not a short run of letters, digits, '.', '/' or '-' (no "Lot #"). */
  | 'FHIR_LOT_INVALID'
  /** A performer (organisation) name that is blank, too long for the IG or holds controls. */
  | 'FHIR_PERFORMER_INVALID'
  /** More list items than a card may hold (immunizations, given names). */
  | 'FHIR_TOO_MANY'
  /** A bundle handed to summarise() lacks what a verifier must show (Patient, codes, dates). */
  | 'FHIR_BUNDLE_INVALID'

export class FhirError extends CoreError<FhirErrorCode> {}
