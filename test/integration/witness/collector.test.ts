/**
 * The log side of witnessing, on each engine: a real log (createTestApp) and three witnesses
 * served on loopback ports. Cosignatures are collected after each checkpoint and served with it;
 * the 2-of-3 policy is met with all three, and with one that never answers (bounded by the
 * timeout, which runs on the collector's injected clock); 409 recovery from a log instance that
 * lost its rows; wait mode makes appends resolve against a cosigned checkpoint, or fail when the
 * policy cannot be met.
 */

import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeEntry } from '../../../src/core/leaf/index.ts'
import { hashLeaf } from '../../../src/core/merkle/index.ts'
import {
  formatPolicy,
  formatVerifierKey,
  generateSignerKey,
  parseNote,
  parsePolicy,
  SIG_COSIGNATURE_V1,
  type SignerKey,
  verifyCheckpointWithPolicy,
  verifyTlogProof,
} from '../../../src/core/note/index.ts'
import { logCosignatures } from '../../../src/platform/db/schema/index.ts'
import { Ledger, WitnessCollector } from '../../../src/services/ledger/index.ts'
import { logPolicy } from '../../../src/services/trust/index.ts'
import type { FollowedLog } from '../../../src/services/witness/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import {
  createTestDatabase,
  ENGINES,
  POSTGRES_SKIP_REASON,
  type TestDatabase,
} from '../../helpers/db.ts'
import { entry, logVkey } from '../../helpers/ledger.ts'
import { type Served, serveHanging, serveOnLoopback, startWitness } from '../../helpers/witness.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('witness collection (%s)', (engine) => {
  interface W {
    name: string
    key: SignerKey
    vkey: string
    database: TestDatabase
    served: Served
    handler: (req: Request) => Response | Promise<Response>
  }
  const witnesses: W[] = []
  const followed: FollowedLog[] = []
  let hanging: Served
  const apps: TestApp[] = []
  let n = 0

  beforeAll(async () => {
    for (const name of ['w1', 'w2', 'w3']) {
      const key = await generateSignerKey(
        `${name}.example`,
        (n) => crypto.getRandomValues(new Uint8Array(n)),
        SIG_COSIGNATURE_V1,
      )
      const database = await createTestDatabase('pglite')
      const w: W = {
        name,
        key,
        vkey: formatVerifierKey(key),
        database,
        handler: () => new Response('not yet', { status: 503 }),
        served: undefined as unknown as Served,
      }
      w.served = await serveOnLoopback((req) => w.handler(req))
      witnesses.push(w)
    }
    hanging = await serveHanging()
  }, 60_000)
  afterAll(async () => {
    for (const t of apps) await t.close()
    for (const w of witnesses) {
      await w.served.close()
      await w.database.drop()
    }
    await hanging?.close()
  })

  const spec = (i: number, url?: string) =>
    `w${i + 1} ${witnesses[i]?.vkey} ${url ?? `${witnesses[i]?.served.url}/witness`}`

  /** A log with its own origin (keys are random per app); every witness follows it too. */
  /**
   * Each witness's time budget. Long enough that a witness on this machine answers within it with
   * both cores busy (at 800 ms, a run beside two CPU burners missed the 2-of-3 quorum), short
   * enough that the hanging witness's timeout stays cheap to wait for.
   */
  const BUDGET_MS = 3000

  async function logWith(specs: string[], extra: Record<string, string> = {}) {
    const t = await createTestApp(engine, {
      VIGIL_LOG_ORIGIN: `log${++n}.example/log`,
      VIGIL_WITNESSES: specs.join(';'),
      VIGIL_WITNESS_QUORUM: '2',
      VIGIL_WITNESS_TIMEOUT_MS: String(BUDGET_MS),
      ...extra,
    })
    apps.push(t)
    followed.push({ origin: t.ctx.config.logOrigin, vkeys: [await logVkey(t.ctx)] })
    for (const w of witnesses) {
      const started = await startWitness(w.database, followed, { key: w.key })
      w.handler = started.app.fetch
    }
    return t
  }

  const policyOf = async (t: TestApp) =>
    parsePolicy(
      formatPolicy(
        logPolicy(await logVkey(t.ctx), t.ctx.config.witnesses, t.ctx.config.witnessQuorum),
      ),
    )

  it('all three cosign; /log/checkpoint carries the lines and meets 2 of 3', async () => {
    const t = await logWith([spec(0), spec(1), spec(2)])
    await t.ledger.append([entry(1), entry(2)])
    const round = await t.ledger.witnesses?.collect()
    expect(round?.met).toBe(true)
    expect(round?.results.map((r) => r.ok)).toEqual([true, true, true])
    const note = await (await t.app.request('/log/checkpoint')).text()
    expect(parseNote(note).signatures).toHaveLength(4)
    const verified = await verifyCheckpointWithPolicy(note, await policyOf(t))
    expect(verified.cosignatures.map((c) => c.witness).sort()).toEqual(['w1', 'w2', 'w3'])
    const status = (await (await t.app.request('/log/witnesses')).json()) as {
      met: boolean
      quorum: number
      witnesses: { signedLatest: boolean }[]
    }
    expect(status.met).toBe(true)
    expect(status.quorum).toBe(2)
    expect(status.witnesses.every((w) => w.signedLatest)).toBe(true)
    // The trust material publishes the same policy.
    const material = await t.app.request('/trust/material')
    expect(material.status).toBe(200)
  })

  it('a witness that never answers costs at most its timeout; 2 of 3 still met', async () => {
    const t = await logWith([spec(0), spec(1), spec(2, `${hanging.url}/witness`)])
    const started = Date.now()
    await t.ledger.append([entry(3)])
    const appended = Date.now() - started
    const round = await t.ledger.witnesses?.collect()
    const elapsed = Date.now() - started
    expect(appended).toBeLessThan(BUDGET_MS) // the append does not wait for witnesses
    expect(round?.met).toBe(true)
    const dead = round?.results.find((r) => r.witness === 'w3')
    expect(dead).toMatchObject({ ok: false, reason: 'timeout' })
    expect(dead?.ms ?? 0).toBeGreaterThanOrEqual(BUDGET_MS - 10)
    // At most two rounds wait for it: the one the append started and the one collect() runs.
    expect(elapsed).toBeLessThan(BUDGET_MS * 2 + 1500)
    await verifyCheckpointWithPolicy(
      await (await t.app.request('/log/checkpoint')).text(),
      await policyOf(t),
    )
  })

  it('two down: not met, and /log/witnesses says so', async () => {
    const t = await logWith([
      spec(0),
      spec(1, 'http://127.0.0.1:1/witness'),
      spec(2, `${hanging.url}/witness`),
    ])
    await t.ledger.append([entry(4)])
    const round = await t.ledger.witnesses?.collect()
    expect(round?.met).toBe(false)
    const status = (await (await t.app.request('/log/witnesses')).json()) as { met: boolean }
    expect(status.met).toBe(false)
    const note = await (await t.app.request('/log/checkpoint')).text()
    await expect(verifyCheckpointWithPolicy(note, await policyOf(t))).rejects.toMatchObject({
      code: 'POLICY_NOT_MET',
    })
  })

  it('retry: witnesses that were down are asked again without a new checkpoint', async () => {
    const t = await logWith([spec(0), spec(1), spec(2)])
    const up = witnesses.map((w) => w.handler)
    for (const w of witnesses.slice(1)) w.handler = () => new Response('down', { status: 503 })
    await t.ledger.append([entry(8)])
    const collector = t.ledger.witnesses
    expect((await collector?.collect())?.met).toBe(false)
    const before = await (await t.app.request('/log/checkpoint')).text()
    witnesses.forEach((w, i) => {
      w.handler = up[i] as W['handler']
    })
    const stop = collector?.retryEvery(50)
    try {
      for (let i = 0; i < 100 && collector?.lastRound?.met !== true; i++)
        await new Promise((r) => setTimeout(r, 50))
    } finally {
      stop?.()
    }
    expect(collector?.lastRound?.met).toBe(true)
    const after = await (await t.app.request('/log/checkpoint')).text()
    // Same checkpoint (no new entry), now with the cosignatures that were missing.
    expect(parseNote(after).text).toBe(parseNote(before).text)
    await verifyCheckpointWithPolicy(after, await policyOf(t))
  })

  it('409: an instance that lost its rows learns the size and sends a proof from it', async () => {
    const t = await logWith([spec(0), spec(1), spec(2)])
    await t.ledger.append([entry(5)])
    expect((await t.ledger.witnesses?.collect())?.met).toBe(true)
    await t.ledger.append([entry(6), entry(7)])
    await t.ctx.db.delete(logCosignatures).where(eq(logCosignatures.witness, 'w1'))
    // A fresh instance: no hints, and the database no longer says what w1 cosigned.
    const other = await Ledger.open(t.ctx)
    const round = await other.witnesses?.collect()
    expect(round?.results.find((r) => r.witness === 'w1')).toMatchObject({ ok: true })
    const note = await (await t.app.request('/log/checkpoint')).text()
    expect((await verifyCheckpointWithPolicy(note, await policyOf(t))).cosignatures).toHaveLength(3)
  })

  it("a witness's time budget runs on the collector's clock, not on the wall clock", async () => {
    const t = await createTestApp(engine, { VIGIL_LOG_ORIGIN: `log${++n}.example/log` })
    apps.push(t)
    await t.ledger.append([entry(10)])
    // Each reading is 40 s after the last: the 60 s budget is spent after one attempt, which
    // on real time would be retried for a minute.
    let readings = 0
    let attempts = 0
    const collector = new WitnessCollector({
      db: t.ctx.db,
      witnesses: [
        { name: 'w1', vkey: witnesses[0]?.vkey ?? '', url: 'http://127.0.0.1:1/witness' },
      ],
      quorum: 1,
      timeoutMs: 60_000,
      logger: t.ctx.logger,
      now: () => 40_000 * readings++,
      fetch: async () => {
        attempts++
        return new Response('busy', { status: 503 })
      },
    })
    const started = Date.now()
    const round = await collector.collect()
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(attempts).toBe(1)
    expect(round?.results).toHaveLength(1)
    expect(round?.results[0]).toMatchObject({ witness: 'w1', ok: false, reason: 'timeout' })
    expect(round?.results[0]?.ms).toBeGreaterThan(60_000)
    expect(round?.met).toBe(false)
  })

  it('wait mode: receipts prove against a cosigned checkpoint; without quorum the append fails', async () => {
    const t = await logWith([spec(0), spec(1), spec(2)], { VIGIL_WITNESS_WAIT: 'true' })
    const [appended] = await t.ledger.append([entry(8)])
    const leaf = hashLeaf(encodeEntry(entry(8)))
    const proof = await verifyTlogProof(appended?.receipt ?? '', leaf, await policyOf(t))
    expect(proof.cosignatures.length).toBeGreaterThanOrEqual(2)

    const down = await logWith(
      [spec(0), spec(1, 'http://127.0.0.1:1/witness'), spec(2, `${hanging.url}/witness`)],
      { VIGIL_WITNESS_WAIT: 'true' },
    )
    const started = Date.now()
    await expect(down.ledger.append([entry(9)])).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    expect(Date.now() - started).toBeLessThan(BUDGET_MS * 2 + 1500)
  })
})
