/**
 * core/certlogic/compile against the reference evaluator (certlogic-js, evaluateCertLogic): for
 * every expression of CertLogic's own test suite (all 232 assertions, the 14 the suite leaves
 * open included), Austria's 16 rules over their 101 test cases, and those rules over the DCC
 * vectors' payloads at clocks around each rule's edges, the compiled closure gives the same
 * value (date-times by instant) or throws where the reference throws. Then the remembered rule
 * selection equals a fresh one on every side of every ValidFrom and ValidTo, asked in an order
 * that reuses the remembered cells.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  type CertLogicExpression,
  compileCertLogic,
  type DccRule,
  dccExternal,
  evaluateCertLogic,
  parseDccRule,
  parseDccValueSets,
  selectDccRules,
  selectDccRulesCached,
} from '../../src/core/certlogic/index.ts'
import { readVectorJson, vectorPath } from '../helpers/vectors.ts'

type Outcome = { threw: true } | { threw: false; value: unknown }

function run(f: () => unknown): Outcome {
  try {
    return { threw: false, value: normalise(f()) }
  } catch {
    return { threw: true }
  }
}

/** Dates as their instant (NaN for an invalid one), recursively. */
function normalise(v: unknown): unknown {
  if (v instanceof Date) return { date: v.getTime() }
  if (Array.isArray(v)) return v.map(normalise)
  return v
}

function same(expr: unknown, data: unknown): Outcome {
  const reference = run(() => evaluateCertLogic(expr as CertLogicExpression, data))
  const compiled = run(() => compileCertLogic(expr)(data))
  expect(compiled, JSON.stringify(expr).slice(0, 200)).toEqual(reference)
  return compiled
}

interface Suite {
  cases: {
    name: string
    certLogicExpression?: unknown
    assertions: { certLogicExpression?: unknown; data: unknown; expected: unknown }[]
  }[]
}

const RULES: DccRule[] = readdirSync(vectorPath('certlogic/rules/AT'))
  .sort()
  .map((id) => parseDccRule(readVectorJson(`certlogic/rules/AT/${id}/rule.json`)))

describe('compiled CertLogic equals the reference evaluator', () => {
  it("on every assertion of CertLogic's test suite", () => {
    let n = 0
    let threw = 0
    for (const file of readdirSync(vectorPath('certlogic/testSuite')).filter((f) =>
      f.endsWith('.json'),
    )) {
      const suite = readVectorJson<Suite>(`certlogic/testSuite/${file}`)
      for (const c of suite.cases) {
        for (const a of c.assertions) {
          if (same(a.certLogicExpression ?? c.certLogicExpression, a.data).threw) threw++
          n++
        }
      }
    }
    expect(n).toBe(232)
    // Some assertions are about errors: the comparison above covers throwing as well.
    expect(threw).toBeGreaterThan(0)
  })

  it("on Austria's rules and their 101 test cases", () => {
    let n = 0
    for (const rule of RULES) {
      const dir = `certlogic/rules/AT/${rule.Identifier}/tests`
      for (const file of readdirSync(vectorPath(dir))) {
        const t = readVectorJson<{ payload: unknown; external: unknown; expected: boolean }>(
          `${dir}/${file}`,
        )
        const out = same(rule.Logic, { payload: t.payload, external: t.external })
        expect(!out.threw && out.value === true).toBe(t.expected)
        n++
      }
    }
    expect(n).toBe(101)
  })

  it("on Austria's rules over the DCC vectors' payloads, at clocks around the rules' edges", () => {
    const valueSets = parseDccValueSets(readVectorJson('certlogic/rules/valuesets/valueSets.json'))
    const payloads = ['DE/2DCode/raw/1.json', 'DE/2DCode/raw/2.json', 'DE/2DCode/raw/3.json']
      .concat(['DE/2DCode/raw/4.json', 'AT/2DCode/raw/1.json', 'AT/2DCode/raw/3.json'])
      .map((f) => readVectorJson<{ JSON: unknown }>(`dcc/${f}`).JSON)
    const clocks = [1622570400, 1625000000, 1640995200, 1656633600, 1672531200]
    let pass = 0
    let fail = 0
    for (const payload of payloads) {
      for (const now of clocks) {
        const external = dccExternal({
          now,
          country: 'AT',
          exp: now + 86_400 * 365,
          iat: now - 86_400,
          issuerCountry: 'DE',
          valueSets,
        })
        for (const rule of RULES) {
          const out = same(rule.Logic, { payload, external })
          if (!out.threw && out.value === true) pass++
          else fail++
        }
      }
    }
    // Both outcomes occur, so the comparison is not of rules that all pass (or all fail).
    expect(pass).toBeGreaterThan(0)
    expect(fail).toBeGreaterThan(0)
  })

  it('on malformed expressions: the same throw, only when evaluated', () => {
    const bad: unknown[] = [
      null,
      1.5,
      {},
      { var: 1 },
      { if: [true, 1] },
      { and: [true] },
      { '<': [1] },
      { '+': [1, 'a'] },
      { in: [1, 2] },
      { plusTime: ['2021-01-01', 1.5, 'day'] },
      { plusTime: ['2021-01-01', 1, 'week'] },
      { extractFromUVCI: [{ var: 'x' }, 'a'] },
      { dccDateOfBirth: [1] },
      { frobnicate: [1] },
      { '!': [] },
      { after: [{ plusTime: ['2021-01-01', 0, 'day'] }, 1] },
      { reduce: [1, { var: 'accumulator' }, 0] },
    ]
    for (const expr of bad) {
      expect(() => compileCertLogic(expr)).not.toThrow()
      expect(same(expr, { x: null }).threw, JSON.stringify(expr)).toBe(true)
    }
  })
})

describe('remembered rule selection', () => {
  it('equals a fresh selection on both sides of every ValidFrom and ValidTo', () => {
    // Austria's rules, and copies whose validity starts and ends inside the span probed.
    const shifted = RULES.map((r, i) => ({
      ...r,
      Version: `${r.Version.split('.')[0]}.9.${i}`,
      ValidFrom: new Date(Date.UTC(2022, 0, 1 + i)).toISOString(),
      ValidTo: new Date(Date.UTC(2022, 2, 1 + i, 12)).toISOString(),
    }))
    const rules = [...RULES, ...shifted]
    const edges = rules.flatMap((r) => [Date.parse(r.ValidFrom), Date.parse(r.ValidTo)])
    const clocks = edges.flatMap((ms) => [ms / 1000 - 1, ms / 1000, ms / 1000 + 1])
    // Sorted, then reversed, then again: each pass reuses the cells the one before kept.
    const order = [...clocks].sort((a, b) => a - b)
    let checked = 0
    for (const pass of [order, [...order].reverse(), order]) {
      for (const clock of pass) {
        for (const certificateType of ['Vaccination', 'Test', 'Recovery'] as const) {
          const sel = { country: 'AT', issuerCountry: 'DE', certificateType, clock }
          expect(
            selectDccRulesCached(rules, sel).map((r) => `${r.Identifier}@${r.Version}`),
            `${certificateType} at ${clock}`,
          ).toEqual(selectDccRules(rules, sel).map((r) => `${r.Identifier}@${r.Version}`))
          checked++
        }
      }
    }
    expect(checked).toBe(3 * 3 * clocks.length)
  })
})
