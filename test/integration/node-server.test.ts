/**
 * The newcomer's path, for real: `vigil serve` with no configuration but a data directory, on
 * PGlite; pages and API answer; SIGTERM stops it cleanly; a restart keeps data and keys.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runVigil } from '../helpers/cli.ts'
import { createTestDatabase, POSTGRES_SKIP_REASON } from '../helpers/db.ts'
import { PROCESS_TEST_TIMEOUT, startServer } from '../helpers/server.ts'

const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function keyIds(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/api/keys`)).json()) as { keys: { id: string }[] }
  return body.keys.map((k) => k.id).sort()
}

/** A POST with Content-Length, or streamed in chunks (Transfer-Encoding: chunked). */
function rawPost(url: string, body: string, chunked: boolean) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }),
      },
    })
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    // The server may answer and close before it has read everything.
    req.on('error', reject)
    if (chunked)
      for (let at = 0; at < body.length; at += 65_536) req.write(body.slice(at, at + 65_536))
    req.end(chunked ? undefined : body)
  })
}

// Two real starts, the first one from an empty data directory.
describe('vigil serve (Node, PGlite)', { timeout: 2 * PROCESS_TEST_TIMEOUT }, () => {
  it('serves /, /healthz, /openapi.json and /docs; restarts with the same keys', async () => {
    const server = await startServer({ VIGIL_DATA_DIR: dir })
    let ids: string[]
    try {
      const home = await fetch(`${server.url}/`)
      expect(home.status).toBe(200)
      expect(await home.text()).toContain('<h1>Vigil</h1>')
      expect((await fetch(`${server.url}/openapi.json`)).status).toBe(200)
      expect(await (await fetch(`${server.url}/docs`)).text()).toContain('API reference')
      ids = await keyIds(server.url)
      expect(ids).toHaveLength(2)
      // The body limit (1 MiB by default) over a real socket, by Content-Length and chunked.
      const big = 'x'.repeat(1024 * 1024 + 1)
      for (const chunked of [false, true]) {
        const res = await rawPost(`${server.url}/api/credentials`, big, chunked)
        expect(res.status).toBe(413)
        expect(JSON.parse(res.body).code).toBe('PAYLOAD_TOO_LARGE')
      }
      expect(server.output()).toContain('DEVELOPMENT master key')
      expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600)
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0)
    }
    expect(server.output()).toContain('stopped')

    const again = await startServer({ VIGIL_DATA_DIR: dir, PORT: new URL(server.url).port })
    try {
      expect(await keyIds(again.url)).toEqual(ids)
      expect(again.output()).not.toContain('generated a new signing key')
    } finally {
      await again.stop()
    }
  })
})

describe('vigil serve (Node, Postgres)', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it.skipIf(POSTGRES_SKIP_REASON !== undefined)(
    'runs on DATABASE_URL with the same migrations',
    async () => {
      const db = await createTestDatabase('postgres', { migrate: false })
      const own = mkdtempSync(join(tmpdir(), 'vigil-pg-'))
      try {
        const server = await startServer({ VIGIL_DATA_DIR: own, DATABASE_URL: db.url as string })
        try {
          expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({
            status: 'ready',
            database: 'postgres',
          })
          expect(await keyIds(server.url)).toHaveLength(2)
        } finally {
          expect(await server.stop()).toBe(0)
        }
      } finally {
        rmSync(own, { recursive: true, force: true })
        await db.drop()
      }
    },
  )
})

describe('vigil CLI', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  // In process (test/helpers/cli.ts): these are about the commands, not about processes.
  const run = (args: string[], env: Record<string, string> = {}) => runVigil(args, env)

  it('lists its commands with --help', async () => {
    const r = await run(['--help'])
    expect(r.status).toBe(0)
    for (const c of ['serve', 'migrate', 'keys list']) expect(r.stdout).toContain(c)
  })

  it('has --help on each command', async () => {
    const r = await run(['keys', 'list', '--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Usage: vigil keys list')
  })

  it('rejects an unknown command with exit 2', async () => {
    const r = await run(['frobnicate'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown command "frobnicate"')
  })

  it('stops on a bad variable with one line naming it', async () => {
    const r = await run(['migrate'], { PORT: 'eighty' })
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^configuration error: PORT /)
  })

  it('migrates a data directory and lists keys', async () => {
    const own = mkdtempSync(join(tmpdir(), 'vigil-cli-'))
    try {
      expect((await run(['migrate'], { VIGIL_DATA_DIR: own })).stdout).toContain(
        'migrations applied (pglite)',
      )
      const r = await run(['keys', 'list', '--json'], {
        VIGIL_DATA_DIR: own,
        VIGIL_LOG_LEVEL: 'error',
      })
      expect(r.status).toBe(0)
      const keys = JSON.parse(r.stdout) as { purpose: string }[]
      expect(keys.map((k) => k.purpose).sort()).toEqual(['issuer', 'log'])
    } finally {
      rmSync(own, { recursive: true, force: true })
    }
  })
})
