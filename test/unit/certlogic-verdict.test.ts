/**
 * A real country's acceptance rules (Austria's 16 published rules and the EU value sets,
 * test/vectors/certlogic/rules) against vaccination, test and recovery payloads from the EU DCC
 * vectors (test/vectors/dcc): each case passes or fails, a failing case naming the first rule
 * not met. The upstream vectors date from spring 2021 and the rules from 1 June 2021, so each case
 * sets the validation clock; where a case needs a fresh sample, one field of the payload is
 * changed and the case says so. Last, two signed vectors verified end to end with the rules.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  type DccRuleSet,
  dccExternal,
  dccRulesHash,
  dccRuleType,
  evaluateDccRules,
  parseDccRule,
  parseDccValueSets,
} from '../../src/core/certlogic/index.ts'
import { fromBase64, toHex } from '../../src/core/codec/index.ts'
import { dccTrust, signerFromDsc } from '../../src/core/dcc/index.ts'
import {
  dccRuleCountries,
  dccRulesFor,
  plainVerdict,
  verifyCredential,
} from '../../src/core/verify/index.ts'
import { readVectorJson, readVectorText, vectorPath } from '../helpers/vectors.ts'
import { readDccVector } from './dcc/vector-file.ts'

const AT: DccRuleSet = {
  country: 'AT',
  rules: readdirSync(vectorPath('certlogic/rules/AT')).map((id) =>
    parseDccRule(readVectorJson(`certlogic/rules/AT/${id}/rule.json`)),
  ),
  valueSets: parseDccValueSets(readVectorJson('certlogic/rules/valuesets/valueSets.json')),
}

const at = (iso: string) => Date.parse(iso) / 1000
const payloadOf = (path: string) => readDccVector(path).JSON as Record<string, unknown>

function withEntry(path: string, key: 't' | 'v' | 'r', patch: Record<string, unknown>) {
  const p = payloadOf(path)
  const [entry] = p[key] as Record<string, unknown>[]
  return { ...p, [key]: [{ ...entry, ...patch }] }
}

function run(payload: Record<string, unknown>, clock: number) {
  const type = dccRuleType(payload)
  if (type === undefined) throw new Error('no v, t or r')
  const external = dccExternal({
    now: clock,
    country: 'AT',
    exp: clock + 30 * 86_400,
    iat: clock - 86_400,
    issuerCountry: 'DE',
    valueSets: AT.valueSets,
  })
  return evaluateDccRules(AT, { payload, external, certificateType: type })
}

type Case = [string, () => Record<string, unknown>, string, string, string | undefined]
const cases: Case[] = [
  // name, payload, clock, code, the failing rule
  [
    'v 2/2 (DE 1), 3 days after',
    () => payloadOf('DE/2DCode/raw/1.json'),
    '2021-06-01T18:00:00Z',
    'DCC_RULES_PASSED',
    undefined,
  ],
  [
    'v 2/2 (DE 1), 276 days after: past 270',
    () => payloadOf('DE/2DCode/raw/1.json'),
    '2022-03-01T12:00:00Z',
    'DCC_RULE_FAILED',
    'VR-AT-0005',
  ],
  [
    'v 1/2 (DE 4), 3 days after: not yet 22',
    () => payloadOf('DE/2DCode/raw/4.json'),
    '2021-06-01T18:00:00Z',
    'DCC_RULE_FAILED',
    'VR-AT-0004',
  ],
  [
    'v 1/2 (DE 4), 27 days after',
    () => payloadOf('DE/2DCode/raw/4.json'),
    '2021-06-25T12:00:00Z',
    'DCC_RULES_PASSED',
    undefined,
  ],
  [
    'v 1/1 (PL 14), 80 days after',
    () => payloadOf('PL/1.3.0/2DCode/raw/14.json'),
    '2021-06-06T12:00:00Z',
    'DCC_RULES_PASSED',
    undefined,
  ],
  [
    'v of a product AT does not list',
    () => withEntry('DE/2DCode/raw/1.json', 'v', { mp: 'Sputnik-V' }),
    '2021-06-01T18:00:00Z',
    'DCC_RULE_FAILED',
    'VR-AT-0001',
  ],
  [
    't RAT (DE 2) with no device named',
    () => payloadOf('DE/2DCode/raw/2.json'),
    '2021-06-01T09:00:00Z',
    'DCC_RULE_FAILED',
    'TR-AT-0002',
  ],
  [
    't RAT (PL 5), sample 24 h old',
    () => withEntry('PL/1.3.0/2DCode/raw/5.json', 't', { sc: '2021-06-01T12:00:00Z' }),
    '2021-06-02T12:00:00Z',
    'DCC_RULES_PASSED',
    undefined,
  ],
  [
    't RAT (PL 5), sample 49 h old',
    () => withEntry('PL/1.3.0/2DCode/raw/5.json', 't', { sc: '2021-06-01T12:00:00Z' }),
    '2021-06-03T13:00:00Z',
    'DCC_RULE_FAILED',
    'TR-AT-0005',
  ],
  [
    't RAT (PL 5), positive',
    () =>
      withEntry('PL/1.3.0/2DCode/raw/5.json', 't', { sc: '2021-06-01T12:00:00Z', tr: '260373001' }),
    '2021-06-02T12:00:00Z',
    'DCC_RULE_FAILED',
    'TR-AT-0004',
  ],
  [
    't NAA (PL 4), sample 71 h old',
    () => withEntry('PL/1.3.0/2DCode/raw/4.json', 't', { sc: '2021-06-01T12:00:00Z' }),
    '2021-06-04T11:00:00Z',
    'DCC_RULES_PASSED',
    undefined,
  ],
  [
    'r (ES 1502), 31 days after the positive test',
    () => payloadOf('ES/2DCode/raw/1502.json'),
    '2021-06-01T12:00:00Z',
    'DCC_RULES_PASSED',
    undefined,
  ],
  [
    'r (ES 1502), 214 days after: past 180',
    () => payloadOf('ES/2DCode/raw/1502.json'),
    '2021-12-01T12:00:00Z',
    'DCC_RULE_FAILED',
    'RR-AT-0002',
  ],
  [
    'a payload with both v and t',
    () => ({ ...payloadOf('DE/2DCode/raw/1.json'), t: payloadOf('DE/2DCode/raw/2.json').t }),
    '2021-06-01T18:00:00Z',
    'DCC_RULE_FAILED',
    'GR-AT-0000',
  ],
  [
    'before the rules were in force: none applies',
    () => payloadOf('DE/2DCode/raw/4.json'),
    '2021-05-31T12:00:00Z',
    'DCC_RULES_PASSED',
    undefined,
  ],
]

describe("Austria's acceptance rules against the EU DCC vectors", () => {
  it('reads the 16 rules', () => {
    expect(AT.rules).toHaveLength(16)
  })
  it.each(cases)('%s', (_, payload, clock, code, rule) => {
    const result = run(payload(), at(clock))
    expect(result.code).toBe(code)
    expect(result.failed?.identifier).toBe(rule)
    if (rule !== undefined) expect(result.failed?.description).toMatch(/\w{4}/)
  })
})

describe('signed EU vectors verified with the rules of the country of arrival', () => {
  async function verifyWith(path: string, now: number) {
    const vector = readDccVector(path)
    const signer = await signerFromDsc(fromBase64(vector.TESTCTX?.CERTIFICATE as string))
    return verifyCredential(vector.PREFIX as string, {
      trust: [],
      now,
      dcc: { trust: dccTrust([signer]), rules: { set: AT } },
    })
  }

  it('DE 1 (v 2/2) on 1 June 2021: valid, the rules check passed', async () => {
    const v = await verifyWith('DE/2DCode/raw/1.json', at('2021-06-01T18:00:00Z'))
    expect(v.status).toBe('valid')
    expect(v.checks.at(-1)).toMatchObject({ id: 'rules', result: 'pass', code: 'DCC_RULES_PASSED' })
  })

  it('DE 4 (v 1/2, 3 days old) on 1 June 2021: not valid, VR-AT-0004 named in plain words', async () => {
    const v = await verifyWith('DE/2DCode/raw/4.json', at('2021-06-01T18:00:00Z'))
    expect(v.status).toBe('invalid')
    const plain = plainVerdict(v)
    expect(plain).toMatchObject({ kind: 'not-valid', key: 'rule-failed', code: 'DCC_RULE_FAILED' })
    expect(plain.params.rule).toBe('VR-AT-0004')
    expect(plain.params.desc).toContain('more than 22 days')
  })
})

describe('the rules a venue applies, from its trust material (dccRulesFor)', () => {
  const rulesText = JSON.stringify(
    readdirSync(vectorPath('certlogic/rules/AT')).map((id) =>
      readVectorJson(`certlogic/rules/AT/${id}/rule.json`),
    ),
  )
  const valueSetsText = readVectorText('certlogic/rules/valuesets/valueSets.json')
  const logged = (text: string) => ({
    release: 1,
    text,
    sha256: toHex(dccRulesHash(text)),
    leafIndex: 7,
    entryTime: at('2021-06-01T00:00:00Z'),
  })
  const material = {
    dccRules: [{ country: 'AT', ...logged(rulesText) }],
    dccValueSets: logged(valueSetsText),
  }
  async function verifyDe1(rules: ReturnType<typeof dccRulesFor>) {
    const vector = readDccVector('DE/2DCode/raw/1.json')
    const signer = await signerFromDsc(fromBase64(vector.TESTCTX?.CERTIFICATE as string))
    return verifyCredential(vector.PREFIX as string, {
      trust: [],
      now: at('2021-06-01T18:00:00Z'),
      dcc: { trust: dccTrust([signer]), rules },
    })
  }

  it('lists the countries and opens the chosen one with its value sets', async () => {
    expect(dccRuleCountries(material)).toEqual(['AT'])
    const option = dccRulesFor(material, 'AT', 'es')
    expect(option).toMatchObject({ lang: 'es', set: { country: 'AT', release: 'dcc-rules:AT:1' } })
    const v = await verifyDe1(option)
    expect(v.status).toBe('valid')
    expect(v.checks.at(-1)?.code).toBe('DCC_RULES_PASSED')
  })

  it('a country the material lacks → DCC_RULES_NONE, cannot confirm', async () => {
    const v = await verifyDe1(dccRulesFor(material, 'FR'))
    expect(v.status).toBe('cannot-confirm')
    expect(v.reason).toMatchObject({ id: 'rules', code: 'DCC_RULES_NONE' })
  })

  it('rules or value sets changed after logging → DCC_RULES_INVALID, cannot confirm', async () => {
    const [release] = material.dccRules
    const altered = { ...material, dccRules: [{ ...release, text: `${release?.text} ` }] }
    const v = await verifyDe1(dccRulesFor(altered as typeof material, 'AT'))
    expect(v.reason).toMatchObject({ id: 'rules', code: 'DCC_RULES_INVALID' })
    const vs = { ...material, dccValueSets: { ...material.dccValueSets, sha256: '0'.repeat(64) } }
    expect((await verifyDe1(dccRulesFor(vs, 'AT'))).reason?.code).toBe('DCC_RULES_INVALID')
  })
})
