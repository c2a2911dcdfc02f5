/**
 * The Worker's writer when it cannot finish (issue 19): a hung integrator holding the log's lock
 * (a session-level advisory lock from another connection) makes an append answer 503 UNAVAILABLE
 * with Retry-After within the Worker's budget, never a 500 and never a wait without bound; the
 * entry stays pending, and once the lock is free the five-minute cron integrates it, once.
 * (An unreachable database is not tested here: wrangler's local Hyperdrive emulation refuses to
 * start without one, and in-process it throws the refused connection into the test process.)
 */
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Unstable_DevWorker } from 'wrangler'
import { rowsOf } from '../../src/platform/db/index.ts'
import { LOG_LOCK } from '../../src/services/ledger/index.ts'
import { immunization } from '../helpers/credentials.ts'
import { POSTGRES_SKIP_REASON } from '../helpers/db.ts'
import { type NodeSide, nodeDeployment, startWorker, tokenFor } from './harness.ts'

const skip = POSTGRES_SKIP_REASON ? `workerd: needs Postgres (${POSTGRES_SKIP_REASON})` : undefined
if (skip) it.skip(skip, () => {})

const BUDGET_MS = 1500

describe.skipIf(skip !== undefined)('the Worker refuses an append it cannot finish', () => {
  let node: NodeSide
  let token = ''
  const workers: Unstable_DevWorker[] = []

  beforeAll(async () => {
    node = await nodeDeployment()
    token = await tokenFor(node.ctx, ['issuer'])
  }, 120_000)

  afterAll(async () => {
    for (const w of workers) await w.stop()
    await node?.close()
  })

  const issue = (worker: Unstable_DevWorker) =>
    worker.fetch('/api/credentials', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(immunization()),
    })
  const count = async (table: 'log_pending' | 'log_entries') =>
    Number(
      rowsOf<{ n: string }>(
        await node.db.db.execute(sql`select count(*)::text as n from ${sql.identifier(table)}`),
      )[0]?.n,
    )

  it('a hung integrator: 503 UNAVAILABLE within the budget, the entry pending, then integrated once by the cron', async () => {
    const worker = await startWorker(node.db, { VIGIL_APPEND_BUDGET_MS: String(BUDGET_MS) })
    workers.push(worker)
    expect((await issue(worker)).status).toBe(201) // the writer works before the lock is taken
    const entries = await count('log_entries')
    const holder = postgres(node.db.url as string, { max: 1, onnotice: () => {} })
    try {
      await holder`select pg_advisory_lock(${LOG_LOCK})`
      const t0 = performance.now()
      const res = await issue(worker)
      const ms = performance.now() - t0
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('1')
      expect(((await res.json()) as { code: string }).code).toBe('UNAVAILABLE')
      expect(ms).toBeGreaterThanOrEqual(BUDGET_MS)
      expect(ms).toBeLessThan(BUDGET_MS + 5000)
      expect(await count('log_pending')).toBe(1)
      expect(await count('log_entries')).toBe(entries)
    } finally {
      await holder`select pg_advisory_unlock(${LOG_LOCK})`
      await holder.end()
    }
    expect((await worker.fetch('/__scheduled?cron=*/5+*+*+*+*')).status).toBe(200)
    expect(await count('log_pending')).toBe(0)
    expect(await count('log_entries')).toBe(entries + 1)
  })
})
