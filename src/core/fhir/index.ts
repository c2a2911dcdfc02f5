/**
 * @module core/fhir
 * FHIR R4 content of Vigil's SMART Health Cards, profiled per the HL7 SMART Health Cards
 * Vaccination & Testing IG 1.0.0 (hl7.fhir.uv.shc-vaccination): a curated code list (CVX, LOINC,
 * SNOMED CT), builders of already-minimal bundles, de-identified facts for surveillance, and the
 * summary a verifier displays. Pure: time is a parameter; core/shc signs what these builders
 * return.
 */
export * from './build.ts'
export * from './codes.ts'
export * from './deidentify.ts'
export { FhirError, type FhirErrorCode } from './errors.ts'
export {
  MAX_GIVEN_NAMES,
  MAX_IMMUNIZATIONS,
  MAX_LOT_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PERFORMER_LENGTH,
  MIN_YEAR,
} from './guards.ts'
export * from './summarise.ts'
export type * from './types.ts'
