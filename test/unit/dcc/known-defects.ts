/**
 * The dgc-testdata expectations Vigil does not meet, each because the upstream data or its
 * reading of the spec is wrong (test/vectors/dcc/README.md, "Known defects"; dcc.md §11). The
 * vector test asserts Vigil's outcome here too, so an entry that stops being true fails.
 */
import type { Expectation } from './outcomes.ts'

export interface KnownDefect {
  readonly path: string
  readonly expectation: Expectation
  /** What Vigil gives instead (undefined: the vector lacks the data to test the step). */
  readonly vigil: boolean | undefined
  readonly why: string
}

const PL_JSON =
  'the JSON field holds another person than the signed payload, so no correct decoder can match it (the upstream pytest flags it too)'
const PL_VALUE_SETS =
  'schema-valid payload with an unknown value-set code (ma 9999, co XY, ma ORG-99999999): value sets are business rules (CertLogic), not schema; the EU apps do not check them at this step'

export const KNOWN_DEFECTS: readonly KnownDefect[] = [
  {
    path: 'IS/2DCode/raw/3.json',
    expectation: 'KEYUSAGE',
    vigil: true,
    why: "the DSC's only EKU is ICAO's 2.23.136.1.1.14.2; by hcert Annex A.4 and the EU reference verifier a DSC with no DCC type OID may sign every type",
  },
  { path: 'PL/1.3.0/2DCode/raw/1.json', expectation: 'DECODE', vigil: false, why: PL_JSON },
  { path: 'PL/1.3.0/2DCode/raw/1.json', expectation: 'VALIDJSON', vigil: false, why: PL_JSON },
  { path: 'PL/1.3.0/2DCode/raw/5.json', expectation: 'DECODE', vigil: false, why: PL_JSON },
  { path: 'PL/1.3.0/2DCode/raw/5.json', expectation: 'VALIDJSON', vigil: false, why: PL_JSON },
  ...['1.0.0', '1.2.1', '1.3.0'].flatMap((ver) =>
    ['7', '8', '9'].map(
      (n): KnownDefect => ({
        path: `PL/${ver}/2DCode/raw/${n}.json`,
        expectation: 'SCHEMAVALIDATION',
        vigil: true,
        why: PL_VALUE_SETS,
      }),
    ),
  ),
  {
    path: 'common/2DCode/raw/B1.json',
    expectation: 'PICTUREDECODE',
    vigil: undefined,
    why: 'expects a picture decode but carries no 2DCODE image',
  },
]
