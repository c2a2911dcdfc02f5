/**
 * The curated code list: the codes the IG's own examples use are listed, codes are unique per
 * system, lookups are by exact code, and series sizes are set only where one number holds.
 */
import { describe, expect, it } from 'vitest'
import {
  CVX_SYSTEM,
  displayOf,
  LOINC_SYSTEM,
  RESULT_CODES,
  resultByCode,
  SNOMED_SYSTEM,
  TEST_CODES,
  testByCode,
  VACCINE_CODES,
  vaccineByCode,
} from '../../../src/core/fhir/index.ts'

describe('code list', () => {
  it('lists every code the IG examples and the spec examples use', () => {
    for (const cvx of ['206', '207', '208', '213', '229']) expect(vaccineByCode(cvx)).toBeDefined()
    expect(testByCode('94558-4')?.method).toBe('antigen')
    expect(resultByCode('260373001')).toMatchObject({ display: 'Detected', outcome: 'positive' })
    expect(resultByCode('260385009')).toMatchObject({ display: 'Negative', outcome: 'negative' })
  })

  it('has unique codes, the right system URLs and non-empty displays', () => {
    for (const [list, system] of [
      [VACCINE_CODES, CVX_SYSTEM],
      [TEST_CODES, LOINC_SYSTEM],
      [RESULT_CODES, SNOMED_SYSTEM],
    ] as const) {
      expect(new Set(list.map((e) => e.code)).size).toBe(list.length)
      for (const e of list) {
        expect(e.system).toBe(system)
        expect(e.display.trim()).not.toBe('')
      }
    }
    expect(CVX_SYSTEM).toBe('http://hl7.org/fhir/sid/cvx')
    expect(LOINC_SYSTEM).toBe('http://loinc.org')
    expect(SNOMED_SYSTEM).toBe('http://snomed.info/sct')
  })

  it('keeps CVX leading zeros and LOINC check digits exact', () => {
    expect(vaccineByCode('03')?.display).toBe('MMR')
    expect(vaccineByCode('3')).toBeUndefined()
    expect(vaccineByCode('08')?.family).toBe('hepatitis-b')
    expect(testByCode('94558')).toBeUndefined()
    expect(vaccineByCode('toString')).toBeUndefined()
  })

  it('sets primary-series sizes only where well known', () => {
    expect(vaccineByCode('212')?.seriesDoses).toBe(1)
    expect(vaccineByCode('208')?.seriesDoses).toBe(2)
    expect(vaccineByCode('219')?.seriesDoses).toBe(3)
    for (const open of ['213', '221', '229', '300', '309', '150', '165']) {
      expect(vaccineByCode(open)?.seriesDoses).toBeUndefined()
    }
  })

  it('names codings by system and code', () => {
    expect(displayOf(CVX_SYSTEM, '212')).toBe('COVID-19 vaccine, vector-nr, rS-Ad26, PF, 0.5 mL')
    expect(displayOf(SNOMED_SYSTEM, '260415000')).toBe('Not detected')
    expect(displayOf(LOINC_SYSTEM, '212')).toBeUndefined()
    expect(displayOf('http://example.org', '212')).toBeUndefined()
  })
})
