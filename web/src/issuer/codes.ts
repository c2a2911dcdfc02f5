/**
 * The choices of the issuing form: the curated code lists of the core (CVX, LOINC, SNOMED CT),
 * each shown by the name people know it by, with its code. Product names follow the CDC's
 * "COVID-19 vaccine product" mapping of CVX codes; a code without one shows its CVX description.
 */
import { RESULT_CODES, TEST_CODES, VACCINE_CODES } from '../../../src/core/fhir/index.ts'
import { hasMessage, t } from '../i18n/index.ts'

const PRODUCTS: Record<string, string> = {
  '207': 'Moderna Spikevax',
  '208': 'Pfizer-BioNTech Comirnaty',
  '210': 'AstraZeneca Vaxzevria',
  '211': 'Novavax Nuvaxovid',
  '212': 'Janssen (Johnson & Johnson)',
  '217': 'Pfizer-BioNTech Comirnaty (tris-sucrose)',
  '218': 'Pfizer-BioNTech, children 5–11',
  '219': 'Pfizer-BioNTech, children 6 months–4 years',
  '221': 'Moderna Spikevax, booster 50 mcg',
  '227': 'Moderna, children 6–11',
  '228': 'Moderna, children 6 months–5 years',
  '229': 'Moderna Spikevax bivalent',
  '230': 'Moderna bivalent, children',
  '300': 'Pfizer-BioNTech Comirnaty bivalent',
  '301': 'Pfizer-BioNTech bivalent, children 5–11',
  '302': 'Pfizer-BioNTech bivalent, children 6 months–4 years',
  '502': 'Bharat Biotech Covaxin',
  '510': 'Sinopharm BIBP',
  '511': 'Sinovac CoronaVac',
}

export interface Choice {
  code: string
  label: string
}

export const VACCINES: Choice[] = VACCINE_CODES.map((v) => ({
  code: v.code,
  label: `${PRODUCTS[v.code] ?? v.display} · CVX ${v.code}`,
}))

export const TESTS: Choice[] = TEST_CODES.map((c) => ({
  code: c.code,
  label: `${c.display} · LOINC ${c.code}`,
}))

/**
 * The results in the page's language (a result is a plain word a person reads; the SNOMED CT
 * display where the page has no words for a code).
 */
export function results(): Choice[] {
  return RESULT_CODES.map((c) => {
    const key = `issuer.resultCode.${c.code}`
    return { code: c.code, label: hasMessage(key) ? t(key) : c.display }
  })
}
