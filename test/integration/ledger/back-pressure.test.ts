/**
 * Back-pressure, as Tessera's ErrPushback: while VIGIL_LEDGER_MAX_PENDING entries wait for
 * integration, appends and entries queued in a caller's transaction are refused with LEDGER_BUSY
 * (over HTTP: 503 with Retry-After) before anything is written. The refusal itself starts an
 * integration step, so the queue drains without another append and the next request succeeds.
 * Key announcements (queueEntries) are never refused.
 */

import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { rowsOf } from '../../../src/platform/db/index.ts'
import { credentials, logPending } from '../../../src/platform/db/schema/index.ts'
import { queueEntries } from '../../../src/services/ledger/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { entry } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('ledger back-pressure on %s', (engine) => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  beforeAll(async () => {
    t = await createTestApp(engine, { VIGIL_LEDGER_MAX_PENDING: '2' })
    issuer = api(t, await tokenFor(t, ['issuer']))
  })
  afterAll(() => t?.close())

  const pending = async () => (await t.ctx.db.select({ id: logPending.id }).from(logPending)).length
  /** Entries pending or integrated, read in one statement (a step moves rows between them). */
  const logged = async () => {
    const [row] = rowsOf<{ n: unknown }>(
      await t.ctx.db.execute(
        sql`select (select count(*) from log_pending) + (select count(*) from log_entries) as n`,
      ),
    )
    return Number(row?.n)
  }
  const drained = () => vi.waitFor(async () => expect(await pending()).toBe(0), { timeout: 10_000 })

  it('a full queue answers POST /api/credentials with 503 LEDGER_BUSY and Retry-After, then drains', async () => {
    // Two entries committed to the queue and not integrated: queueEntries starts no step.
    await queueEntries(t.ctx.db, [entry(1), entry(2)])
    expect(await pending()).toBe(2)

    const res = await issuer.post('/api/credentials', immunization())
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(await res.json()).toMatchObject({ status: 503, code: 'LEDGER_BUSY' })
    // Refused before anything was written: no entry, no credential.
    expect(await logged()).toBe(2)
    expect(await t.ctx.db.select().from(credentials)).toHaveLength(0)

    // The refusal started integration: the queue empties with no other append.
    await drained()
    const ok = await issuer.post('/api/credentials', immunization())
    expect(ok.status).toBe(201)
    expect(await t.ctx.db.select().from(credentials)).toHaveLength(1)
    expect(await logged()).toBe(3)
  })

  it("ledger.queue in a caller's transaction is refused the same way; announcements are not", async () => {
    await queueEntries(t.ctx.db, [entry(3), entry(4)])
    const before = await logged()
    await expect(
      t.ctx.db.transaction((tx) => t.ctx.ledger.queue(tx, [entry(5)])),
    ).rejects.toMatchObject({ code: 'LEDGER_BUSY', retryAfter: 1 })
    expect(await logged()).toBe(before)
    // A new key's announcement goes in whatever the queue holds (start-up must not fail).
    await queueEntries(t.ctx.db, [entry(6)])
    expect(await logged()).toBe(before + 1)

    // (The refusal's step may have run before entry 6 was queued: integrate what is left.)
    await t.ledger.flush()
    expect(await pending()).toBe(0)
    const ids = await t.ctx.db.transaction((tx) => t.ctx.ledger.queue(tx, [entry(7)]))
    expect(ids).toHaveLength(1)
    expect(await pending()).toBe(1)
    await t.ledger.flush()
    expect(await pending()).toBe(0)
  })
})
