/**
 * EU DCC business rules imported per country against the real app (PGlite, and Postgres when
 * TEST_DATABASE_URL is set): each import is the country's next release and a `verifier-release`
 * ledger entry (key id `dcc-rules:<CC>:<n>`) committing to the exact bytes; the signed trust
 * material carries the latest import per country and the latest value sets, which a venue opens
 * and applies; a rule set that does not read, or rules of another country, are refused with the
 * field named.
 */
import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type DccRuleSet,
  dccRulesHash,
  openDccRulesRelease,
  openDccValueSetsRelease,
} from '../../../src/core/certlogic/index.ts'
import { fromBase64, toHex } from '../../../src/core/codec/index.ts'
import { dccTrust, signerFromDsc } from '../../../src/core/dcc/index.ts'
import { decodeEntry } from '../../../src/core/leaf/index.ts'
import { openTrustMaterial, verifyDcc } from '../../../src/core/verify/index.ts'
import { COMMAND_LINE } from '../../../src/platform/context/index.ts'
import { logEntries } from '../../../src/platform/db/index.ts'
import { ServiceError } from '../../../src/platform/errors/index.ts'
import {
  importDccRules,
  importDccValueSets,
  listDccRules,
} from '../../../src/services/trust/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { readVectorJson, readVectorText, vectorPath } from '../../helpers/vectors.ts'
import { readDccVector } from '../../unit/dcc/vector-file.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const AT_RULES = readdirSync(vectorPath('certlogic/rules/AT')).map((id) =>
  readVectorJson<Record<string, unknown>>(`certlogic/rules/AT/${id}/rule.json`),
)
const AT_TEXT = JSON.stringify(AT_RULES, null, 2)
const VALUE_SETS = readVectorText('certlogic/rules/valuesets/valueSets.json')

async function refusal(p: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  try {
    await p
  } catch (err) {
    if (err instanceof ServiceError) return { code: err.code, field: err.field }
    throw err
  }
  throw new Error('accepted')
}

describe.each(ENGINES)('EU DCC business rules on %s', (engine) => {
  let t: TestApp
  let vkey: string
  const ctx = () => ({ ...t.ctx, actor: COMMAND_LINE })
  beforeAll(async () => {
    t = await createTestApp(engine)
    vkey = (await (await t.app.request('/log/key')).text()).trim()
  })
  afterAll(() => t?.close())

  it('an import is the next release and a ledger entry committing to its exact bytes', async () => {
    const first = await importDccRules(ctx(), { country: 'AT', text: AT_TEXT })
    expect(first).toMatchObject({ country: 'AT', release: 1, keyId: 'dcc-rules:AT:1', rules: 16 })
    expect(first.sha256).toBe(toHex(dccRulesHash(AT_TEXT)))
    expect(typeof first.leafIndex).toBe('number')
    const rows = await t.ctx.db.select().from(logEntries)
    const row = rows.find((r) => Number(r.idx) === first.leafIndex)
    const entry = decodeEntry(row?.entry as Uint8Array)
    expect(entry).toMatchObject({ kind: 'verifier-release', keyId: 'dcc-rules:AT:1' })
    expect(toHex(entry.artefactHash)).toBe(first.sha256)

    const fewer = JSON.stringify(AT_RULES.slice(0, 15))
    const second = await importDccRules(ctx(), { country: 'AT', text: fewer })
    expect(second).toMatchObject({ release: 2, keyId: 'dcc-rules:AT:2', rules: 15 })
    expect(second.leafIndex).toBeGreaterThan(first.leafIndex as number)
    expect((await listDccRules(ctx())).map((r) => r.keyId)).toEqual([
      'dcc-rules:AT:2',
      'dcc-rules:AT:1',
    ])
  })

  it('refuses, naming the field: another country’s rules, a corrupt rule, not JSON, a bad country', async () => {
    expect(await refusal(importDccRules(ctx(), { country: 'DE', text: AT_TEXT }))).toEqual({
      code: 'VALIDATION',
      field: 'rules.0.Country',
    })
    const corrupt = JSON.stringify([AT_RULES[0], { ...AT_RULES[1], Logic: { if: [true] } }])
    expect(await refusal(importDccRules(ctx(), { country: 'AT', text: corrupt }))).toEqual({
      code: 'VALIDATION',
      field: 'rules.1.Logic',
    })
    expect(await refusal(importDccRules(ctx(), { country: 'AT', text: '{' }))).toEqual({
      code: 'VALIDATION',
      field: 'rules',
    })
    expect(await refusal(importDccRules(ctx(), { country: 'at', text: AT_TEXT }))).toEqual({
      code: 'VALIDATION',
      field: 'country',
    })
    expect((await listDccRules(ctx())).every((r) => r.country === 'AT')).toBe(true)
  })

  it('the signed trust material carries the latest import per country; a venue applies it', async () => {
    await importDccRules(ctx(), { country: 'AT', text: AT_TEXT })
    const material = await openTrustMaterial(
      await (await t.app.request('/trust/material')).text(),
      vkey,
    )
    expect(material.dccRules?.map((r) => [r.country, r.release])).toEqual([['AT', 3]])
    const release = material.dccRules?.[0]
    if (release === undefined) throw new Error('no DCC rules in the material')
    const set = openDccRulesRelease(release)
    expect(set).toMatchObject({ country: 'AT', release: 'dcc-rules:AT:3' })
    expect(set.rules).toHaveLength(16)
    // One character changed on the way: the hash no longer matches, DCC_RULES_INVALID.
    expect(() =>
      openDccRulesRelease({ ...release, text: release.text.replace('22 days', '2 days') }),
    ).toThrow(expect.objectContaining({ code: 'DCC_RULES_INVALID', field: 'text' }))

    const vector = readDccVector('DE/2DCode/raw/4.json')
    const signer = await signerFromDsc(fromBase64(vector.TESTCTX?.CERTIFICATE as string))
    const check = (rules: DccRuleSet) =>
      verifyDcc(vector.PREFIX as string, {
        trust: dccTrust([signer]),
        now: Date.parse('2021-06-01T18:00:00Z') / 1000,
        rules: { set: rules },
      })
    // Without the value sets, GR-AT-0001 (disease in the value set) cannot be evaluated: failed.
    const bare = await check(set)
    expect(bare.reason).toMatchObject({ id: 'rules', code: 'DCC_RULE_ERROR' })
    expect(bare.reason?.detail?.rule).toBe('GR-AT-0001')

    const vs = await importDccValueSets(ctx(), { text: VALUE_SETS })
    expect(vs).toMatchObject({ release: 1, keyId: 'dcc-valuesets:1' })
    expect(vs.ids).toContain('vaccines-covid-19-names')
    const again = await openTrustMaterial(
      await (await t.app.request('/trust/material')).text(),
      vkey,
    )
    if (again.dccValueSets === undefined) throw new Error('no value sets in the material')
    const valueSets = openDccValueSetsRelease(again.dccValueSets)
    const v = await check(openDccRulesRelease(release, valueSets))
    expect(v.reason).toMatchObject({ id: 'rules', code: 'DCC_RULE_FAILED' })
    expect(v.reason?.detail).toMatchObject({ rule: 'VR-AT-0004', release: 'dcc-rules:AT:3' })
    expect(await refusal(importDccValueSets(ctx(), { text: '{"a": [1]}' }))).toEqual({
      code: 'VALIDATION',
      field: 'valueSets.a',
    })
  })
})
