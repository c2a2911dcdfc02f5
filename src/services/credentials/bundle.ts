/** From an issuing request to the FHIR bundle (core/fhir) and its de-identified fact rows. */
import {
  buildImmunizationBundle,
  buildTestBundle,
  deidentify,
  type FhirBundle,
  vaccineByCode,
} from '../../core/fhir/index.ts'
import { type FactRow, seriesCompletes, testTypeOf } from '../surveillance/index.ts'
import { type CredentialInput, toBuilderInput } from './input.ts'

export function buildBundle(input: CredentialInput, now: Date): FhirBundle {
  const b = toBuilderInput(input, now)
  return b.kind === 'test' ? buildTestBundle(b.bundle) : buildImmunizationBundle(b.bundle)
}

/**
 * Rows for the `facts` table: no name, no birth date, no link back to the credential. A dose is
 * marked as completing its series when its number equals the product's series length in the
 * curated list (core/fhir/cvx.ts), at most once per vaccine family and credential, so "people
 * with a complete series" counts each person once.
 */
export function deidentifyInput(input: CredentialInput, now: Date): FactRow[] {
  const b = toBuilderInput(input, now)
  const completed = new Set<string>()
  return deidentify(b.bundle).map((f) => {
    const dose = f.dose ?? null
    let seriesComplete = false
    if (f.kind === 'dose' && seriesCompletes(f.product, dose)) {
      const family = vaccineByCode(f.product)?.family ?? f.product
      seriesComplete = !completed.has(family)
      completed.add(family)
    }
    return {
      day: f.day,
      region: b.region,
      kind: f.kind,
      product: f.product,
      dose,
      ageBand: f.ageBand,
      result: f.result ?? null,
      testType: f.kind === 'test' ? testTypeOf(f.product) : null,
      reportType: null,
      seriesComplete,
    }
  })
}
