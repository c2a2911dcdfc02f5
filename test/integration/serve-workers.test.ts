/**
 * `vigil serve --workers N`: a node:cluster primary sets the database up once and forks N
 * workers on one port and one Postgres. Issuing through all of them gives distinct log entries
 * with receipts; a worker that dies is forked again; SIGTERM stops every worker and the primary
 * exits 0; PGlite and bad counts are refused before anything starts.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runVigil } from '../helpers/cli.ts'
import { createTestDatabase, POSTGRES_SKIP_REASON } from '../helpers/db.ts'
import { BIN, PROCESS_TEST_TIMEOUT, startServer } from '../helpers/server.ts'

const dir = mkdtempSync(join(tmpdir(), 'vigil-workers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64')

/** Worker index → pid, from the "serving" lines so far. */
function servingPids(output: string): Map<number, number> {
  const pids = new Map<number, number>()
  for (const m of output.matchAll(/serving [^\n]*worker (\d+) pid (\d+)/g))
    pids.set(Number(m[1]), Number(m[2]))
  return pids
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const card = (i: number) => ({
  type: 'immunization',
  patient: { givenNames: ['Worker'], familyName: `Test${i}`, birthDate: '1980-01-01' },
  immunizations: [{ code: '208', date: '2021-05-01', lotNumber: 'EW0182' }],
  region: 'NL-NH',
})

describe('vigil serve --workers (Postgres)', () => {
  it.skipIf(POSTGRES_SKIP_REASON !== undefined)(
    'N workers serve one port and one log; a dead worker comes back; SIGTERM stops all',
    async () => {
      const db = await createTestDatabase('postgres', { migrate: false })
      const env = {
        VIGIL_DATA_DIR: dir,
        DATABASE_URL: db.url as string,
        VIGIL_MASTER_KEY: MASTER_KEY,
        HOST: '127.0.0.1',
      }
      try {
        const server = await startServer(env, process.execPath, ['serve', '--workers', '3'])
        try {
          await until('3 workers', () => servingPids(server.output()).size === 3)
          const first = servingPids(server.output())
          expect(new Set(first.values()).size).toBe(3)
          expect(server.output()).toContain('3 workers on port')

          const made = spawnSync(
            process.execPath,
            [BIN, 'tokens', 'create', '--name', 'w', '--role', 'issuer'],
            { env: { ...process.env, ...env }, encoding: 'utf8' },
          )
          expect(made.status, made.stderr).toBe(0)
          const token = made.stdout.trim()
          // A new connection per request: the primary hands them out to the workers in turn.
          const issue = async (i: number) => {
            const res = await fetch(`${server.url}/api/credentials`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json',
                connection: 'close',
              },
              body: JSON.stringify(card(i)),
            })
            expect(res.status).toBe(201)
            return (await res.json()) as { leafIndex: string | number; receipt: string }
          }
          const issued = await Promise.all(Array.from({ length: 24 }, (_, i) => issue(i)))
          expect(new Set(issued.map((c) => String(c.leafIndex))).size).toBe(24)
          for (const c of issued) expect(c.receipt).toMatch(/^c2sp.org\/tlog-proof@v1\n/)

          // Kill worker 1 outright: the primary forks a new one with the same index.
          const dead = first.get(1) as number
          process.kill(dead, 'SIGKILL')
          await until('worker 1 again', () => {
            const pid = servingPids(server.output()).get(1)
            return pid !== undefined && pid !== dead
          })
          expect(server.output()).toMatch(/worker 1 exited \(SIGKILL\); starting it again/)
          await issue(99)
          const pids = [...servingPids(server.output()).values()]

          expect(await server.stop('SIGTERM')).toBe(0)
          expect(server.output()).toContain('all workers stopped')
          for (const pid of pids) expect(alive(pid), `worker ${pid}`).toBe(false)
        } finally {
          await server.stop('SIGKILL')
        }
      } finally {
        await db.drop()
      }
    },
    120_000,
  )
})

describe('vigil serve --workers: refusals', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('PGlite (no DATABASE_URL) with more than one worker exits 2 naming DATABASE_URL', () => {
    const { DATABASE_URL: _, ...rest } = process.env
    const r = spawnSync(process.execPath, [BIN, 'serve', '--workers', '2'], {
      env: { ...rest, VIGIL_DATA_DIR: dir, PORT: '1' },
      encoding: 'utf8',
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('needs DATABASE_URL')
  })

  // In process (test/helpers/cli.ts): refused before anything starts.
  it('a count that is not 1..256 is a usage error', async () => {
    for (const bad of ['0', '-1', '1.5', 'two', '257']) {
      const r = await runVigil(['serve', `--workers=${bad}`], { VIGIL_DATA_DIR: dir })
      expect(r.status, bad).toBe(2)
      expect(r.stderr).toContain('--workers takes a whole number')
    }
  })
})
