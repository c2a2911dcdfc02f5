/**
 * A crash at any point of an append: a child process appends in a loop and is SIGKILLed mid-way,
 * three times over on one log (the next child's sequencer meets what the last one left). Then
 * a fresh sequencer integrates whatever is still pending, every append a child saw resolve is in
 * the log at the index it was told, and the audit is clean.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import { toHex } from '../../../src/core/codec/hex.ts'
import { logEntries, logPending } from '../../../src/platform/db/schema/index.ts'
import { Ledger } from '../../../src/services/ledger/index.ts'
import { audit } from '../../../src/tools/audit/audit.ts'
import { databaseSource } from '../../../src/tools/audit/database-source.ts'
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../../helpers/app.ts'
import { POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { logVkey } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const FIXTURE = fileURLToPath(new URL('../../fixtures/ledger-appender.ts', import.meta.url))
/** Resolved appends to wait for, then how long after that to kill: three crashes, one log. */
const KILL_AFTER = 60
const DELAYS_MS = [3, 11, 29]

/**
 * Runs the appender until it has printed `lines` lines, then SIGKILLs it `delay` ms later: by
 * then it is in its busy steady state (inserting, integrating, proving), not between steps.
 */
function appendThenKill(url: string, first: number, lines: number, delay: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: {
      ...process.env,
      FIRST_ENTRY: String(first),
      DATABASE_URL: url,
      VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
      PUBLIC_URL: 'http://localhost:8787', // the test app's origin: the same log key name
      VIGIL_LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  return new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d
      if (out.split('\n').length > lines) setTimeout(() => child.kill('SIGKILL'), delay)
    })
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender exited ${code}:\n${err}`))
      // A line cut short by the kill is dropped: only whole lines were certainly resolved.
      else resolve(out.split('\n').slice(0, -1))
    })
  })
}

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)('a sequencer killed mid-append', () => {
  let t: TestApp
  let printed: { index: bigint; leafHash: string }[]
  const pendingCount = async () =>
    (await t.ctx.db.select({ n: count() }).from(logPending))[0]?.n ?? 0
  beforeAll(async () => {
    t = await createTestApp('postgres')
    printed = []
    for (const [round, delay] of DELAYS_MS.entries()) {
      const url = t.database.url as string
      for (const line of await appendThenKill(url, round * 1e5, KILL_AFTER, delay)) {
        const [index, leafHash] = line.split(' ')
        printed.push({ index: BigInt(index as string), leafHash: leafHash as string })
      }
    }
    // A fresh sequencer integrates what the dead one left pending.
    const ledger = await Ledger.open(t.ctx)
    while ((await pendingCount()) > 0) await ledger.sequencer.flush()
  }, 90_000)
  afterAll(() => t?.close())

  it('every append that resolved is in the log at its printed index', async () => {
    expect(printed.length).toBeGreaterThanOrEqual(KILL_AFTER * DELAYS_MS.length)
    for (const p of printed) {
      const [row] = await t.ctx.db.select().from(logEntries).where(eq(logEntries.idx, p.index))
      expect(row && toHex(row.leafHash), `index ${p.index}`).toBe(p.leafHash)
    }
    expect(new Set(printed.map((p) => p.index)).size).toBe(printed.length)
  })

  it('audits clean, with nothing left pending', async () => {
    const report = await audit(databaseSource(t.ctx.db), { vkey: await logVkey(t.ctx) })
    expect(report.findings).toEqual([])
    expect(report.entries).toBeGreaterThanOrEqual(BigInt(printed.length))
    expect(await pendingCount()).toBe(0)
  })
})
