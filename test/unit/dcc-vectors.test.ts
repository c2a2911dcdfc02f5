/**
 * core/dcc against every published EU DCC vector we carry: dgc-testdata (common, DE, AT, PL
 * 1.0.0/1.2.1/1.3.0, IS, ES), each expectation of each file's EXPECTEDRESULTS (the README in
 * test/vectors/dcc says what each one means). The few that upstream gets wrong are listed, with
 * the reason, in dcc/known-defects.ts; everything else must match exactly.
 */
import { describe, expect, it } from 'vitest'
import { KNOWN_DEFECTS } from './dcc/known-defects.ts'
import { EXPECTATIONS, outcome } from './dcc/outcomes.ts'
import { dccVectorPaths, readDccVector } from './dcc/vector-file.ts'

const cases = dccVectorPaths().flatMap((path) => {
  const v = readDccVector(path)
  return EXPECTATIONS.flatMap((e) => {
    const expected = v.EXPECTEDRESULTS[`EXPECTED${e}`]
    return expected === undefined ? [] : [{ path, e, expected, v }]
  })
})

const defectOf = (path: string, e: string) =>
  KNOWN_DEFECTS.find((d) => d.path === path && d.expectation === e)

describe('dgc-testdata vectors (eu-digital-green-certificates/dgc-testdata @ 4a62c8d)', () => {
  it('covers every vector file and a known number of expectations', () => {
    expect(dccVectorPaths()).toHaveLength(96)
    // ENCODE (8, issuer side) is the only expectation not tested.
    expect(cases).toHaveLength(595)
  })

  it.each(cases)('$path EXPECTED$e = $expected', async ({ path, e, expected, v }) => {
    const defect = defectOf(path, e)
    const got = await outcome(v, e)
    if (defect !== undefined) {
      expect(expected, `${path} is listed as a defect only where it disagrees`).not.toBe(
        defect.vigil,
      )
      expect(got, defect.why).toBe(defect.vigil)
    } else {
      expect(got).toBe(expected)
    }
  })

  it('every known defect names a tested expectation of a vector that exists', () => {
    for (const d of KNOWN_DEFECTS) {
      expect(
        cases.some((c) => c.path === d.path && c.e === d.expectation),
        d.path,
      ).toBe(true)
    }
  })
})
