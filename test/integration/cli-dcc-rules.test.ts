/**
 * `vigil trust dcc rules import COUNTRY FILE` and `vigil trust dcc valuesets import FILE` as an
 * operator runs them, on each engine: exit 0 with the key id of the ledger entry, the next
 * release on a second import, 1 for a file the service refuses (nothing stored), 2 for usage.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runVigil } from '../helpers/cli.ts'
import { createTestDatabase, ENGINES, POSTGRES_SKIP_REASON, seedDataDir } from '../helpers/db.ts'
import { readVectorJson, vectorPath } from '../helpers/vectors.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('vigil trust dcc on %s', (engine) => {
  const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-dcc-rules-')))
  const rules = join(dir, 'rules-at.json')
  const bad = join(dir, 'rules-bad.json')
  let env: Record<string, string>
  let drop = async () => {}
  beforeAll(async () => {
    let url = ''
    if (engine === 'postgres') {
      const database = await createTestDatabase('postgres')
      await database.close()
      url = database.url ?? ''
      drop = () => database.drop()
    }
    env = { VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'error', DATABASE_URL: url }
    const all = readdirSync(vectorPath('certlogic/rules/AT')).map((id) =>
      readVectorJson<Record<string, unknown>>(`certlogic/rules/AT/${id}/rule.json`),
    )
    writeFileSync(rules, JSON.stringify(all))
    writeFileSync(bad, JSON.stringify([{ ...all[0], Type: 'Warning' }]))
  })
  afterAll(async () => {
    await drop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('imports, logs, refuses and explains usage', { timeout: 120_000 }, async () => {
    const first = await runVigil(['trust', 'dcc', 'rules', 'import', 'AT', rules], env)
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toMatch(
      /^dcc-rules:AT:1: 16 rules of AT, sha256 [0-9a-f]{64}, ledger index \d+/,
    )
    const second = await runVigil(['trust', 'dcc', 'rules', 'import', 'AT', rules], env)
    expect(second.stdout).toMatch(/^dcc-rules:AT:2:/)

    const refused = await runVigil(['trust', 'dcc', 'rules', 'import', 'AT', bad], env)
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('0.Type')
    expect((await runVigil(['trust', 'dcc', 'rules', 'import', 'AT'], env)).status).toBe(2)

    const vs = vectorPath('certlogic/rules/valuesets/valueSets.json')
    const values = await runVigil(['trust', 'dcc', 'valuesets', 'import', vs], env)
    expect(values.status, values.stderr).toBe(0)
    expect(values.stdout).toMatch(/^dcc-valuesets:1: 9 value sets, sha256 [0-9a-f]{64}/)
  })
})
