/**
 * Every rejection of the builders, one code each, with the exact field (the request path the
 * HTTP edge reports): dates, names, codes, lots, performers, list sizes and types.
 */
import { describe, expect, it } from 'vitest'
import {
  buildImmunizationBundle,
  buildTestBundle,
  type FhirErrorCode,
  MAX_IMMUNIZATIONS,
} from '../../../src/core/fhir/index.ts'
import { antigenTest, expectFhirCode, LONG_PATIENT, NOW, threeDoses } from './fixtures.ts'

const DELETE = Symbol('delete')
type Patch = Record<string, unknown>

/** A copy of `base` with each dotted path set (or removed, for DELETE). */
function patched(base: object, patch: Patch): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>
  for (const [path, value] of Object.entries(patch)) {
    const keys = path.split('.')
    const last = keys.pop() as string
    const parent = keys.reduce((node, k) => node[k] as Record<string, unknown>, copy)
    if (value === DELETE) delete parent[last]
    else parent[last] = value
  }
  return copy
}

const dose = (patch: Patch) => () => buildImmunizationBundle(patched(threeDoses(), patch) as never)
const test = (patch: Patch) => () => buildTestBundle(patched(antigenTest(), patch) as never)
const first = threeDoses().immunizations[0]

// Each case sets one input field and expects the error at that same field (the request path).
// NOW is 2024-06-01T10:00Z: 2024-06-02 is today in UTC+14, 2024-06-03 is today nowhere yet.
const DOSE_CASES: [string, unknown, FhirErrorCode][] = [
  ['immunizations.1.date', '2024-06-03', 'FHIR_DATE_FUTURE'],
  ['patient.birthDate', '2025', 'FHIR_DATE_FUTURE'],
  ['immunizations.0.date', '1961-01-19', 'FHIR_DATE_BEFORE_BIRTH'],
  ['patient.birthDate', '20-01-1961', 'FHIR_DATE_INVALID'],
  ['patient.birthDate', '1961-13', 'FHIR_DATE_INVALID'],
  ['patient.birthDate', '1961-00-10', 'FHIR_DATE_INVALID'],
  ['patient.birthDate', '1961-02-30', 'FHIR_DATE_INVALID'],
  ['patient.birthDate', '1961-01-20T00:00:00Z', 'FHIR_DATE_INVALID'],
  ['patient.birthDate', '1899', 'FHIR_DATE_INVALID'],
  ['immunizations.2.date', '2022-10', 'FHIR_DATE_INVALID'],
  ['immunizations.1.date', DELETE, 'FHIR_REQUIRED'],
  ['immunizations.2.code', '999', 'FHIR_CODE_UNKNOWN'],
  ['immunizations.0.code', '__proto__', 'FHIR_CODE_UNKNOWN'],
  ['immunizations.0.code', 208, 'FHIR_TYPE'],
  ['patient.familyName', '', 'FHIR_NAME_INVALID'],
  ['patient.familyName', 'Ann\u0000a', 'FHIR_NAME_INVALID'],
  ['patient.familyName', 'Smith\u202Ehtims', 'FHIR_NAME_INVALID'],
  ['patient.familyName', 'Sm\u0085ith', 'FHIR_NAME_INVALID'],
  ['patient.familyName', 'x'.repeat(101), 'FHIR_NAME_INVALID'],
  ['patient.givenNames.1', ' \u00a0 ', 'FHIR_NAME_INVALID'],
  ['patient.givenNames.0', 'Anna\n', 'FHIR_NAME_INVALID'],
  ['patient.givenNames', [], 'FHIR_REQUIRED'],
  ['patient.givenNames', Array(11).fill('Jo'), 'FHIR_TOO_MANY'],
  ['patient.givenNames', 'Anna', 'FHIR_TYPE'],
  // IG invariants vc-should-not-include-string-lot and vc-should-be-under-30-chars.
  ['immunizations.0.lotNumber', 'Lot #0000001', 'FHIR_LOT_INVALID'],
  ['immunizations.1.lotNumber', 'A'.repeat(21), 'FHIR_LOT_INVALID'],
  ['immunizations.1.lotNumber', '', 'FHIR_LOT_INVALID'],
  ['immunizations.2.performer', 'x'.repeat(30), 'FHIR_PERFORMER_INVALID'],
  ['immunizations', Array(21).fill(first), 'FHIR_TOO_MANY'],
  ['immunizations', [], 'FHIR_REQUIRED'],
  ['patient', DELETE, 'FHIR_REQUIRED'],
  ['now', NOW * 1000, 'FHIR_TYPE'],
]

const TEST_CASES: [string, unknown, FhirErrorCode][] = [
  ['test.date', '2024-06-03', 'FHIR_DATE_FUTURE'],
  ['test.date', '2023-02-29', 'FHIR_DATE_INVALID'],
  ['test.code', '94531-1', 'FHIR_CODE_UNKNOWN'],
  ['test.result', '840533007', 'FHIR_CODE_UNKNOWN'],
  ['test.performer', '   ', 'FHIR_PERFORMER_INVALID'],
  ['test', DELETE, 'FHIR_REQUIRED'],
]

/** A printable title: non-ASCII as \\uXXXX (a bidi override would garble the report). */
const show = (value: unknown) =>
  typeof value === 'symbol'
    ? '(absent)'
    : JSON.stringify(value)
        .slice(0, 32)
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const title = ([field, value, code]: [string, unknown, FhirErrorCode]) =>
  `${field} = ${show(value)}: ${code}`

describe('builder rejections', () => {
  for (const c of DOSE_CASES) {
    it(`immunization bundle, ${title(c)}`, () => expectFhirCode(dose({ [c[0]]: c[1] }), c[2], c[0]))
  }
  for (const c of TEST_CASES) {
    it(`test bundle, ${title(c)}`, () => expectFhirCode(test({ [c[0]]: c[1] }), c[2], c[0]))
  }

  it('a test dated before a year-only birth date: FHIR_DATE_BEFORE_BIRTH at test.date', () => {
    const build = test({ 'patient.birthDate': '2024', 'test.date': '2023-12-31' })
    expectFhirCode(build, 'FHIR_DATE_BEFORE_BIRTH', 'test.date')
  })

  it(`accepts ${MAX_IMMUNIZATIONS} doses, a 29-character performer, a 100-character name`, () => {
    const twenty = Array(MAX_IMMUNIZATIONS).fill({ ...first, performer: 'x'.repeat(29) })
    const build = dose({ immunizations: twenty, 'patient.familyName': 'x'.repeat(100) })
    expect(build().entry).toHaveLength(MAX_IMMUNIZATIONS + 1)
  })

  it('takes "today" as the latest calendar day on Earth, a birth month as its first day', () => {
    expect(() => test({ 'test.date': '2024-06-02' })()).not.toThrow()
    const patient = { ...LONG_PATIENT, birthDate: '2021-03' }
    const input = { patient, immunizations: [{ code: '219', date: '2021-03-01' }], now: NOW }
    expect(() => buildImmunizationBundle(input)).not.toThrow()
  })
})
