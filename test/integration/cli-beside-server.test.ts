/**
 * A command run while the server runs, as an operator meets it: `vigil serve` on a data
 * directory (the embedded database), and every CLI command as a real process beside it, with
 * no PORT or PUBLIC_URL of its own. Each command's effect is visible through the server's API at
 * once and survives a restart.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHECKPOINT_MAX_AGE_MS } from '../../src/services/ledger/memory.ts'
import { runCli } from '../helpers/cli.ts'
import { freePort, type RunningServer, startServer } from '../helpers/server.ts'

const dir = mkdtempSync(join(tmpdir(), 'vigil-beside-'))
const REGIONS = new URL('../../data/regions-xv.csv', import.meta.url).pathname
let port: string
let server: RunningServer
const cli = (...args: string[]) => runCli(args, { VIGIL_DATA_DIR: dir, PORT: undefined })

beforeAll(async () => {
  port = String(await freePort())
  server = await startServer({ VIGIL_DATA_DIR: dir, PORT: port })
}, 180_000)

afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function api(path: string, token: string, init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function checkpointSize(): Promise<bigint> {
  const text = await (await fetch(`${server.url}/log/checkpoint`)).text()
  return BigInt(text.split('\n')[1] ?? '-1')
}

function immunization(given: string) {
  return {
    type: 'immunization',
    patient: { givenNames: [given], familyName: 'Jansen', birthDate: '1985-03-14' },
    immunizations: [{ code: '208', date: '2021-05-01' }],
    region: 'XV-N',
  }
}

describe('every CLI command beside a running vigil serve (PGlite data directory)', () => {
  let token = ''
  const credentialIds: string[] = []

  it('tokens create: the printed token works against the server at once; tokens list shows it', async () => {
    const created = await cli(
      'tokens',
      'create',
      '--name',
      'records',
      '--role',
      'issuer',
      '--role',
      'admin',
    )
    expect(created.stderr).not.toMatch(/waiting for/)
    expect(created.code).toBe(0)
    token = created.stdout.trim()
    expect(token).toMatch(/^vgl_[a-z0-9]+_/)
    const listed = await api('/api/tokens', token)
    expect(listed.status).toBe(200)
    const id = token.split('_')[1]
    expect(JSON.stringify(listed.body)).toContain(id)
    const list = await cli('tokens', 'list', '--json')
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(id)
  }, 300_000)

  it('the server issues with that token; import issues beside it, visible at once', async () => {
    const issued = await api('/api/credentials', token, {
      method: 'POST',
      body: JSON.stringify(immunization('Anne')),
    })
    expect(issued.status).toBe(201)
    credentialIds.push(String(issued.body.id))
    const file = join(dir, 'rows.ndjson')
    const report = join(dir, 'report.ndjson')
    writeFileSync(
      file,
      ['Bea', 'Cas'].map((g) => JSON.stringify({ rowKey: g, ...immunization(g) })).join('\n'),
    )
    const imported = await cli('import', file, '--report', report)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('2 issued')
    const rows = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    for (const row of rows) {
      const got = await api(`/api/credentials/${row.id}`, token)
      expect(got.status).toBe(200)
      expect(got.body.status).toBe('active')
      credentialIds.push(row.id)
    }
  }, 300_000)

  it('admin invite, keys rotate, regions load, exposure export and cleanup, demo: each seen by the server', async () => {
    const invite = await cli('admin', 'invite', '--name', 'Ana', '--role', 'tracer')
    expect(invite.code).toBe(0)
    expect(invite.stdout.trim()).toMatch(new RegExp(`^http://localhost:${port}/enrol\\.html#`))
    const invitations = await api('/api/staff/invitations', token)
    expect(JSON.stringify(invitations.body)).toContain('Ana')

    const before = await (await fetch(`${server.url}/.well-known/jwks.json`)).json()
    const rotated = await cli('keys', 'rotate')
    expect(rotated.code).toBe(0)
    const kid = rotated.stdout.trim().split(' -> ')[1]
    const after = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[]
    }
    expect(after.keys.length).toBe((before as { keys: unknown[] }).keys.length + 1)
    expect(after.keys.map((k) => k.kid)).toContain(kid)
    // The server signs with the new key within its one-second re-read.
    await new Promise((r) => setTimeout(r, 1200))
    const fresh = await api('/api/credentials', token, {
      method: 'POST',
      body: JSON.stringify(immunization('Dirk')),
    })
    expect(fresh.status).toBe(201)
    const header = JSON.parse(atob(String(fresh.body.jws).split('.')[0] as string))
    expect(header.kid).toBe(kid)

    const regions = await cli('regions', 'load', REGIONS)
    expect(regions.code).toBe(0)

    for (const verb of ['export', 'cleanup']) {
      const r = await cli('exposure', verb, '--json')
      expect(r.code).toBe(0)
    }

    const size = await checkpointSize()
    const demo = await cli('demo', '--facts', '2000', '--credentials', '4', '--codes', '2')
    expect(demo.code).toBe(0)
    // Four credentials (and any revocations) went into the server's log. The CLI signed that
    // checkpoint; the server serves another process's checkpoint within CHECKPOINT_MAX_AGE_MS
    // (services/ledger/memory.ts), so a quick command can finish inside that second.
    await expect
      .poll(checkpointSize, { timeout: 3 * CHECKPOINT_MAX_AGE_MS })
      .toBeGreaterThanOrEqual(size + 4n)
  }, 600_000)

  it('audit beside the server reads the same log and finds it consistent', async () => {
    const audit = await cli('audit', '--json')
    expect(audit.stderr).not.toMatch(/AUDIT_CHECKPOINT_MALFORMED/)
    expect(audit.code).toBe(0)
    const report = JSON.parse(audit.stdout)
    expect(BigInt(report.size ?? report.treeSize ?? -1)).toBe(await checkpointSize())
  }, 300_000)

  it('survives a restart: the token, the credentials and the log are all still there', async () => {
    const size = await checkpointSize()
    await server.stop()
    server = await startServer({ VIGIL_DATA_DIR: dir, PORT: port })
    expect(await checkpointSize()).toBe(size)
    const listed = await api('/api/tokens', token)
    expect(listed.status).toBe(200)
    for (const id of credentialIds)
      expect((await api(`/api/credentials/${id}`, token)).status).toBe(200)
  }, 300_000)
})
