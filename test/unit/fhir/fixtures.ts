/**
 * Test-only helpers for core/fhir: a pinned "now", typical inputs (a 3-dose record with long
 * names, a rapid antigen test), and FhirError code/field assertions.
 */
import { expect } from 'vitest'
import {
  FhirError,
  type FhirErrorCode,
  type ImmunizationBundleInput,
  type TestBundleInput,
} from '../../../src/core/fhir/index.ts'

/** 2024-06-01T10:00:00Z: already 2024-06-02 in UTC+14, still 2024-06-01 in UTC. */
export const NOW = Date.UTC(2024, 5, 1, 10) / 1000

export const LONG_PATIENT = {
  givenNames: ['Maria-Alexandra', 'Konstantina', 'Wilhelmina'],
  familyName: 'van der Heijden-Papadopoulou',
  birthDate: '1961-01-20',
}

export function threeDoses(): ImmunizationBundleInput {
  return {
    patient: LONG_PATIENT,
    immunizations: [
      {
        code: '208',
        date: '2021-01-01',
        lotNumber: 'EW0182',
        performer: 'GGD Amsterdam-Amstelland',
      },
      {
        code: '208',
        date: '2021-01-29',
        lotNumber: 'EW0191',
        performer: 'GGD Amsterdam-Amstelland',
      },
      {
        code: '300',
        date: '2022-10-03',
        lotNumber: 'GH1234',
        performer: 'GGD Amsterdam-Amstelland',
      },
    ],
    now: NOW,
  }
}

export function antigenTest(): TestBundleInput {
  return {
    patient: LONG_PATIENT,
    test: { code: '94558-4', date: '2024-05-30', result: '260415000', performer: 'Testlab Noord' },
    now: NOW,
  }
}

export function expectFhirCode(action: () => unknown, code: FhirErrorCode, field: string): void {
  let error: unknown
  try {
    action()
  } catch (e) {
    error = e
  }
  expect(error, `expected ${code} at ${field}`).toBeInstanceOf(FhirError)
  expect({ code: (error as FhirError).code, field: (error as FhirError).field }).toEqual({
    code,
    field,
  })
}
