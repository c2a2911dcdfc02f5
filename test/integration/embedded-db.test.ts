/**
 * The embedded database shared by local processes (src/db/embedded): clients of one PGlite take
 * turns on its single session, a client that vanishes mid-transaction is rolled back, the
 * directory has one host at a time, and a killed host leaves nothing that blocks the next one.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { rowsOf } from '../../src/platform/db/client.ts'
import { EmbeddedBusyError, openEmbedded } from '../../src/platform/db/embedded/index.ts'
import { endsIdle } from '../../src/platform/db/embedded/session-queue.ts'
import { MIGRATIONS_DIR } from '../../src/platform/db/migrate.ts'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-embedded-'))
  dirs.push(dir)
  return dir
}

const open = (dataDir: string, role: 'serve' | 'command' = 'command', waitMs = 5_000) =>
  openEmbedded({ dataDir, role, label: `test ${role}`, migrationsFolder: MIGRATIONS_DIR, waitMs })

describe('ReadyForQuery detection', () => {
  it('hands the session on only after ReadyForQuery with status I', () => {
    expect(endsIdle(Uint8Array.of(0x32, 0, 0, 0, 4, 0x5a, 0, 0, 0, 5, 0x49))).toBe(true)
    // In a transaction ('T') or a failed one ('E'): the client keeps its turn.
    expect(endsIdle(Uint8Array.of(0x5a, 0, 0, 0, 5, 0x54))).toBe(false)
    expect(endsIdle(Uint8Array.of(0x5a, 0, 0, 0, 5, 0x45))).toBe(false)
    // BindComplete alone (mid extended-query batch): not idle.
    expect(endsIdle(Uint8Array.of(0x32, 0, 0, 0, 4))).toBe(false)
  })
})

describe('one PGlite, several clients over its socket', () => {
  it('interleaved extended-query batches and transactions of two pools each get their own results', async () => {
    const dir = tempDir()
    const host = await open(dir)
    const guest = await open(dir) // joins the host's socket
    try {
      await host.db.execute(sql`create table counter (id int primary key, v int not null)`)
      await host.db.execute(sql`insert into counter values (1, 0)`)
      const reads: Promise<void>[] = []
      for (let i = 0; i < 150; i++) {
        for (const [name, d] of [
          ['host', host],
          ['guest', guest],
        ] as const) {
          reads.push(
            d.db
              .execute(sql`select ${i}::int * 2 as doubled, ${`${name}-${i}`}::text as tag`)
              .then((r) => {
                const [row] = rowsOf<{ doubled: number; tag: string }>(r)
                expect(row).toEqual({ doubled: i * 2, tag: `${name}-${i}` })
              }),
          )
        }
      }
      const writes = Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? host : guest).db.transaction(async (tx) => {
          const [row] = rowsOf<{ v: number }>(
            await tx.execute(sql`select v from counter where id = 1`),
          )
          await new Promise((r) => setTimeout(r, 1)) // others queue meanwhile
          await tx.execute(sql`update counter set v = ${Number(row?.v) + 1} where id = 1`)
        }),
      )
      await Promise.all([...reads, ...writes])
      const [row] = rowsOf<{ v: number }>(await guest.db.execute(sql`select v from counter`))
      expect(Number(row?.v)).toBe(60) // no lost update: each transaction had the session alone
    } finally {
      await guest.close()
      await host.close()
    }
  }, 120_000)

  it('a client that disconnects inside a transaction is rolled back and the others go on', async () => {
    const dir = tempDir()
    const host = await open(dir)
    try {
      await host.db.execute(sql`create table t (v int)`)
      const guest = await open(dir)
      let release: () => void = () => {}
      const held = new Promise<void>((r) => (release = r))
      const inside = guest.db
        .transaction(async (tx) => {
          await tx.execute(sql`insert into t values (1)`)
          await held // the guest keeps its transaction open …
          await tx.execute(sql`insert into t values (2)`)
        })
        .catch((err: unknown) => err)
      await new Promise((r) => setTimeout(r, 200))
      // … and goes away without COMMIT or ROLLBACK.
      await guest.close()
      release()
      expect(await inside).toBeInstanceOf(Error)
      const [row] = rowsOf<{ n: number }>(
        await host.db.execute(sql`select count(*)::int as n from t`),
      )
      expect(row?.n).toBe(0)
    } finally {
      await host.close()
    }
  }, 120_000)
})

describe('who holds a data directory', () => {
  it('a second vigil serve is refused at once; a command waits, then is refused naming the holder', async () => {
    const dir = tempDir()
    const server = await open(dir, 'serve')
    try {
      const second = open(dir, 'serve')
      await expect(second).rejects.toBeInstanceOf(EmbeddedBusyError)
      await expect(second).rejects.toThrow(/test serve \(pid \d+\) is already serving/)
      // The socket and the directory are the owner's alone.
      expect(statSync(join(dir, 'db.sock')).mode & 0o777).toBe(0o600)
      expect(statSync(dir).mode & 0o777).toBe(0o700)
    } finally {
      await server.close()
    }
    expect(existsSync(join(dir, 'db.host.json'))).toBe(false)
  }, 120_000)

  it('a host killed with SIGKILL leaves no lock: the next process takes the directory over', async () => {
    const dir = tempDir()
    const script = join(dir, 'host.mts') // an ES module wherever it is
    const module = fileURLToPath(
      new URL('../../src/platform/db/embedded/index.ts', import.meta.url),
    )
    writeFileSync(
      script,
      `import { openEmbedded } from ${JSON.stringify(module)}
await openEmbedded({ dataDir: ${JSON.stringify(dir)}, role: 'command', label: 'doomed', migrationsFolder: ${JSON.stringify(MIGRATIONS_DIR)}, waitMs: 1000 })
console.log('ready')
setInterval(() => {}, 1000)
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => String(d).includes('ready') && resolve())
      child.once('exit', (code) => reject(new Error(`host exited ${code}`)))
    })
    // While it lives, a command joins it; a server would have to wait.
    const guest = await open(dir)
    await guest.close()
    await expect(open(dir, 'serve', 300)).rejects.toThrow(/doomed \(pid \d+\) still holds/)
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    expect(existsSync(join(dir, 'db.sock'))).toBe(true) // the dead host's socket file is left …
    const next = await open(dir, 'serve') // … and replaced: the lock died with the process
    try {
      const [row] = rowsOf<{ one: number }>(await next.db.execute(sql`select 1 as one`))
      expect(row?.one).toBe(1)
    } finally {
      await next.close()
    }
  }, 180_000)
})
