/** From an issuing request to the FHIR bundle (core/fhir) and its de-identified fact rows. */
import {
  buildImmunizationBundle,
  buildTestBundle,
  deidentify,
  type FhirBundle,
} from '../core/fhir/index.ts'
import { type CredentialInput, toBuilderInput } from './input.ts'

export function buildBundle(input: CredentialInput, now: Date): FhirBundle {
  const b = toBuilderInput(input, now)
  return b.kind === 'test' ? buildTestBundle(b.bundle) : buildImmunizationBundle(b.bundle)
}

/** Rows for the `facts` table: no name, no birth date, no link back to the credential. */
export function deidentifyInput(input: CredentialInput, now: Date) {
  const b = toBuilderInput(input, now)
  return deidentify(b.bundle).map((f) => ({
    day: f.day,
    region: b.region,
    kind: f.kind,
    product: f.product,
    dose: f.dose ?? null,
    ageBand: f.ageBand,
    result: f.result ?? null,
  }))
}
