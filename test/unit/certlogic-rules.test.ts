/**
 * Austria's published acceptance rules with their own test cases (dgc-business-rules-testdata,
 * test/vectors/certlogic/rules/AT): every rule.json reads through the strict parser, and every
 * test's payload and `external` give the expected verdict, `true` meaning the rule passes. Then
 * the parser's refusals, one field at a time, each with DCC_RULES_INVALID and the field named.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CertLogicError,
  type DccExternal,
  evaluateDccRule,
  parseDccRule,
  parseDccRules,
  parseDccRulesText,
} from '../../src/core/certlogic/index.ts'
import { readVectorJson, vectorPath } from '../helpers/vectors.ts'

interface RuleTest {
  name: string
  payload: unknown
  external: DccExternal
  expected: boolean
}

const RULE_IDS = readdirSync(vectorPath('certlogic/rules/AT')).sort()
const raw = (id: string) => readVectorJson(`certlogic/rules/AT/${id}/rule.json`)

describe('AT acceptance rules and their test data', () => {
  it('has the 16 rules and 101 tests', () => {
    expect(RULE_IDS).toHaveLength(16)
    const tests = RULE_IDS.flatMap((id) =>
      readdirSync(vectorPath(`certlogic/rules/AT/${id}/tests`)),
    )
    expect(tests).toHaveLength(101)
  })

  for (const id of RULE_IDS) {
    it(`${id}: parses, and each test case gives its expected verdict`, () => {
      const rule = parseDccRule(raw(id))
      expect(rule.Identifier).toBe(id)
      const dir = `certlogic/rules/AT/${id}/tests`
      for (const file of readdirSync(vectorPath(dir)).sort()) {
        const t = readVectorJson<RuleTest>(`${dir}/${file}`)
        const outcome = evaluateDccRule(rule, t.payload, t.external)
        expect(outcome.result === 'pass', `${file} ${t.name}: ${outcome.error ?? ''}`).toBe(
          t.expected,
        )
      }
    })
  }
})

function refusal(fn: () => unknown): { code: string; field: string | undefined } {
  try {
    fn()
  } catch (err) {
    if (err instanceof CertLogicError) return { code: err.code, field: err.field }
    throw err
  }
  throw new Error('accepted')
}

describe('the rule parser refuses a corrupt field with DCC_RULES_INVALID naming it', () => {
  const good = raw('VR-AT-0001') as Record<string, unknown>
  const cases: [string, Record<string, unknown>, string][] = [
    ['Identifier without the type prefix', { Identifier: 'XX-AT-0001' }, 'Identifier'],
    ['Type not Acceptance or Invalidation', { Type: 'Warning' }, 'Type'],
    ['Country in lower case', { Country: 'at' }, 'Country'],
    ['Version not semantic', { Version: '1.0' }, 'Version'],
    ['Engine other than CERTLOGIC', { Engine: 'JSONLOGIC' }, 'Engine'],
    ['CertificateType unknown', { CertificateType: 'Passport' }, 'CertificateType'],
    [
      'Description without English',
      { Description: [{ lang: 'de', desc: 'Nur erlaubte Impfstoffe' }] },
      'Description',
    ],
    ['ValidFrom without an offset', { ValidFrom: '2021-06-01T00:00:00' }, 'ValidFrom'],
    ['ValidTo before ValidFrom', { ValidTo: '2020-01-01T00:00:00Z' }, 'ValidTo'],
    ['AffectedFields not strings', { AffectedFields: [1] }, 'AffectedFields'],
    ['Logic with an unknown operation', { Logic: { eval: ['1'] } }, 'Logic'],
    ['Logic with an if of two operands', { Logic: { if: [true, true] } }, 'Logic'],
    ['a field the format does not have', { Modifier: 'x' }, 'Modifier'],
  ]
  it('accepts the rule as published', () => {
    expect(parseDccRule(good).Identifier).toBe('VR-AT-0001')
  })
  for (const [name, patch, field] of cases) {
    it(name, () => {
      expect(refusal(() => parseDccRule({ ...good, ...patch }))).toEqual({
        code: 'DCC_RULES_INVALID',
        field,
      })
    })
  }
  it('a missing Logic', () => {
    const { Logic: _, ...rest } = good
    expect(refusal(() => parseDccRule(rest))).toEqual({ code: 'DCC_RULES_INVALID', field: 'Logic' })
  })
  it('in a list, the field is prefixed with the rule index', () => {
    const list = [good, { ...good, Country: 'AUT' }]
    expect(refusal(() => parseDccRules(list))).toEqual({
      code: 'DCC_RULES_INVALID',
      field: '1.Country',
    })
  })
  it('a list that is not an array, or not JSON', () => {
    expect(refusal(() => parseDccRules(good)).code).toBe('DCC_RULES_INVALID')
    expect(refusal(() => parseDccRulesText('[{')).code).toBe('DCC_RULES_INVALID')
    expect(parseDccRulesText(JSON.stringify([good]))).toHaveLength(1)
  })
})
