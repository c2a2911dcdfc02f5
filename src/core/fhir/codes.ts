/**
 * @module core/fhir/codes
 * Vigil's curated code list: the vaccines (CVX), tests (LOINC) and qualitative results
 * (SNOMED CT) it issues and can name. Builders reject anything else (FHIR_CODE_UNKNOWN), so a
 * card never carries a code a verifier of ours cannot display; summarise() shows foreign codes as
 * `system|code`. Displays live here only: the bundle itself never carries Coding.display
 * (minimisation, SHC 1.4 §Health Cards are Compact).
 */
import { CVX_ROWS, type VaccineFamily } from './cvx.ts'

export type { VaccineFamily } from './cvx.ts'

export const CVX_SYSTEM = 'http://hl7.org/fhir/sid/cvx'
export const LOINC_SYSTEM = 'http://loinc.org'
export const SNOMED_SYSTEM = 'http://snomed.info/sct'

export interface CodeEntry {
  readonly system: string
  readonly code: string
  readonly display: string
}

export interface VaccineCode extends CodeEntry {
  readonly system: typeof CVX_SYSTEM
  /** Doses of the same family count together when numbering doses (deidentify). */
  readonly family: VaccineFamily
  /** Doses in a complete primary series, where one number is well known (see cvx.ts). */
  readonly seriesDoses: number | undefined
}

export interface TestCode extends CodeEntry {
  readonly system: typeof LOINC_SYSTEM
  readonly target: 'sars-cov-2' | 'influenza-a' | 'influenza-b'
  readonly method: 'antigen' | 'naat'
}

export interface ResultCode extends CodeEntry {
  readonly system: typeof SNOMED_SYSTEM
  readonly outcome: 'positive' | 'negative' | 'inconclusive'
}

export const VACCINE_CODES: readonly VaccineCode[] = CVX_ROWS.map(
  ([code, family, seriesDoses, display]) => ({
    system: CVX_SYSTEM,
    code,
    display,
    family,
    seriesDoses,
  }),
)

type TestRow = readonly [string, TestCode['target'], TestCode['method'], string]

/**
 * SARS-CoV-2 codes are from the IG value set `lab-qualitative-test-covid` (the COVID-19
 * laboratory bundle profile binds Observation.code to it); displays are LOINC short names.
 * 94531-1 (an RNA *panel*, whose value lives in member observations) is deliberately absent.
 * Influenza tests fall under the IG's generic infectious-disease laboratory profile.
 */
const TEST_ROWS: readonly TestRow[] = [
  ['94558-4', 'sars-cov-2', 'antigen', 'SARS-CoV-2 Ag Resp Ql IA.rapid'],
  ['96119-3', 'sars-cov-2', 'antigen', 'SARS-CoV-2 Ag Upper resp Ql IA'],
  ['97097-0', 'sars-cov-2', 'antigen', 'SARS-CoV-2 Ag Upper resp Ql IA.rapid'],
  ['94500-6', 'sars-cov-2', 'naat', 'SARS-CoV-2 RNA Resp Ql NAA+probe'],
  ['94309-2', 'sars-cov-2', 'naat', 'SARS-CoV-2 RNA Spec Ql NAA+probe'],
  ['94759-8', 'sars-cov-2', 'naat', 'SARS-CoV-2 RNA Nph Ql NAA+probe'],
  ['94845-5', 'sars-cov-2', 'naat', 'SARS-CoV-2 RNA Sal Ql NAA+probe'],
  ['95406-5', 'sars-cov-2', 'naat', 'SARS-CoV-2 RNA Nose Ql NAA+probe'],
  ['95409-9', 'sars-cov-2', 'naat', 'SARS-CoV-2 N gene Nose Ql NAA+probe'],
  ['92142-9', 'influenza-a', 'naat', 'FLUAV RNA Resp Ql NAA+probe'],
  ['92141-1', 'influenza-b', 'naat', 'FLUBV RNA Resp Ql NAA+probe'],
  ['80382-5', 'influenza-a', 'antigen', 'FLUAV Ag Upper resp Ql IA.rapid'],
  ['80383-3', 'influenza-b', 'antigen', 'FLUBV Ag Upper resp Ql IA.rapid'],
]

export const TEST_CODES: readonly TestCode[] = TEST_ROWS.map(([code, target, method, display]) => ({
  system: LOINC_SYSTEM,
  code,
  display,
  target,
  method,
}))

/** From the IG value set `lab-qualitative-result` (version 2023.1), without organism codes. */
const RESULT_ROWS: readonly (readonly [string, ResultCode['outcome'], string])[] = [
  ['260373001', 'positive', 'Detected'],
  ['260415000', 'negative', 'Not detected'],
  ['10828004', 'positive', 'Positive'],
  ['260385009', 'negative', 'Negative'],
  ['720735008', 'positive', 'Presumptive positive'],
  ['419984006', 'inconclusive', 'Inconclusive'],
  ['82334004', 'inconclusive', 'Indeterminate'],
  ['42425007', 'inconclusive', 'Equivocal'],
  ['455371000124106', 'inconclusive', 'Invalid result'],
  ['125154007', 'inconclusive', 'Specimen unsatisfactory for evaluation'],
]

export const RESULT_CODES: readonly ResultCode[] = RESULT_ROWS.map(([code, outcome, display]) => ({
  system: SNOMED_SYSTEM,
  code,
  display,
  outcome,
}))

// Maps, not object literals: a code such as "__proto__" must not reach Object.prototype.
const byCode = <T extends CodeEntry>(list: readonly T[]) => new Map(list.map((e) => [e.code, e]))
const VACCINES = byCode(VACCINE_CODES)
const TESTS = byCode(TEST_CODES)
const RESULTS = byCode(RESULT_CODES)

export function vaccineByCode(code: string): VaccineCode | undefined {
  return VACCINES.get(code)
}

export function testByCode(code: string): TestCode | undefined {
  return TESTS.get(code)
}

export function resultByCode(code: string): ResultCode | undefined {
  return RESULTS.get(code)
}

const TABLES = new Map<string, ReadonlyMap<string, CodeEntry>>([
  [CVX_SYSTEM, VACCINES],
  [LOINC_SYSTEM, TESTS],
  [SNOMED_SYSTEM, RESULTS],
])

/** The display of a coding from any of the three lists, or undefined when it is not listed. */
export function displayOf(system: string, code: string): string | undefined {
  return TABLES.get(system)?.get(code)?.display
}
