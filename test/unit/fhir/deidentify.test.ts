/**
 * De-identified facts: age bands at every boundary, partial birth dates taken as their middle,
 * dose numbers per vaccine family in date order, and nothing that identifies the holder.
 */
import { describe, expect, it } from 'vitest'
import { AGE_BANDS, ageAt, ageBand, deidentify } from '../../../src/core/fhir/index.ts'
import { antigenTest, expectFhirCode, LONG_PATIENT, NOW, threeDoses } from './fixtures.ts'

const BIRTH = '2000-06-15'

describe('age bands', () => {
  const boundaries: [number, string, string][] = [
    [5, '0-4', '5-11'],
    [12, '5-11', '12-17'],
    [18, '12-17', '18-29'],
    [30, '18-29', '30-39'],
    [40, '30-39', '40-49'],
    [50, '40-49', '50-59'],
    [60, '50-59', '60-69'],
    [70, '60-69', '70-79'],
    [80, '70-79', '80+'],
  ]
  it.each(boundaries)('turning %i: the day before is %s, the birthday is %s', (age, below, at) => {
    const year = 2000 + age
    expect(ageBand(BIRTH, `${year}-06-14`)).toBe(below)
    expect(ageBand(BIRTH, `${year}-06-15`)).toBe(at)
  })

  it('covers birth day and very old age; a leap-day birthday counts from 1 March', () => {
    expect(ageBand(BIRTH, BIRTH)).toBe('0-4')
    expect(ageBand('1900-01-01', '2024-01-01')).toBe('80+')
    expect(ageAt('2000-02-29', '2001-02-28')).toBe(0)
    expect(ageAt('2000-02-29', '2001-03-01')).toBe(1)
    expect(AGE_BANDS).toHaveLength(10)
  })

  it('takes a year-only birth date as 1 July and a year-month as the 15th', () => {
    expect(ageAt('1990', '2020-06-30')).toBe(29)
    expect(ageAt('1990', '2020-07-01')).toBe(30)
    expect(ageBand('1990', '2020-06-30')).toBe('18-29')
    expect(ageBand('1990', '2020-07-01')).toBe('30-39')
    expect(ageAt('1990-05', '2020-05-14')).toBe(29)
    expect(ageAt('1990-05', '2020-05-15')).toBe(30)
    expect(ageAt('2024', '2024-01-02')).toBe(0)
  })
})

describe('deidentify', () => {
  it('numbers doses per family in date order, whatever the request order', () => {
    const input = {
      patient: { ...LONG_PATIENT, birthDate: '1990' },
      immunizations: [
        { code: '208', date: '2021-01-29' },
        { code: '150', date: '2020-10-01' },
        { code: '208', date: '2021-01-01' },
        { code: '300', date: '2022-10-03' },
      ],
      now: NOW,
    }
    expect(deidentify(input)).toEqual([
      { day: '2021-01-29', kind: 'dose', product: '208', dose: 2, ageBand: '30-39' },
      { day: '2020-10-01', kind: 'dose', product: '150', dose: 1, ageBand: '30-39' },
      { day: '2021-01-01', kind: 'dose', product: '208', dose: 1, ageBand: '30-39' },
      { day: '2022-10-03', kind: 'dose', product: '300', dose: 3, ageBand: '30-39' },
    ])
  })

  it('gives one test fact with its result', () => {
    expect(deidentify(antigenTest())).toEqual([
      {
        day: '2024-05-30',
        kind: 'test',
        product: '94558-4',
        ageBand: '60-69',
        result: '260415000',
      },
    ])
  })

  it('never carries a name, a birth date, a lot or a performer', () => {
    for (const facts of [deidentify(threeDoses()), deidentify(antigenTest())]) {
      for (const fact of facts) {
        for (const key of Object.keys(fact)) {
          expect(['day', 'kind', 'product', 'dose', 'ageBand', 'result']).toContain(key)
        }
      }
      const text = JSON.stringify(facts)
      for (const secret of [...LONG_PATIENT.givenNames, LONG_PATIENT.familyName, '1961', 'GGD']) {
        expect(text).not.toContain(secret)
      }
    }
  })

  it('rejects what the builders reject, with the same code and field', () => {
    const bad = { ...threeDoses(), immunizations: [{ code: '207', date: '2030-01-01' }] }
    expectFhirCode(() => deidentify(bad), 'FHIR_DATE_FUTURE', 'immunizations.0.date')
  })
})
