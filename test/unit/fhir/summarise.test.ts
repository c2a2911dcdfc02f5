/**
 * The verifier's summary: names from the code list for our own cards and for the spec and IG
 * examples, `system|code` for codes Vigil does not list, lenient reading of other issuers'
 * variants (times, string and quantity results), and refusal of bundles without a holder.
 */
import { describe, expect, it } from 'vitest'
import {
  buildImmunizationBundle,
  buildTestBundle,
  type FhirErrorCode,
  summarise,
} from '../../../src/core/fhir/index.ts'
import { issueShc, verifyShc } from '../../../src/core/shc/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { createFreshIssuer, SPEC_ISS } from '../shc/fixtures.ts'
import { antigenTest, expectFhirCode, NOW, threeDoses } from './fixtures.ts'

const PATIENT = {
  resourceType: 'Patient',
  name: [{ family: 'Anyperson', given: ['John', 'B.'] }],
  birthDate: '1951-01-20',
}
const withPatient = (...resources: unknown[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: [PATIENT, ...resources].map((resource, i) => ({ fullUrl: `resource:${i}`, resource })),
})
const profileTest = (name: string) =>
  readVectorJson(`shc/vaccination-ig/profile-tests/${name}.test.json`)

describe('summarise', () => {
  it('names a verified Vigil card from the code list', async () => {
    const issuer = await createFreshIssuer()
    const bundle = buildImmunizationBundle(threeDoses())
    const jws = await issueShc({ bundle, iss: SPEC_ISS, nbf: NOW, keyPair: issuer.keyPair })
    const summary = summarise((await verifyShc({ jws }, issuer.trust, NOW)).bundle)
    expect(summary.name).toBe('Maria-Alexandra Konstantina Wilhelmina van der Heijden-Papadopoulou')
    expect(summary.birthDate).toBe('1961-01-20')
    expect(summary.entries[0]).toEqual({
      kind: 'immunization',
      code: '208',
      display: 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose',
      date: '2021-01-01',
      lot: 'EW0182',
      family: 'covid-19',
      doseNumber: 1,
      seriesDoses: 2,
    })
    expect(summary.entries.map((e) => e.code)).toEqual(['208', '208', '300'])
    // "dose n of m": the booster (300) is dose 3 and states no primary series of its own.
    const doses = summary.entries.map((e) => (e.kind === 'immunization' ? e : undefined))
    expect(doses.map((d) => [d?.doseNumber, d?.seriesDoses])).toEqual([
      [1, 2],
      [2, 2],
      [3, undefined],
    ])
  })

  it('names a test and its result', () => {
    expect(summarise(buildTestBundle(antigenTest())).entries).toEqual([
      {
        kind: 'test',
        code: '94558-4',
        display: 'SARS-CoV-2 Ag Resp Ql IA.rapid',
        result: '260415000',
        resultDisplay: 'Not detected',
        date: '2024-05-30',
        collected: '2024-05-30',
        target: 'sars-cov-2',
        method: 'antigen',
        outcome: 'negative',
      },
    ])
  })

  it('reads the spec example-00 and IG lab bundles', () => {
    const spec = summarise(readVectorJson('shc/spec-examples/example-00-a-fhirBundle.json'))
    expect(spec.name).toBe('John B. Anyperson')
    expect(spec.entries.map((e) => [e.code, e.date])).toEqual([
      ['207', '2021-01-01'],
      ['207', '2021-01-29'],
      ['229', '2022-09-05'],
    ])
    const lab = summarise(
      readVectorJson('shc/vaccination-ig/bundles/bundle-lab-test-results-covid.json'),
    )
    expect(lab.entries[0]).toMatchObject({ code: '94558-4', resultDisplay: 'Detected' })
  })

  it('shows unlisted codes as system|code', () => {
    const snomed = summarise(
      readVectorJson('shc/vaccination-ig/by-code-system/snomed_immunization.json'),
    )
    expect(snomed.entries[0]).toMatchObject({
      code: '1119305005',
      display: 'http://snomed.info/sct|1119305005',
    })
    const flu = summarise(withPatient(profileTest('observation-non-covid-loinc')))
    expect(flu.entries[0]).toMatchObject({
      display: 'http://loinc.org|10348-1',
      result: 'LA11882-0',
      resultDisplay: 'http://loinc.org|LA11882-0',
    })
  })

  it('prefers a listed system among several codings, takes the day of a dateTime', () => {
    const immunization = {
      resourceType: 'Immunization',
      vaccineCode: {
        coding: [
          { system: 'http://snomed.info/sct', code: '1119305005' },
          { system: 'http://hl7.org/fhir/sid/cvx', code: '207' },
        ],
      },
      occurrenceDateTime: '2021-01-01T00:00:00+02:00',
    }
    expect(summarise(withPatient(immunization)).entries[0]).toMatchObject({
      code: '207',
      date: '2021-01-01',
    })
    expect(summarise(withPatient(profileTest('date-invariant-with-time'))).entries[0]?.date).toBe(
      '2021-01-01',
    )
  })

  it('shows string and quantity results as they are', () => {
    const text = summarise(withPatient(profileTest('observation-string-dm'))).entries[0]
    expect(text).toMatchObject({ result: 'Positive', resultDisplay: 'Positive' })
    const quantity = summarise(withPatient(profileTest('observation-quantity-dm'))).entries[0]
    expect(quantity).toMatchObject({ result: '122 umol/L', display: 'http://loinc.org|94311-8' })
  })

  it('lists no entries for a patient-summary card (spec example-02) but names its holder', () => {
    const ips = summarise(readVectorJson('shc/spec-examples/example-02-a-fhirBundle.json'))
    expect(ips).toEqual({ name: 'Martha DeLarosa', birthDate: '1972-05-01', entries: [] })
  })

  const refusals: [string, unknown, FhirErrorCode, string][] = [
    ['not a bundle', { resourceType: 'Patient' }, 'FHIR_BUNDLE_INVALID', 'fhirBundle'],
    [
      'no Patient',
      { resourceType: 'Bundle', entry: [] },
      'FHIR_BUNDLE_INVALID',
      'fhirBundle.entry',
    ],
    ['two Patients', withPatient(PATIENT), 'FHIR_BUNDLE_INVALID', 'fhirBundle.entry'],
    [
      'a nameless Patient',
      { resourceType: 'Bundle', entry: [{ resource: { ...PATIENT, name: [{}] } }] },
      'FHIR_BUNDLE_INVALID',
      'fhirBundle.entry.0.resource.name',
    ],
    [
      'no birth date',
      { resourceType: 'Bundle', entry: [{ resource: { ...PATIENT, birthDate: undefined } }] },
      'FHIR_BUNDLE_INVALID',
      'fhirBundle.entry.0.resource.birthDate',
    ],
    [
      'an Immunization without a code',
      withPatient({ resourceType: 'Immunization', occurrenceDateTime: '2021-01-01' }),
      'FHIR_BUNDLE_INVALID',
      'fhirBundle.entry.1.resource.vaccineCode',
    ],
    [
      'an Observation without a value',
      withPatient({ ...(profileTest('observation-string-dm') as object), valueString: undefined }),
      'FHIR_BUNDLE_INVALID',
      'fhirBundle.entry.1.resource.value',
    ],
  ]
  it.each(refusals)('refuses %s', (_name, bundle, code, field) =>
    expectFhirCode(() => summarise(bundle), code, field),
  )

  it('numbers doses by date within their family, whatever the bundle order', () => {
    const dose = (code: string, date: string) => ({
      resourceType: 'Immunization',
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code }] },
      occurrenceDateTime: date,
    })
    const summary = summarise(
      withPatient(
        dose('208', '2021-02-01'),
        dose('03', '1990-01-01'),
        dose('208', '2021-01-01'),
        dose('999', '2020-01-01'),
      ),
    )
    expect(
      summary.entries.map((e) =>
        e.kind === 'immunization' ? [e.code, e.family, e.doseNumber, e.seriesDoses] : [],
      ),
    ).toEqual([
      ['208', 'covid-19', 2, 2],
      ['03', 'mmr', 1, 2],
      ['208', 'covid-19', 1, 2],
      // A code Vigil does not list: its own family, no series length guessed.
      ['999', undefined, 1, undefined],
    ])
  })

  it("keeps a test's collection time as written, for its sample age", () => {
    const summary = summarise(
      withPatient({
        resourceType: 'Observation',
        code: { coding: [{ system: 'http://loinc.org', code: '94500-6' }] },
        effectiveDateTime: '2024-05-30T07:30:00-05:00',
        valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260373001' }] },
      }),
    )
    expect(summary.entries[0]).toMatchObject({
      date: '2024-05-30',
      collected: '2024-05-30T07:30:00-05:00',
      method: 'naat',
      outcome: 'positive',
    })
  })
})
