/**
 * CertLogic's own test suite (the specification's testSuite/*.json, test/vectors/certlogic):
 * every assertion of every case through core/certlogic's evaluator, compared deeply with the
 * expected value. Assertions the suite itself marks `skip` (behaviour the specification leaves
 * open) are listed, not run; nothing else is left out.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type CertLogicExpression, evaluateCertLogic } from '../../src/core/certlogic/index.ts'
import { readVectorJson, vectorPath } from '../helpers/vectors.ts'

interface Assertion {
  certLogicExpression?: CertLogicExpression
  data: unknown
  expected: unknown
  message?: string
  directive?: 'skip' | 'only'
}
interface Case {
  name: string
  certLogicExpression?: CertLogicExpression
  directive?: 'skip' | 'only'
  assertions: Assertion[]
}
interface Suite {
  name: string
  directive?: 'skip' | 'only'
  cases: Case[]
}

const FILES = readdirSync(vectorPath('certlogic/testSuite'))
  .filter((f) => f.endsWith('.json'))
  .sort()
const SUITES = FILES.map((f) => ({
  file: f,
  suite: readVectorJson<Suite>(`certlogic/testSuite/${f}`),
}))

function skipped(suite: Suite, c: Case, a: Assertion): boolean {
  return suite.directive === 'skip' || c.directive === 'skip' || a.directive === 'skip'
}

describe('CertLogic test suite (specification testSuite/)', () => {
  it('has every file of the suite, and the assertions counted', () => {
    expect(FILES).toHaveLength(14)
    const all = SUITES.flatMap(({ suite }) =>
      suite.cases.flatMap((c) => c.assertions.map((a) => skipped(suite, c, a))),
    )
    // 232 assertions; the suite marks 14 as skipped (patched reduce, `in` with null).
    expect(all).toHaveLength(232)
    expect(all.filter(Boolean)).toHaveLength(14)
  })

  for (const { file, suite } of SUITES) {
    describe(`${file}: ${suite.name}`, () => {
      for (const c of suite.cases) {
        it(c.name, () => {
          for (const [i, a] of c.assertions.entries()) {
            if (skipped(suite, c, a)) continue
            const expr = a.certLogicExpression ?? c.certLogicExpression
            expect(expr, `${c.name}: no expression`).toBeDefined()
            const actual = evaluateCertLogic(expr as CertLogicExpression, a.data)
            // Date results compare as the instants the suite writes them as.
            const shown = actual instanceof Date ? actual.toISOString() : actual
            const expected =
              actual instanceof Date && typeof a.expected === 'string'
                ? new Date(a.expected).toISOString()
                : a.expected
            expect(shown, a.message ?? `#${i + 1} ${JSON.stringify(a.data)}`).toEqual(expected)
          }
        })
      }
    })
  }
})
