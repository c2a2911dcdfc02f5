/**
 * @module core/fhir/deidentify
 * De-identified facts for surveillance (the `facts` table; docs/PRIVACY.md): per
 * dose or test only the day, the product code, the dose number, an age band and the result. No
 * name, no birth date, no identifier, no issuer or lot: nothing that links a fact back to a
 * person or a credential. The region is added by the caller from the request.
 */
import { buildImmunizationBundle, buildTestBundle } from './build.ts'
import { vaccineByCode } from './codes.ts'
import type {
  FhirImmunization,
  FhirObservation,
  FhirPatient,
  ImmunizationBundleInput,
  TestBundleInput,
} from './types.ts'

export const AGE_BANDS = [
  '0-4',
  '5-11',
  '12-17',
  '18-29',
  '30-39',
  '40-49',
  '50-59',
  '60-69',
  '70-79',
  '80+',
] as const

export type AgeBand = (typeof AGE_BANDS)[number]

/** Lower bounds of AGE_BANDS[1..]: an age at or above LOWER[i] is in band i + 1 or later. */
const LOWER = [5, 12, 18, 30, 40, 50, 60, 70, 80]

export interface DeidentifiedFact {
  /** YYYY-MM-DD of the dose or test. */
  readonly day: string
  readonly kind: 'dose' | 'test'
  /** CVX code of a dose, LOINC code of a test. */
  readonly product: string
  /** 1-based, in date order, among this credential's doses of the same vaccine family. */
  readonly dose?: number
  readonly ageBand: AgeBand
  /** SNOMED CT result code of a test. */
  readonly result?: string
}

/**
 * A partial birth date stands for its middle: YYYY as YYYY-07-01, YYYY-MM as YYYY-MM-15. So a
 * year-only birth date is off by at most half a year, and never by a whole band at once.
 */
function birthReference(birthDate: string): string {
  if (birthDate.length === 4) return `${birthDate}-07-01`
  if (birthDate.length === 7) return `${birthDate}-15`
  return birthDate
}

/** Completed years from birth to `day` (both YYYY[-MM[-DD]] / YYYY-MM-DD), never negative. */
export function ageAt(birthDate: string, day: string): number {
  const birth = birthReference(birthDate)
  const years = Number(day.slice(0, 4)) - Number(birth.slice(0, 4))
  const age = day.slice(5) < birth.slice(5) ? years - 1 : years
  return Math.max(0, age)
}

export function ageBand(birthDate: string, day: string): AgeBand {
  const age = ageAt(birthDate, day)
  const index = LOWER.filter((lower) => age >= lower).length
  return AGE_BANDS[index] as AgeBand
}

function doseFacts(birthDate: string, doses: readonly FhirImmunization[]): DeidentifiedFact[] {
  const family = (d: FhirImmunization) => {
    const code = d.vaccineCode.coding[0]?.code ?? ''
    return vaccineByCode(code)?.family ?? code
  }
  // Dose numbers follow the dates, whatever order the request listed the doses in (stable sort:
  // two doses on one day keep their order).
  const chronological = [...doses].sort((a, b) =>
    a.occurrenceDateTime.localeCompare(b.occurrenceDateTime),
  )
  return doses.map((d) => ({
    day: d.occurrenceDateTime,
    kind: 'dose',
    product: d.vaccineCode.coding[0]?.code ?? '',
    dose: chronological.filter((c) => family(c) === family(d)).indexOf(d) + 1,
    ageBand: ageBand(birthDate, d.occurrenceDateTime),
  }))
}

function testFact(birthDate: string, test: FhirObservation): DeidentifiedFact {
  return {
    day: test.effectiveDateTime,
    kind: 'test',
    product: test.code.coding[0]?.code ?? '',
    ageBand: ageBand(birthDate, test.effectiveDateTime),
    result: test.valueCodeableConcept.coding[0]?.code ?? '',
  }
}

/**
 * The facts of one issuing request. The input is checked exactly as the builders check it
 * (same FhirError codes and fields), so no fact is recorded for a credential that cannot be built.
 */
export function deidentify(input: ImmunizationBundleInput | TestBundleInput): DeidentifiedFact[] {
  const isImmunization = typeof input === 'object' && input !== null && 'immunizations' in input
  const bundle = isImmunization
    ? buildImmunizationBundle(input as ImmunizationBundleInput)
    : buildTestBundle(input as TestBundleInput)
  const [first, ...rest] = bundle.entry.map((e) => e.resource)
  const { birthDate } = first as FhirPatient
  return isImmunization
    ? doseFacts(birthDate, rest as FhirImmunization[])
    : [testFact(birthDate, rest[0] as FhirObservation)]
}
