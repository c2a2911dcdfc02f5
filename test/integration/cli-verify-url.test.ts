/**
 * `vigil verify --url`: the trust data comes from a running deployment (a real `vigil serve`
 * process on an embedded database). The DE DSC is imported beside it as a JWKS list and
 * Austria's rules as a rules import; the CLI then fetches /trust/dcc (and, for
 * --rules-country, /trust/material), checks both with the log key — read from /log/key, or
 * pinned with --vkey — and verifies DE 1 (valid, meets AT rules) and DE 4 (fails VR-AT-0004).
 * A key that is not the log's (exit 2, VERIFY_TRUST_SIGNATURE), a non-https URL and mixed
 * flags (exit 2) are refused before any verdict.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64, toBase64 } from '../../src/core/codec/index.ts'
import { dscKid } from '../../src/core/dcc/index.ts'
import { generateSignerKey } from '../../src/core/note/index.ts'
import { TEST_MASTER_KEY } from '../helpers/app.ts'
import { runVigil } from '../helpers/cli.ts'
import { seedDataDir } from '../helpers/db.ts'
import {
  freePort,
  PROCESS_TEST_TIMEOUT,
  type RunningServer,
  startServer,
} from '../helpers/server.ts'
import { readVectorJson, vectorPath } from '../helpers/vectors.ts'
import { readDccVector, validationClock } from '../unit/dcc/vector-file.ts'

const de1 = readDccVector('DE/2DCode/raw/1.json')
const de4 = readDccVector('DE/2DCode/raw/4.json').PREFIX as string
const der = de1.TESTCTX?.CERTIFICATE as string
const now = String(validationClock(de1))

const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-verify-url-')))
const env = {
  VIGIL_DATA_DIR: dir,
  VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
  VIGIL_LOG_LEVEL: 'error',
}
// Commands beside the server: no PORT of their own, the embedded database through its socket.
const beside = { ...env, PORT: undefined, DATABASE_URL: undefined }
let server: RunningServer
let vkey: string

const verify = async (...args: string[]) => {
  const r = await runVigil(['verify', ...args], beside)
  return { ...r, json: r.stdout === '' ? undefined : JSON.parse(r.stdout) }
}

beforeAll(async () => {
  server = await startServer({ ...env, PORT: String(await freePort()), DATABASE_URL: '' })
  vkey = (await (await fetch(`${server.url}/log/key`)).text()).trim()
  const jwks = join(dir, 'de.json')
  writeFileSync(
    jwks,
    JSON.stringify({ keys: [{ kty: 'EC', kid: await dscKid(fromBase64(der)), x5c: [der] }] }),
  )
  const listed = await runVigil(['trust', 'dcc', 'import', '--format', 'jwks', jwks], beside)
  expect(listed.status, listed.stderr).toBe(0)
  const rules = join(dir, 'rules-at.json')
  writeFileSync(
    rules,
    JSON.stringify(
      readdirSync(vectorPath('certlogic/rules/AT')).map((id) =>
        readVectorJson(`certlogic/rules/AT/${id}/rule.json`),
      ),
    ),
  )
  for (const args of [
    ['trust', 'dcc', 'rules', 'import', 'AT', rules],
    ['trust', 'dcc', 'valuesets', 'import', vectorPath('certlogic/rules/valuesets/valueSets.json')],
  ]) {
    const r = await runVigil(args, beside)
    expect(r.status, r.stderr).toBe(0)
  }
}, PROCESS_TEST_TIMEOUT)

afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('vigil verify --url (a running deployment)', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('DE 1 against the signers in /trust/dcc → exit 0; the JSON names the list and its entry', async () => {
    const r = await verify(de1.PREFIX as string, '--url', server.url, '--now', now)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.json.verdict.status).toBe('valid')
    expect(r.json.verdict.dcc.signerCountry).toBe('DE')
    expect(r.json.trust).toMatchObject({ url: server.url, vkey, pinned: false })
    expect(r.json.trust.lists).toEqual([
      expect.objectContaining({ name: 'de', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ])
  })

  it("with --vkey pinned and --rules-country AT: DE 1 meets Austria's rules, DE 4 fails VR-AT-0004", async () => {
    const ok = await verify(
      de1.PREFIX as string,
      ...['--url', server.url, '--vkey', vkey, '--rules-country', 'AT', '--now', now],
    )
    expect(ok.status).toBe(0)
    expect(ok.json.trust.pinned).toBe(true)
    expect(ok.json.verdict.checks.at(-1)).toMatchObject({ id: 'rules', code: 'DCC_RULES_PASSED' })
    const failed = await verify(
      de4,
      ...['--url', server.url, '--vkey', vkey, '--rules-country', 'AT', '--now', now],
    )
    expect(failed.status).toBe(1)
    expect(failed.json.plain).toMatchObject({
      code: 'DCC_RULE_FAILED',
      params: { rule: 'VR-AT-0004', country: 'AT' },
    })
  })

  it('a country the deployment has no rules for → exit 3 (DCC_RULES_NONE)', async () => {
    const r = await verify(
      de1.PREFIX as string,
      ...['--url', server.url, '--rules-country', 'FR', '--now', now],
    )
    expect(r.status).toBe(3)
    expect(r.json.plain.code).toBe('DCC_RULES_NONE')
  })

  it('trust data not signed by the pinned key → exit 2 (VERIFY_TRUST_SIGNATURE), no verdict', async () => {
    const other = (
      await generateSignerKey('other.example/log', (n) => crypto.getRandomValues(new Uint8Array(n)))
    ).vkey
    const r = await verify(de1.PREFIX as string, '--url', server.url, '--vkey', other)
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('VERIFY_TRUST_SIGNATURE')
  })

  it('usage: a plain-http remote URL, --url with --dcc-trust, --vkey alone → exit 2', async () => {
    const text = de1.PREFIX as string
    expect((await verify(text, '--url', 'http://vigil.example')).status).toBe(2)
    expect((await verify(text, '--url', server.url, '--dcc-trust', 'x.json')).status).toBe(2)
    expect((await verify(text, '--vkey', vkey)).status).toBe(2)
    const down = await verify(text, '--url', `http://127.0.0.1:${await freePort()}`)
    expect(down.status).toBe(2)
    expect(down.stderr).toContain('vigil verify: http://127.0.0.1:')
  })
})
