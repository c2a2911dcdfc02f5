/**
 * @module core/shl/bundle
 * The one FHIR R4 bundle a link can carry beside (or instead of) the signed cards: the holder's
 * vaccination history and test results from each card's bundle, merged into a `document` Bundle
 * shaped as an International Patient Summary (HL7 IPS IG 1.1, Composition "Patient summary
 * Document", LOINC 60591-5): the Immunizations section (11369-6) and the Results section
 * (30954-2) hold the records; the three sections IPS requires (medications 10160-0, allergies
 * 48765-2, problems 11450-4) are present with `emptyReason` "unavailable", since Vigil holds no
 * such data. It is not signed: a receiver trusts it as far as it trusts the server (the cards
 * in the same link are the signed copies). Ids come from the caller (the core has no randomness).
 */
import { isJsonObject } from '../codec/index.ts'

const LOINC = 'http://loinc.org'
const EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason'

type Json = Record<string, unknown>

export interface PatientSummaryInput {
  /** Each credential's FHIR bundle (as in its card: one Patient, `resource:N` references). */
  readonly bundles: readonly unknown[]
  /** Who assembled the summary (the deployment's issuer name): the Composition's author. */
  readonly author: string
  /** ISO 8601 date-time of assembly. */
  readonly timestamp: string
  /** A fresh UUID per call (lower case): fullUrls are `urn:uuid:` (FHIR R4 Bundle rules). */
  readonly newId: () => string
}

/** Same dose or same result twice (a card and its corrected re-issue): kept once. */
function recordKey(r: Json): string {
  const first = (concept: unknown) => {
    const c = isJsonObject(concept) && Array.isArray(concept.coding) ? concept.coding[0] : undefined
    return isJsonObject(c) ? `${String(c.system)}|${String(c.code)}` : ''
  }
  if (r.resourceType === 'Immunization') {
    return ['I', first(r.vaccineCode), r.occurrenceDateTime, r.lotNumber ?? ''].join('\u0000')
  }
  return [
    'O',
    first(r.code),
    r.effectiveDateTime,
    first(r.valueCodeableConcept) || JSON.stringify(r.valueQuantity ?? r.valueString ?? ''),
  ].join('\u0000')
}

function section(title: string, code: string, refs: readonly string[]): Json {
  const base = { title, code: { coding: [{ system: LOINC, code }] } }
  if (refs.length > 0) return { ...base, entry: refs.map((reference) => ({ reference })) }
  return {
    ...base,
    text: {
      status: 'generated',
      div: '<div xmlns="http://www.w3.org/1999/xhtml">No information available</div>',
    },
    emptyReason: { coding: [{ system: EMPTY_REASON, code: 'unavailable' }] },
  }
}

/**
 * Merges the bundles into one IPS-shaped document. The Patient is the first bundle's (the
 * caller passes one person's credentials); Immunizations and Observations keep their content,
 * with the patient reference rewritten and duplicates dropped.
 */
export function buildPatientSummary(input: PatientSummaryInput): Json {
  let patient: Json | undefined
  const records: Json[] = []
  const seen = new Set<string>()
  for (const bundle of input.bundles) {
    if (!isJsonObject(bundle) || !Array.isArray(bundle.entry)) continue
    for (const e of bundle.entry) {
      const r = isJsonObject(e) && isJsonObject(e.resource) ? e.resource : undefined
      if (r === undefined) continue
      if (r.resourceType === 'Patient') {
        patient ??= r
      } else if (r.resourceType === 'Immunization' || r.resourceType === 'Observation') {
        const key = recordKey(r)
        if (!seen.has(key)) {
          seen.add(key)
          records.push(r)
        }
      }
    }
  }
  if (patient === undefined) throw new Error('no Patient in the bundles')
  const patientId = input.newId()
  const authorId = input.newId()
  const compositionId = input.newId()
  const ref = (id: string) => `urn:uuid:${id}`
  const byDate = (r: Json) => String(r.occurrenceDateTime ?? r.effectiveDateTime ?? '')
  const ordered = records.slice().sort((a, b) => byDate(a).localeCompare(byDate(b)))
  const entries = ordered.map((r) => {
    const id = input.newId()
    const subject = r.resourceType === 'Immunization' ? 'patient' : 'subject'
    return { id, resource: { ...r, id, [subject]: { reference: ref(patientId) } } as Json }
  })
  const refsOf = (type: string) =>
    entries.filter((e) => e.resource.resourceType === type).map((e) => ref(e.id))
  const composition: Json = {
    resourceType: 'Composition',
    id: compositionId,
    status: 'final',
    type: { coding: [{ system: LOINC, code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: ref(patientId) },
    date: input.timestamp,
    author: [{ reference: ref(authorId) }],
    title: 'Patient summary: immunizations and test results',
    section: [
      section('Medication Summary', '10160-0', []),
      section('Allergies and Intolerances', '48765-2', []),
      section('Problem List', '11450-4', []),
      section('Immunizations', '11369-6', refsOf('Immunization')),
      section('Results', '30954-2', refsOf('Observation')),
    ],
  }
  return {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: ref(input.newId()) },
    type: 'document',
    timestamp: input.timestamp,
    entry: [
      { fullUrl: ref(compositionId), resource: composition },
      { fullUrl: ref(patientId), resource: { ...patient, id: patientId } },
      {
        fullUrl: ref(authorId),
        resource: { resourceType: 'Organization', id: authorId, name: input.author },
      },
      ...entries.map((e) => ({ fullUrl: ref(e.id), resource: e.resource })),
    ],
  }
}
