/**
 * @module core/fhir/build
 * Builders for the SMART Health Cards Vaccination & Testing IG 1.0.0, emitting the DM ("data
 * minimisation") shape directly: Patient with one name (given + family, never `text`: invariant
 * vc-name-invariant) and a birth date; Immunization with `status` fixed `completed`, a CVX
 * `vaccineCode`, a date-only `occurrenceDateTime`, `performer.actor.display` only and a short lot;
 * Observation with `status` final, a LOINC code, a SNOMED CT qualitative value, `effectiveDateTime`
 * and `performer.display`. Bundles are `collection`s with the Patient at `resource:0` that every
 * other entry references (SHC 1.4 §Health Cards are Compact). No IAL `meta.security` label is
 * emitted: identity proofing is not recorded by the issuing request.
 */
import { resultByCode, testByCode, vaccineByCode } from './codes.ts'
import {
  checkDate,
  checkLot,
  checkName,
  checkNotBeforeBirth,
  checkNotFuture,
  checkPerformer,
  knownCode,
  latestToday,
  MAX_GIVEN_NAMES,
  MAX_IMMUNIZATIONS,
  optional,
  requireList,
  requireObject,
} from './guards.ts'
import type {
  FhirBundle,
  FhirImmunization,
  FhirObservation,
  FhirPatient,
  FhirResource,
  ImmunizationBundleInput,
  ImmunizationInput,
  PatientInput,
  TestBundleInput,
  TestInput,
} from './types.ts'

/** Issuing time (NumericDate seconds) and, for events, the patient's birth date. */
export interface BuildContext {
  readonly now: number
  readonly birthDate?: string
}

const PATIENT = { reference: 'resource:0' } as const

/** The event day: a real YYYY-MM-DD, not in the future, not before birth. */
function eventDate(value: unknown, context: BuildContext, field: string): string {
  const date = checkDate(value, field, false)
  checkNotFuture(date, latestToday(context.now), field)
  if (context.birthDate !== undefined) {
    checkNotBeforeBirth(date, checkDate(context.birthDate, 'patient.birthDate', true), field)
  }
  return date.text
}

export function buildPatient(
  input: PatientInput,
  context: BuildContext,
  field = 'patient',
): FhirPatient {
  const p = requireObject(input, field)
  const names = requireList(p.givenNames, `${field}.givenNames`, MAX_GIVEN_NAMES)
  const given = names.map((name, i) => checkName(name, `${field}.givenNames.${i}`))
  const family = checkName(p.familyName, `${field}.familyName`)
  const birth = checkDate(p.birthDate, `${field}.birthDate`, true)
  checkNotFuture(birth, latestToday(context.now), `${field}.birthDate`)
  return { resourceType: 'Patient', name: [{ family, given }], birthDate: birth.text }
}

export function buildImmunization(
  input: ImmunizationInput,
  context: BuildContext,
  field = 'immunization',
): FhirImmunization {
  const i = requireObject(input, field)
  const vaccine = knownCode(i.code, `${field}.code`, vaccineByCode)
  const date = eventDate(i.date, context, `${field}.date`)
  const performer = optional(i.performer, `${field}.performer`, checkPerformer)
  const lot = optional(i.lotNumber, `${field}.lotNumber`, checkLot)
  return {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: { coding: [{ system: vaccine.system, code: vaccine.code }] },
    patient: PATIENT,
    occurrenceDateTime: date,
    ...(performer === undefined ? {} : { performer: [{ actor: { display: performer } }] }),
    ...(lot === undefined ? {} : { lotNumber: lot }),
  }
}

export function buildObservation(
  input: TestInput,
  context: BuildContext,
  field = 'test',
): FhirObservation {
  const t = requireObject(input, field)
  const test = knownCode(t.code, `${field}.code`, testByCode)
  const date = eventDate(t.date, context, `${field}.date`)
  const result = knownCode(t.result, `${field}.result`, resultByCode)
  const performer = optional(t.performer, `${field}.performer`, checkPerformer)
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: test.system, code: test.code }] },
    subject: PATIENT,
    effectiveDateTime: date,
    valueCodeableConcept: { coding: [{ system: result.system, code: result.code }] },
    ...(performer === undefined ? {} : { performer: [{ display: performer }] }),
  }
}

function bundle<R extends FhirResource>(resources: readonly R[]): FhirBundle<R> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: resources.map((resource, i) => ({ fullUrl: `resource:${i}`, resource })),
  }
}

/** Patient and 1..20 Immunizations (IG profile shc-vaccination-bundle-dm). */
export function buildImmunizationBundle(input: ImmunizationBundleInput): FhirBundle {
  const body = requireObject(input, 'input')
  const context = { now: body.now as number }
  const patient = buildPatient(body.patient as PatientInput, context)
  const list = requireList(body.immunizations, 'immunizations', MAX_IMMUNIZATIONS)
  const events = { ...context, birthDate: patient.birthDate }
  const doses = list.map((item, i) =>
    buildImmunization(item as ImmunizationInput, events, `immunizations.${i}`),
  )
  return bundle<FhirResource>([patient, ...doses])
}

/** Patient and one lab Observation (IG profile shc-covid19-laboratory-bundle-dm for COVID). */
export function buildTestBundle(input: TestBundleInput): FhirBundle {
  const body = requireObject(input, 'input')
  const context = { now: body.now as number }
  const patient = buildPatient(body.patient as PatientInput, context)
  const events = { ...context, birthDate: patient.birthDate }
  const test = buildObservation(body.test as TestInput, events)
  return bundle<FhirResource>([patient, test])
}
