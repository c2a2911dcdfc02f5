/**
 * @module services/surveillance/measures
 * What a fact counts towards. Each fact adds one to each of its measures, once per dimension
 * (and once to the measure's total, dimension ''), at each grain. Positivity and coverage are
 * ratios of these counts (tests and positives; people with a complete series and population).
 */
import {
  AGE_BANDS,
  resultByCode,
  TEST_CODES,
  testByCode,
  VACCINE_CODES,
  vaccineByCode,
} from '../../core/fhir/index.ts'
import type { Breakdown, CountMeasure, Measure } from '../../core/stats/index.ts'

export const FACT_KINDS = ['dose', 'test', 'code-issued', 'code-redeemed', 'upload'] as const
export type FactKind = (typeof FACT_KINDS)[number]

/** A de-identified fact as written to the `facts` table. */
export interface FactRow {
  /** YYYY-MM-DD */
  day: string
  region: string | null
  kind: FactKind
  product: string
  dose: number | null
  ageBand: string | null
  result: string | null
  testType: string | null
  reportType: string | null
  seriesComplete: boolean
}

/** The count measures a fact adds to. */
export function measuresOf(f: FactRow): CountMeasure[] {
  switch (f.kind) {
    case 'dose':
      return f.seriesComplete ? ['doses', 'complete'] : ['doses']
    case 'test':
      return outcomeOf(f.result) === 'positive' ? ['tests', 'positives'] : ['tests']
    case 'code-issued':
      return ['codes_issued']
    case 'code-redeemed':
      return ['codes_redeemed']
    case 'upload':
      return ['uploads']
  }
}

/** Results roll up by outcome (positive, negative, inconclusive), not by SNOMED code. */
export function outcomeOf(result: string | null): string | null {
  if (result === null) return null
  return resultByCode(result)?.outcome ?? result
}

/** The (dimension, value) pairs of a fact, the measure's total ('', '') first. */
export function dimensionsOf(f: FactRow): [dim: '' | Breakdown, value: string][] {
  const out: [dim: '' | Breakdown, value: string][] = [['', '']]
  if (f.ageBand !== null) out.push(['age_band', f.ageBand])
  if (f.product !== '') out.push(['product', f.product])
  if (f.dose !== null) out.push(['dose', String(f.dose)])
  if (f.testType !== null) out.push(['test_type', f.testType])
  const outcome = outcomeOf(f.result)
  if (outcome !== null) out.push(['result', outcome])
  if (f.reportType !== null) out.push(['report_type', f.reportType])
  return out
}

/**
 * How many facts one person can add to one cell's measure in a query: the L1 sensitivity of a
 * table of counts (docs/SURVEILLANCE.md "Differential privacy"). A series completes once; doses
 * and tests are bounded by what a year of campaigns gives one person; each exposure fact stands
 * for one code or one upload.
 */
export const SENSITIVITY: Record<CountMeasure, number> = {
  doses: 4,
  complete: 1,
  tests: 4,
  positives: 2,
  uploads: 1,
  codes_issued: 1,
  codes_redeemed: 1,
}

/** The data-independent domain of a breakdown (DP must noise every cell, also empty ones). */
export function domainOf(breakdown: Breakdown, measure: Measure): string[] {
  const dosesOrTests = measure === 'doses' || measure === 'complete' || measure === 'coverage'
  switch (breakdown) {
    case 'age_band':
      return [...AGE_BAND_DOMAIN]
    case 'product':
      return dosesOrTests ? VACCINE_DOMAIN : TEST_DOMAIN
    case 'dose':
      return ['1', '2', '3', '4', '5', '6']
    case 'test_type':
      return measure.startsWith('code') || measure === 'uploads'
        ? ['confirmed', 'likely', 'negative', 'user-report']
        : ['antigen', 'naat']
    case 'result':
      return ['positive', 'negative', 'inconclusive']
    case 'report_type':
      return ['confirmed', 'likely', 'user-report']
  }
}

const AGE_BAND_DOMAIN = AGE_BANDS
const VACCINE_DOMAIN = VACCINE_CODES.map((v) => v.code)
const TEST_DOMAIN = TEST_CODES.map((t) => t.code)

/** Series completion and test type, from the curated code lists (core/fhir/codes.ts). */
export function seriesCompletes(product: string, dose: number | null): boolean {
  const series = vaccineByCode(product)?.seriesDoses
  return series !== undefined && dose === series
}

export function testTypeOf(product: string): string | null {
  return testByCode(product)?.method ?? null
}
