/**
 * Keys are born once and announced before use: processes that start together on an empty
 * database create one log key and one issuer key between them, and a process killed while it
 * creates or rotates a key leaves no key, or a key whose issuer-key entry is in the log.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asc } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../src/core/codec/base64.ts'
import { decodeEntry } from '../../src/core/leaf/index.ts'
import { startRuntime } from '../../src/entry/runtime.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import type { Db } from '../../src/platform/db/client.ts'
import { keys, logEntries } from '../../src/platform/db/schema/index.ts'
import { seededRandom, TEST_MASTER_KEY } from '../helpers/app.ts'
import { createTestDatabase, POSTGRES_SKIP_REASON, type TestDatabase } from '../helpers/db.ts'
import { BIN } from '../helpers/server.ts'

const dirs: string[] = []
const databases: TestDatabase[] = []
afterAll(async () => {
  for (const d of databases) await d.drop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function environment(databaseUrl?: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-keys-'))
  dirs.push(dir)
  return {
    VIGIL_DATA_DIR: dir,
    VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
    VIGIL_LOG_LEVEL: 'silent',
    PORT: '8940',
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
  }
}

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase('postgres', { migrate: false })
  databases.push(database)
  return database
}

/** Starts a runtime (as any process does), then closes it. */
async function start(env: Record<string, string>) {
  const rt = await startRuntime(parseConfig(env), { migrate: true })
  await rt.ledger.close()
  await rt.database.close()
}

/** The invariants: one log key, one active issuer key, every issuer key announced in the log. */
async function checkKeys(db: Db) {
  const rows = await db.select().from(keys).orderBy(asc(keys.createdAt))
  const log = rows.filter((k) => k.purpose === 'log')
  const issuer = rows.filter((k) => k.purpose === 'issuer')
  expect(log).toHaveLength(1)
  expect(issuer.filter((k) => k.status === 'active')).toHaveLength(1)
  const announced = new Set(
    (await db.select({ entry: logEntries.entry }).from(logEntries))
      .map((r) => decodeEntry(r.entry))
      .filter((e) => e.kind === 'issuer-key')
      .map((e) => e.keyId),
  )
  for (const key of issuer)
    expect(announced.has(key.id), `issuer key ${key.id} in the log`).toBe(true)
  return { log, issuer }
}

function runProcess(args: string[], env: Record<string, string>, killAfterMs?: number) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const timer =
    killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs)
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stderr })
    }),
  )
}

describe('keys born once', () => {
  it('two runtimes starting at once on an empty embedded data directory make one key of each', async () => {
    for (let round = 0; round < 3; round++) {
      const env = environment()
      await Promise.all([start(env), start(env)])
      const rt = await startRuntime(parseConfig(env), { migrate: true })
      try {
        await checkKeys(rt.ctx.db)
      } finally {
        await rt.ledger.close()
        await rt.database.close()
      }
    }
  }, 600_000)

  it.skipIf(POSTGRES_SKIP_REASON !== undefined)(
    '10 rounds of two starts at once on an empty Postgres database, and one of two real processes',
    async () => {
      for (let round = 0; round < 10; round++) {
        const database = await freshDatabase()
        const env = environment(database.url)
        await Promise.all([start(env), start(env)])
        const { issuer } = await checkKeys(database.db)
        expect(issuer).toHaveLength(1)
      }
      const database = await freshDatabase()
      const env = environment(database.url)
      const both = await Promise.all([
        runProcess(['keys', 'list'], env),
        runProcess(['keys', 'list'], env),
      ])
      for (const r of both) expect(r.code, r.stderr).toBe(0)
      expect((await checkKeys(database.db)).issuer).toHaveLength(1)
    },
    600_000,
  )

  it.skipIf(POSTGRES_SKIP_REASON !== undefined)(
    'SIGKILL during first start and during rotation: no unannounced key, one active issuer key',
    async () => {
      const random = seededRandom(2026)
      const delay = () => 300 + ((random(2)[0] ?? 0) << 4) // 300–4,380 ms
      let killed = 0
      for (let i = 0; i < 5; i++) {
        const database = await freshDatabase()
        const env = environment(database.url)
        const r = await runProcess(['keys', 'list'], env, delay())
        if (r.signal === 'SIGKILL') killed++
        await start(env) // the next start repairs what the kill left
        await checkKeys(database.db)
      }
      const database = await freshDatabase()
      const env = environment(database.url)
      await start(env)
      for (let i = 0; i < 5; i++) {
        const r = await runProcess(['keys', 'rotate'], env, delay())
        if (r.signal === 'SIGKILL') killed++
        await start(env)
        await checkKeys(database.db)
      }
      console.log(`keys: ${killed} of 10 processes killed mid-way`)
      expect(killed).toBeGreaterThan(0)
    },
    900_000,
  )
})
