/**
 * @module core/fhir/types
 * Builder inputs (what an issuing request carries, field for field) and the FHIR R4 resources
 * Vigil emits, already in the data-minimised (DM) shape of the SMART Health Cards Vaccination &
 * Testing IG: no id, meta, text or display; `resource:N` fullUrls and references (SHC 1.4
 * §Health Cards are Compact).
 */

export interface PatientInput {
  /** Given names in order, as on the holder's photo ID (IG: one official name). */
  readonly givenNames: readonly string[]
  readonly familyName: string
  /** YYYY, YYYY-MM or YYYY-MM-DD (FHIR `date` allows partial dates). */
  readonly birthDate: string
}

export interface ImmunizationInput {
  /** CVX code. */
  readonly code: string
  /** YYYY-MM-DD, the day of administration. */
  readonly date: string
  readonly lotNumber?: string
  /** The administering organisation's name (IG: `performer.actor.display`, under 30 chars). */
  readonly performer?: string
}

export interface TestInput {
  /** LOINC code of the test. */
  readonly code: string
  /** YYYY-MM-DD, the day the specimen was taken (Observation.effectiveDateTime). */
  readonly date: string
  /** SNOMED CT code of the qualitative result. */
  readonly result: string
  readonly performer?: string
}

/** `now` is the issuing time, NumericDate seconds (as `nbf` in core/shc). */
export interface ImmunizationBundleInput {
  readonly patient: PatientInput
  readonly immunizations: readonly ImmunizationInput[]
  readonly now: number
}

export interface TestBundleInput {
  readonly patient: PatientInput
  readonly test: TestInput
  readonly now: number
}

export interface Coding {
  readonly system: string
  readonly code: string
}

export interface CodeableConcept {
  readonly coding: readonly Coding[]
}

export interface PatientReference {
  readonly reference: 'resource:0'
}

export interface FhirPatient {
  readonly resourceType: 'Patient'
  readonly name: readonly [{ readonly family: string; readonly given: readonly string[] }]
  readonly birthDate: string
}

export interface FhirImmunization {
  readonly resourceType: 'Immunization'
  readonly status: 'completed'
  readonly vaccineCode: CodeableConcept
  readonly patient: PatientReference
  readonly occurrenceDateTime: string
  readonly performer?: readonly [{ readonly actor: { readonly display: string } }]
  readonly lotNumber?: string
}

export interface FhirObservation {
  readonly resourceType: 'Observation'
  readonly status: 'final'
  readonly code: CodeableConcept
  readonly subject: PatientReference
  readonly effectiveDateTime: string
  readonly valueCodeableConcept: CodeableConcept
  readonly performer?: readonly [{ readonly display: string }]
}

export type FhirResource = FhirPatient | FhirImmunization | FhirObservation

export interface FhirBundleEntry<R extends FhirResource = FhirResource> {
  readonly fullUrl: `resource:${number}`
  readonly resource: R
}

export interface FhirBundle<R extends FhirResource = FhirResource> {
  readonly resourceType: 'Bundle'
  readonly type: 'collection'
  readonly entry: readonly FhirBundleEntry<R>[]
}
