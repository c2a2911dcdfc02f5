/**
 * `vigil verify`: one EU DCC from dgc-testdata (DE/2DCode/raw/1.json) verified offline against
 * its DSC from a trust file, at the vector's validation clock; then the same text tampered,
 * revoked, without trust, and read from a file; then with Austria's business rules (CertLogic,
 * test/vectors/certlogic) met by DE 1 and failed by DE 4. Exit codes: 0 valid, 1 invalid,
 * 3 cannot confirm.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64 } from '../../src/core/codec/index.ts'
import { dccRevocationHashes, decodeHc1, dscKid, euDccOf } from '../../src/core/dcc/index.ts'
import { runVigil } from '../helpers/cli.ts'
import { readVectorJson, vectorPath } from '../helpers/vectors.ts'
import { readDccVector, validationClock } from '../unit/dcc/vector-file.ts'

const vector = readDccVector('DE/2DCode/raw/1.json')
const text = vector.PREFIX as string
const der = vector.TESTCTX?.CERTIFICATE as string
const now = String(validationClock(vector))
let dir: string
let trust: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-verify-'))
  trust = join(dir, 'dscs.json')
  writeFileSync(
    trust,
    JSON.stringify({ [await dscKid(fromBase64(der))]: { certificate: der, country: 'DE' } }),
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const verify = async (...args: string[]) => {
  const r = await runVigil(['verify', ...args])
  return { ...r, json: r.stdout === '' ? undefined : JSON.parse(r.stdout) }
}

describe('vigil verify', () => {
  it('a valid DCC → exit 0, the verdict and its summary as JSON', async () => {
    const r = await verify(text, '--dcc-trust', trust, '--now', now)
    expect(r.status).toBe(0)
    expect(r.json.verdict.status).toBe('valid')
    expect(r.json.verdict.dcc.summary.transliterated).toBe('ERIKA MUSTERMANN')
    expect(r.json.verdict.dcc.signerCountry).toBe('DE')
    expect(r.json.plain).toMatchObject({ kind: 'valid', key: 'valid-dcc' })
  })

  it('reads the text from a file', async () => {
    const file = join(dir, 'dcc.txt')
    writeFileSync(file, `${text}\n`)
    expect((await verify(file, '--dcc-trust', trust, '--now', now)).status).toBe(0)
  })

  it('a tampered DCC → exit 1 (a Base45 character changed: damaged or altered)', async () => {
    const i = text.length - 20
    const tampered = `${text.slice(0, i)}${text[i] === 'A' ? 'B' : 'A'}${text.slice(i + 1)}`
    const r = await verify(tampered, '--dcc-trust', trust, '--now', now)
    expect(r.status).toBe(1)
    expect(r.json.verdict.status).toBe('invalid')
  })

  it('a revoked DCC → exit 1 with DCC_REVOKED', async () => {
    const { cose, claims } = decodeHc1(text)
    const uci = (euDccOf(claims).v as { ci: string }[])[0]?.ci as string
    const hashes = await dccRevocationHashes({
      iss: claims.iss,
      uci,
      signature: cose.signature,
      keyType: 'EC',
    })
    const revoked = join(dir, 'revoked.json')
    writeFileSync(
      revoked,
      JSON.stringify({ [await dscKid(fromBase64(der))]: { UCI: [hashes.UCI] } }),
    )
    const r = await verify(text, '--dcc-trust', trust, '--dcc-revoked', revoked, '--now', now)
    expect(r.status).toBe(1)
    expect(r.json.plain).toMatchObject({ kind: 'not-valid', key: 'revoked', code: 'DCC_REVOKED' })
  })

  it('no trust file → exit 3 (cannot confirm: no trust data)', async () => {
    const r = await verify(text, '--now', now)
    expect(r.status).toBe(3)
    expect(r.json.plain.code).toBe('VERIFY_NO_TRUST')
  })

  it('usage errors → exit 2', async () => {
    expect((await verify()).status).toBe(2)
    expect((await verify(text, '--now', 'yesterday')).status).toBe(2)
    writeFileSync(join(dir, 'bad.json'), '["not by kid"]')
    expect((await verify(text, '--dcc-trust', join(dir, 'bad.json'))).status).toBe(2)
  })
})

describe('vigil verify --rules-country', () => {
  let rules: string
  const valueSets = () => vectorPath('certlogic/rules/valuesets/valueSets.json')
  beforeAll(() => {
    const ids = readdirSync(vectorPath('certlogic/rules/AT'))
    rules = join(dir, 'rules-at.json')
    writeFileSync(
      rules,
      JSON.stringify(ids.map((id) => readVectorJson(`certlogic/rules/AT/${id}/rule.json`))),
    )
  })
  const withRules = (vectorText: string, ...more: string[]) =>
    verify(
      vectorText,
      '--dcc-trust',
      trust,
      '--now',
      now,
      '--rules-country',
      'AT',
      '--dcc-rules',
      rules,
      '--dcc-value-sets',
      valueSets(),
      ...more,
    )

  it("DE 1 (2 of 2, 3 days after) meets Austria's rules → exit 0, the rules check passed", async () => {
    const r = await withRules(text)
    expect(r.status).toBe(0)
    expect(r.json.verdict.checks.at(-1)).toMatchObject({ id: 'rules', code: 'DCC_RULES_PASSED' })
  })

  it('DE 4 (1 of 2, 3 days after) fails VR-AT-0004 → exit 1, the rule named', async () => {
    const de4 = readDccVector('DE/2DCode/raw/4.json').PREFIX as string
    const r = await withRules(de4)
    expect(r.status).toBe(1)
    expect(r.json.plain).toMatchObject({
      kind: 'not-valid',
      key: 'rule-failed',
      code: 'DCC_RULE_FAILED',
      params: { rule: 'VR-AT-0004', country: 'AT' },
    })
  })

  it('a rules file that does not read, or a flag alone → exit 2 naming the field', async () => {
    const bad = join(dir, 'rules-bad.json')
    writeFileSync(
      bad,
      JSON.stringify([
        { ...readVectorJson<object>('certlogic/rules/AT/VR-AT-0001/rule.json'), Engine: 'X' },
      ]),
    )
    const r = await verify(
      text,
      '--dcc-trust',
      trust,
      '--now',
      now,
      '--rules-country',
      'AT',
      '--dcc-rules',
      bad,
    )
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('field 0.Engine')
    expect((await verify(text, '--dcc-trust', trust, '--rules-country', 'AT')).status).toBe(2)
  })
})
