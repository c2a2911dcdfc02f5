/**
 * @module core/fhir/summarise
 * What a verifier shows for a verified card (it runs in the browser verifier too): the holder's
 * name and birth date, then each Immunization and lab Observation in bundle order, named from
 * the code list; a code Vigil does not list is shown as `system|code`, never guessed. Cards from
 * other issuers are read leniently where the IG is (a time on a date, several codings, string or
 * quantity results) but a card without a Patient, a name, a birth date, codes or dates is
 * refused: a verifier must not show half a credential.
 */
import { isJsonObject } from '../codec/index.ts'
import {
  CVX_SYSTEM,
  displayOf,
  LOINC_SYSTEM,
  type ResultCode,
  resultByCode,
  SNOMED_SYSTEM,
  type TestCode,
  testByCode,
  type VaccineFamily,
  vaccineByCode,
} from './codes.ts'
import { FhirError } from './errors.ts'

export interface ImmunizationSummary {
  readonly kind: 'immunization'
  readonly code: string
  readonly display: string
  readonly date: string
  readonly lot?: string
  /** The product's family from the code list; undefined for a code Vigil does not list. */
  readonly family?: VaccineFamily
  /** n in "dose n of m": this dose's place, by date, among the card's doses of its family. */
  readonly doseNumber: number
  /** m: doses in the product's complete primary series, where the code list states one. */
  readonly seriesDoses?: number
}

export interface TestSummary {
  readonly kind: 'test'
  readonly code: string
  readonly display: string
  /** The SNOMED CT (or other) result code, or the value itself for string/quantity results. */
  readonly result: string
  readonly resultDisplay: string
  readonly date: string
  /** The collection time as the card states it (a date, or a dateTime): sample age is from it. */
  readonly collected: string
  /** From the code list; undefined for codes Vigil does not list. */
  readonly target?: TestCode['target']
  readonly method?: TestCode['method']
  readonly outcome?: ResultCode['outcome']
}

export interface CredentialSummary {
  /** Given names and family name, space-separated (or the name's `text`). */
  readonly name: string
  readonly birthDate: string
  /** Immunizations and tests in bundle order. */
  readonly entries: readonly (ImmunizationSummary | TestSummary)[]
}

type Json = Record<string, unknown>

function bad(message: string, field: string): FhirError {
  return new FhirError('FHIR_BUNDLE_INVALID', `${field}: ${message}`, { field })
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad('missing or not text', field)
  return value
}

/** The coding in `preferred` system, else the first complete coding. */
function coding(concept: unknown, preferred: string, field: string) {
  const list = isJsonObject(concept) && Array.isArray(concept.coding) ? concept.coding : []
  const codings = list.filter(
    (c): c is { system: string; code: string } =>
      isJsonObject(c) && typeof c.system === 'string' && typeof c.code === 'string',
  )
  const chosen = codings.find((c) => c.system === preferred) ?? codings[0]
  if (chosen === undefined) throw bad('has no coding with a system and a code', field)
  const display = displayOf(chosen.system, chosen.code) ?? `${chosen.system}|${chosen.code}`
  return { code: chosen.code, display, system: chosen.system }
}

/** The date part of a FHIR date or dateTime (the IG warns on, but allows, a time). */
function day(value: unknown, field: string): string {
  return text(value, field).split('T')[0] as string
}

function nameOf(patient: Json, field: string): string {
  const names = Array.isArray(patient.name) ? patient.name.filter(isJsonObject) : []
  const name = names.find((n) => n.use === 'official') ?? names[0]
  const given = Array.isArray(name?.given) ? name.given.filter((g) => typeof g === 'string') : []
  const parts = [...given, name?.family].filter((p) => typeof p === 'string' && p.trim() !== '')
  if (parts.length > 0) return parts.join(' ')
  return text(name?.text, `${field}.name`)
}

type Dose = Omit<ImmunizationSummary, 'doseNumber'> & { readonly system: string }

function immunization(r: Json, field: string): Dose {
  const { code, display, system } = coding(r.vaccineCode, CVX_SYSTEM, `${field}.vaccineCode`)
  const date = day(r.occurrenceDateTime, `${field}.occurrenceDateTime`)
  const lot = typeof r.lotNumber === 'string' && r.lotNumber !== '' ? r.lotNumber : undefined
  const known = system === CVX_SYSTEM ? vaccineByCode(code) : undefined
  return {
    kind: 'immunization',
    system,
    code,
    display,
    date,
    ...(lot === undefined ? {} : { lot }),
    ...(known === undefined ? {} : { family: known.family }),
    ...(known?.seriesDoses === undefined ? {} : { seriesDoses: known.seriesDoses }),
  }
}

/**
 * Numbers doses within their family by date (bundle order breaks ties): the IG does not require
 * bundles to list Immunizations in date order. A code outside the list is its own family.
 */
function numberDoses(doses: readonly Dose[]): ImmunizationSummary[] {
  const familyOf = (d: Dose) => d.family ?? `${d.system}|${d.code}`
  const order = doses.map((d, i) => ({ d, i })).sort((a, b) => a.d.date.localeCompare(b.d.date))
  const counts = new Map<string, number>()
  const numbers = new Array<number>(doses.length)
  for (const { d, i } of order) {
    const n = (counts.get(familyOf(d)) ?? 0) + 1
    counts.set(familyOf(d), n)
    numbers[i] = n
  }
  return doses.map(({ system: _, ...d }, i) => ({ ...d, doseNumber: numbers[i] as number }))
}

function resultOf(
  r: Json,
  field: string,
): { result: string; resultDisplay: string; outcome?: ResultCode['outcome'] } {
  if (r.valueCodeableConcept !== undefined) {
    const c = coding(r.valueCodeableConcept, SNOMED_SYSTEM, `${field}.valueCodeableConcept`)
    const known = c.system === SNOMED_SYSTEM ? resultByCode(c.code) : undefined
    return {
      result: c.code,
      resultDisplay: c.display,
      ...(known === undefined ? {} : { outcome: known.outcome }),
    }
  }
  if (typeof r.valueString === 'string')
    return { result: r.valueString, resultDisplay: r.valueString }
  const q = r.valueQuantity
  if (isJsonObject(q) && typeof q.value === 'number') {
    const value = `${q.comparator ?? ''}${q.value} ${q.unit ?? q.code ?? ''}`.trim()
    return { result: value, resultDisplay: value }
  }
  throw bad('has no coded, string or quantity value', `${field}.value`)
}

function test(r: Json, field: string): TestSummary {
  const { code, display, system } = coding(r.code, LOINC_SYSTEM, `${field}.code`)
  const collected = text(r.effectiveDateTime, `${field}.effectiveDateTime`)
  const date = day(collected, `${field}.effectiveDateTime`)
  const known = system === LOINC_SYSTEM ? testByCode(code) : undefined
  return {
    kind: 'test',
    code,
    display,
    ...resultOf(r, field),
    date,
    collected,
    ...(known === undefined ? {} : { target: known.target, method: known.method }),
  }
}

/** The display summary of a verified bundle (e.g. VerifiedShc.bundle). */
export function summarise(bundle: unknown): CredentialSummary {
  if (!isJsonObject(bundle) || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) {
    throw bad('not a FHIR Bundle with entries', 'fhirBundle')
  }
  const resources = bundle.entry.map((e) =>
    isJsonObject(e) && isJsonObject(e.resource) ? e.resource : {},
  )
  const patients = resources.flatMap((r, i) => (r.resourceType === 'Patient' ? [i] : []))
  // One card, one holder: with two Patients the verifier could not say whose doses it shows.
  if (patients.length !== 1) throw bad('must hold exactly one Patient', 'fhirBundle.entry')
  const at = patients[0] as number
  const patient = resources[at] as Json
  const field = (i: number) => `fhirBundle.entry.${i}.resource`
  const read = resources.flatMap((r, i): (Dose | TestSummary)[] => {
    if (r.resourceType === 'Immunization') return [immunization(r, field(i))]
    if (r.resourceType === 'Observation') return [test(r, field(i))]
    return []
  })
  const doses = numberDoses(read.filter((e): e is Dose => e.kind === 'immunization'))
  let next = 0
  const entries = read.map((e) =>
    e.kind === 'immunization' ? (doses[next++] as ImmunizationSummary) : e,
  )
  return {
    name: nameOf(patient, field(at)),
    birthDate: text(patient.birthDate, `${field(at)}.birthDate`),
    entries,
  }
}
