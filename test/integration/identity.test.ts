/**
 * The deployment's identity is data, not environment: recorded by the first process, read by
 * every later one, and never re-derived from another process's PORT or PUBLIC_URL. Run in
 * process on both engines (the embedded data directory and Postgres), then as real processes:
 * a server with one PORT and a command and a second server with another.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../src/core/codec/base64.ts'
import {
  createVerifyCache,
  httpLedgerSource,
  openTrustMaterial,
  verifyCredential,
} from '../../src/core/verify/index.ts'
import { type Runtime, startRuntime } from '../../src/entry/runtime.ts'
import { createApp } from '../../src/http/app.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import { IdentityMismatchError, setPublicUrl } from '../../src/platform/deployment/identity.ts'
import { issueCredential } from '../../src/services/credentials/index.ts'
import { TEST_MASTER_KEY } from '../helpers/app.ts'
import { runCli } from '../helpers/cli.ts'
import {
  createTestDatabase,
  ENGINES,
  type Engine,
  POSTGRES_SKIP_REASON,
  type TestDatabase,
} from '../helpers/db.ts'
import { freePort, startServer } from '../helpers/server.ts'

const dirs: string[] = []
const databases: TestDatabase[] = []
afterAll(async () => {
  for (const d of databases) await d.drop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** An environment for one fresh deployment on `engine` (a data directory, or a database). */
async function deployment(engine: Engine): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-identity-'))
  dirs.push(dir)
  const env: Record<string, string> = {
    VIGIL_DATA_DIR: dir,
    VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
    VIGIL_LOG_LEVEL: 'silent',
  }
  if (engine === 'postgres') {
    const database = await createTestDatabase('postgres', { migrate: false })
    databases.push(database)
    env.DATABASE_URL = database.url as string
  }
  return env
}

async function within<T>(env: Record<string, string>, body: (rt: Runtime) => Promise<T>) {
  const rt = await startRuntime(parseConfig(env), { migrate: true })
  try {
    return await body(rt)
  } finally {
    await rt.ledger.close()
    await rt.database.close()
  }
}

const actor = { kind: 'token', id: 'test', name: 'test', roles: ['issuer'] } as const
const immunization: Parameters<typeof issueCredential>[1] = {
  type: 'immunization',
  patient: { givenNames: ['Anne'], familyName: 'Jansen', birthDate: '1985-03-14' },
  immunizations: [{ code: '208', date: '2021-05-01' }],
  region: 'XV-N',
}

async function verifyWith(rt: Runtime, jws: string) {
  const app = createApp({ ...rt.ctx, version: 'test', ledger: rt.ledger }, { accessLog: false })
  const fetcher = async (url: string, init?: RequestInit) => app.request(url, init)
  const vkey = (await (await app.request('/log/key')).text()).trim()
  const material = await openTrustMaterial(
    await (await app.request('/trust/material')).text(),
    vkey,
  )
  return verifyCredential(jws, {
    trust: [material],
    now: Math.floor(Date.now() / 1000),
    ledger: () => httpLedgerSource(rt.ctx.config.publicUrl, fetcher),
    cache: createVerifyCache(),
  })
}

describe.each(ENGINES)('deployment identity (%s)', (engine) => {
  it('the first start records it; a later process without PORT uses it; another PORT, PUBLIC_URL or origin is refused', async () => {
    const env = await deployment(engine)
    await within({ ...env, PORT: '8931' }, async (rt) => {
      expect(rt.ctx.config.publicUrl).toBe('http://localhost:8931')
      expect(rt.ledger.origin).toBe('localhost:8931/log')
    })
    // A command (or `npm start`) without PORT: the recorded identity, and its port.
    await within(env, async (rt) => {
      expect(rt.ctx.config.publicUrl).toBe('http://localhost:8931')
      expect(rt.ctx.config.issuerUrl).toBe('http://localhost:8931')
      expect(rt.ctx.config.port).toBe(8931)
      expect(rt.ledger.origin).toBe('localhost:8931/log')
    })
    const refused = async (extra: Record<string, string>, variable: string, pair: string[]) => {
      const attempt = startRuntime(parseConfig({ ...env, ...extra }), { migrate: true })
      await expect(attempt).rejects.toBeInstanceOf(IdentityMismatchError)
      const message = String(await attempt.catch((e: Error) => e.message))
      expect(message).toContain(variable)
      for (const value of pair) expect(message).toContain(value)
      expect(message.split('\n')).toHaveLength(1)
    }
    await refused({ PORT: '9000' }, 'PORT', ['http://localhost:9000', 'http://localhost:8931'])
    await refused({ PUBLIC_URL: 'https://vigil.example' }, 'PUBLIC_URL', [
      'https://vigil.example',
      'http://localhost:8931',
    ])
    await refused({ PORT: '8931', VIGIL_LOG_ORIGIN: 'elsewhere/log' }, 'VIGIL_LOG_ORIGIN', [
      'elsewhere/log',
      'localhost:8931/log',
    ])
    // The same values, said explicitly, are accepted.
    await within({ ...env, PUBLIC_URL: 'http://localhost:8931/' }, async (rt) => {
      expect(rt.ctx.config.publicUrl).toBe('http://localhost:8931')
    })
  }, 300_000)

  it('set-url: new cards carry the new iss, earlier cards still verify, the log origin stays', async () => {
    const env = await deployment(engine)
    const first = await within({ ...env, PORT: '8932' }, async (rt) => {
      const card = await issueCredential({ ...rt.ctx, actor }, immunization)
      expect((await verifyWith(rt, card.jws)).card?.iss).toBe('http://localhost:8932')
      return { card }
    })
    await within(env, async (rt) => {
      const { before, after } = await setPublicUrl(rt.ctx.db, 'http://127.0.0.1:8932', new Date())
      expect(before.issuerUrl).toBe('http://localhost:8932')
      expect(after).toMatchObject({
        publicUrl: 'http://127.0.0.1:8932',
        issuerUrl: 'http://127.0.0.1:8932',
        formerIssuerUrls: ['http://localhost:8932'],
        logOrigin: 'localhost:8932/log',
      })
    })
    await within(env, async (rt) => {
      expect(rt.ledger.origin).toBe('localhost:8932/log')
      const second = await issueCredential({ ...rt.ctx, actor }, immunization)
      const earlier = await verifyWith(rt, first.card.jws)
      const later = await verifyWith(rt, second.jws)
      expect(earlier.status).toBe('valid')
      expect(earlier.card?.iss).toBe('http://localhost:8932')
      expect(later.status).toBe('valid')
      expect(later.card?.iss).toBe('http://127.0.0.1:8932')
    })
  }, 300_000)
})

describe('identity across real processes on Postgres', () => {
  it.skipIf(POSTGRES_SKIP_REASON !== undefined)(
    'a command and a second server with another PORT or PUBLIC_URL are refused with one line; nothing changes',
    async () => {
      const env = await deployment('postgres')
      const port = String(await freePort())
      const server = await startServer({ ...env, PORT: port })
      try {
        const checkpoint = await (await fetch(`${server.url}/log/checkpoint`)).text()
        const other = String(await freePort())
        const command = await runCli(['tokens', 'list'], { ...env, PORT: other })
        expect(command.code).toBe(2)
        expect(command.stderr).toContain(`PORT gives public URL http://localhost:${other}`)
        expect(command.stderr).toContain(`http://localhost:${port}`)
        const second = await runCli(['serve'], { ...env, PUBLIC_URL: `http://localhost:${other}` })
        expect(second.code).toBe(2)
        expect(second.stderr).toMatch(/identity mismatch: PUBLIC_URL gives public URL/)
        // The running server's log is untouched: same origin, same checkpoint.
        expect(await (await fetch(`${server.url}/log/checkpoint`)).text()).toBe(checkpoint)
        expect(checkpoint.split('\n')[0]).toBe(`localhost:${port}/log`)
        // Without PORT the command uses the recorded identity and works.
        const ok = await runCli(['identity', 'show', '--json'], env)
        expect(ok.code).toBe(0)
        expect(JSON.parse(ok.stdout).publicUrl).toBe(`http://localhost:${port}`)
      } finally {
        await server.stop()
      }
    },
    300_000,
  )
})
