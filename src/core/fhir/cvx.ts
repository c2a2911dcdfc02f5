/**
 * @module core/fhir/cvx
 * The curated CVX vaccine list. Displays are the CDC CVX short descriptions as the Vaccination &
 * Testing IG value set `immunization-all-cvx` (version 20250903) lists them; the COVID-19 codes
 * are those of the IG's COVID value set the bundle profiles slice on, plus the mpox
 * vaccine of the IG's own example (206) and a few routine vaccines.
 *
 * `seriesDoses` is the number of doses in a complete primary series, set only where one number
 * holds for the product regardless of age or history (e.g. 212 Janssen: 1; 207/208: 2; 219, the
 * 6 months–4 years Pfizer formulation: 3). It stays undefined for boosters, bivalent and yearly
 * formulations (221, 229–230, 300–313), unspecified codes (213, 500) and routine vaccines whose
 * schedule depends on age or country (influenza, HPV, adult hepatitis B, IPV, measles).
 */

export type VaccineFamily =
  | 'covid-19'
  | 'influenza'
  | 'mmr'
  | 'measles'
  | 'hpv'
  | 'hepatitis-b'
  | 'polio'
  | 'mpox'

/** [CVX code, family, doses in a complete primary series (or undefined), CVX short description] */
export type CvxRow = readonly [string, VaccineFamily, number | undefined, string]

const COVID = 'covid-19'

export const CVX_ROWS: readonly CvxRow[] = [
  ['207', COVID, 2, 'COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5mL dose or 50 mcg/0.25mL dose'],
  ['208', COVID, 2, 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose'],
  ['210', COVID, 2, 'COVID-19 vaccine, vector-nr, rS-ChAdOx1, PF, 0.5 mL'],
  ['211', COVID, 2, 'COVID-19, subunit, rS-nanoparticle+Matrix-M1 Adjuvant, PF, 0.5 mL'],
  ['212', COVID, 1, 'COVID-19 vaccine, vector-nr, rS-Ad26, PF, 0.5 mL'],
  ['213', COVID, undefined, 'SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED'],
  ['217', COVID, 2, 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose, tris-sucrose'],
  ['218', COVID, 2, 'COVID-19, mRNA, LNP-S, PF, 10 mcg/0.2 mL dose, tris-sucrose'],
  ['219', COVID, 3, 'COVID-19, mRNA, LNP-S, PF, 3 mcg/0.2 mL dose, tris-sucrose'],
  ['221', COVID, undefined, 'COVID-19, mRNA, LNP-S, PF, 50 mcg/0.5 mL dose'],
  ['227', COVID, 2, 'COVID-19, mRNA, LNP-S, PF, pediatric 50 mcg/0.5 mL dose'],
  ['228', COVID, 2, 'COVID-19, mRNA, LNP-S, PF, pediatric 25 mcg/0.25 mL dose'],
  [
    '229',
    COVID,
    undefined,
    'COVID-19, mRNA, LNP-S, bivalent, PF, 50 mcg/0.5 mL or 25mcg/0.25 mL dose',
  ],
  ['230', COVID, undefined, 'COVID-19, mRNA, LNP-S, bivalent, PF, 10 mcg/0.2 mL'],
  ['300', COVID, undefined, 'COVID-19, mRNA, LNP-S, bivalent, PF, 30 mcg/0.3 mL dose'],
  ['301', COVID, undefined, 'COVID-19, mRNA, LNP-S, bivalent, PF, 10 mcg/0.2 mL dose'],
  ['302', COVID, undefined, 'COVID-19, mRNA, LNP-S, bivalent, PF, 3 mcg/0.2 mL dose'],
  ['308', COVID, undefined, 'COVID-19, mRNA, LNP-S, PF, tris-sucrose, 3 mcg/0.3 mL'],
  ['309', COVID, undefined, 'COVID-19, mRNA, LNP-S, PF, tris-sucrose, 30 mcg/0.3 mL'],
  ['310', COVID, undefined, 'COVID-19, mRNA, LNP-S, PF, tris-sucrose, 10 mcg/0.3 mL'],
  ['311', COVID, undefined, 'COVID-19, mRNA, LNP-S, PF, 25 mcg/0.25 mL'],
  ['312', COVID, undefined, 'COVID-19, mRNA, LNP-S, PF, 50 mcg/0.5 mL'],
  ['313', COVID, undefined, 'COVID-19, subunit, rS-nanoparticle, adjuvanted, PF, 5 mcg/0.5 mL'],
  ['500', COVID, undefined, 'COVID-19 Non-US Vaccine, Product Unknown'],
  ['502', COVID, 2, 'COVID-19 IV Non-US Vaccine (COVAXIN)'],
  ['510', COVID, 2, 'COVID-19 IV Non-US Vaccine (BIBP, Sinopharm)'],
  ['511', COVID, 2, 'COVID-19 IV Non-US Vaccine (CoronaVac, Sinovac)'],
  ['206', 'mpox', 2, 'Vaccinia, smallpox Mpox vaccine live, PF, SQ or ID injection'],
  ['140', 'influenza', undefined, 'Influenza, split virus, trivalent, PF'],
  ['150', 'influenza', undefined, 'Influenza, split virus, quadrivalent, PF'],
  ['158', 'influenza', undefined, 'Influenza, split virus, quadrivalent, preservative'],
  [
    '161',
    'influenza',
    undefined,
    'Influenza, injectable,quadrivalent, preservative free, pediatric',
  ],
  ['197', 'influenza', undefined, 'Influenza, high-dose, quadrivalent, PF'],
  ['03', 'mmr', 2, 'MMR'],
  ['05', 'measles', undefined, 'measles'],
  ['165', 'hpv', undefined, 'HPV9'],
  ['08', 'hepatitis-b', 3, 'Hep B, adolescent or pediatric'],
  ['43', 'hepatitis-b', undefined, 'Hep B, adult'],
  ['10', 'polio', undefined, 'IPV'],
]
