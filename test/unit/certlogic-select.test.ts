/**
 * core/certlogic's choice and reading of rules, each behaviour with the case that breaks it: the
 * highest Version of an Identifier (numerically: 1.0.10 above 1.0.9), ValidFrom and ValidTo both
 * included, Invalidation rules from the issuing country only, General rules for every type,
 * regional rules only for their region, descriptions in the verifier's language, and a result
 * that is truthy but not `true` counting as failed.
 */
import { describe, expect, it } from 'vitest'
import {
  compareVersions,
  type DccRule,
  dccExternal,
  dccRuleType,
  evaluateDccRule,
  evaluateDccRules,
  ruleDescription,
  selectDccRules,
} from '../../src/core/certlogic/index.ts'

const at = (iso: string) => Date.parse(iso) / 1000
const CLOCK = at('2025-03-01T12:00:00Z')

function rule(over: Partial<DccRule> = {}): DccRule {
  return {
    Identifier: 'VR-AT-0001',
    Type: 'Acceptance',
    Country: 'AT',
    Version: '1.0.0',
    SchemaVersion: '1.0.0',
    Engine: 'CERTLOGIC',
    EngineVersion: '1.3.3',
    CertificateType: 'Vaccination',
    Description: [{ lang: 'en', desc: 'English text of the rule' }],
    ValidFrom: '2025-01-01T00:00:00Z',
    ValidTo: '2026-01-01T00:00:00Z',
    AffectedFields: [],
    Logic: true,
    ...over,
  }
}

const select = (rules: DccRule[], over: Partial<Parameters<typeof selectDccRules>[1]> = {}) =>
  selectDccRules(rules, {
    country: 'AT',
    issuerCountry: 'DE',
    certificateType: 'Vaccination',
    clock: CLOCK,
    ...over,
  }).map((r) => `${r.Identifier}@${r.Version}`)

describe('selecting the rules that apply', () => {
  it('keeps the highest Version of each Identifier, compared as numbers', () => {
    expect(compareVersions('1.0.10', '1.0.9')).toBeGreaterThan(0)
    expect(compareVersions('2.0.0', '10.0.0')).toBeLessThan(0)
    const rules = [
      rule({ Version: '1.0.9' }),
      rule({ Version: '1.0.10' }),
      rule({ Version: '1.0.2' }),
    ]
    expect(select(rules)).toEqual(['VR-AT-0001@1.0.10'])
  })

  it('a higher version not yet valid leaves the current one in force', () => {
    const rules = [rule(), rule({ Version: '2.0.0', ValidFrom: '2025-06-01T00:00:00Z' })]
    expect(select(rules)).toEqual(['VR-AT-0001@1.0.0'])
  })

  it('ValidFrom and ValidTo are both included; a second outside leaves the rule out', () => {
    const r = [rule({ ValidFrom: '2025-03-01T12:00:00Z', ValidTo: '2025-03-01T12:00:00Z' })]
    expect(select(r)).toHaveLength(1)
    expect(select(r, { clock: CLOCK - 1 })).toHaveLength(0)
    expect(select(r, { clock: CLOCK + 1 })).toHaveLength(0)
  })

  it('Acceptance from the country of arrival, Invalidation from the issuing country', () => {
    const rules = [
      rule({ Identifier: 'VR-DE-0001', Country: 'DE' }),
      rule({
        Identifier: 'IR-DE-0001',
        Country: 'DE',
        Type: 'Invalidation',
        CertificateType: 'General',
      }),
      rule({ Identifier: 'IR-AT-0001', Type: 'Invalidation', CertificateType: 'General' }),
    ]
    expect(select(rules)).toEqual(['IR-DE-0001@1.0.0'])
    expect(select(rules, { issuerCountry: 'AT' })).toEqual(['IR-AT-0001@1.0.0'])
  })

  it('General rules apply to every type; a typed rule only to its own', () => {
    const rules = [
      rule({ Identifier: 'GR-AT-0001', CertificateType: 'General' }),
      rule({ Identifier: 'TR-AT-0001', CertificateType: 'Test' }),
    ]
    expect(select(rules)).toEqual(['GR-AT-0001@1.0.0'])
    expect(select(rules, { certificateType: 'Test' })).toEqual([
      'GR-AT-0001@1.0.0',
      'TR-AT-0001@1.0.0',
    ])
  })

  it('a regional rule only for its region', () => {
    const rules = [rule({ Region: 'W' })]
    expect(select(rules)).toEqual([])
    expect(select(rules, { region: 'W' })).toEqual(['VR-AT-0001@1.0.0'])
  })

  it('reads the type of a payload from its one non-empty v, t or r', () => {
    expect(dccRuleType({ v: [{}] })).toBe('Vaccination')
    expect(dccRuleType({ t: [{}], v: [] })).toBe('Test')
    expect(dccRuleType({ r: [{}] })).toBe('Recovery')
    expect(dccRuleType({ v: [] })).toBeUndefined()
    expect(dccRuleType(null)).toBeUndefined()
  })
})

describe('descriptions and results', () => {
  const r = rule({
    Description: [
      { lang: 'en', desc: 'English text of the rule' },
      { lang: 'es', desc: 'Texto en español de la regla' },
    ],
  })
  it('in the verifier’s language, its primary subtag, else English', () => {
    expect(ruleDescription(r, 'es')).toBe('Texto en español de la regla')
    expect(ruleDescription(r, 'es-mx')).toBe('Texto en español de la regla')
    expect(ruleDescription(r, 'de')).toBe('English text of the rule')
    expect(ruleDescription(r)).toBe('English text of the rule')
  })

  const external = dccExternal({ now: CLOCK, country: 'AT', exp: CLOCK + 86_400, iat: CLOCK })
  it('builds the external context with instants as ISO 8601 UTC', () => {
    expect(external).toMatchObject({
      validationClock: '2025-03-01T12:00:00Z',
      exp: '2025-03-02T12:00:00Z',
      countryCode: 'AT',
      issuerCountryCode: '',
      valueSets: {},
    })
  })

  it.each([
    ['true', true, 'pass'],
    ['false', false, 'fail'],
    ['a truthy number, not true', 1, 'fail'],
    ['a truthy string, not true', 'yes', 'fail'],
    [
      'a comparison of dates',
      {
        after: [
          { plusTime: [{ var: 'external.validationClock' }, 1, 'day'] },
          { plusTime: ['2025-03-01', 0, 'day'] },
        ],
      },
      'pass',
    ],
    [
      'plusTime on a missing date: an error',
      {
        after: [
          { plusTime: [{ var: 'payload.v.0.dt' }, 0, 'day'] },
          { plusTime: ['2025-03-01', 0, 'day'] },
        ],
      },
      'error',
    ],
  ] as const)('%s → %s', (_, logic, result) => {
    const outcome = evaluateDccRule(
      rule({ Logic: logic as DccRule['Logic'] }),
      { v: [{}] },
      external,
    )
    expect(outcome.result).toBe(result)
    if (result === 'error') expect(outcome.error).toBeTruthy()
  })

  it('the first rule by Identifier that fails decides, an error as much as a false', () => {
    const set = {
      country: 'AT',
      rules: [
        rule({ Identifier: 'VR-AT-0003', Logic: false }),
        rule({ Identifier: 'VR-AT-0002', Logic: { plusTime: [{ var: 'payload.x' }, 0, 'day'] } }),
        rule({ Identifier: 'VR-AT-0001' }),
      ],
    }
    const v = evaluateDccRules(set, {
      payload: { v: [{}] },
      external,
      certificateType: 'Vaccination',
    })
    expect(v.code).toBe('DCC_RULE_ERROR')
    expect(v.failed?.identifier).toBe('VR-AT-0002')
    expect(v.outcomes.map((o) => o.result)).toEqual(['pass', 'error', 'fail'])
  })
})
