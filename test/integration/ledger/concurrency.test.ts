/**
 * Several processes' sequencers on one Postgres database (each Ledger with its own postgres.js
 * pool, as separate processes would have), all appending at once: one sequence 0..N−1 with no
 * gap or duplicate, every receipt verifies against its own checkpoint, every entry is included
 * in the final tree, and the audit is clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeEntry } from '../../../src/core/leaf/index.ts'
import { hashLeaf, proveInclusion, verifyInclusion } from '../../../src/core/merkle/index.ts'
import { parseNote, verifyTlogProof } from '../../../src/core/note/index.ts'
import { createDb, type Database } from '../../../src/platform/db/client.ts'
import { KeyStore } from '../../../src/platform/keys/store.ts'
import {
  type Appended,
  Ledger,
  latestCheckpoint,
  parseVigilCheckpoint,
  storedHashReader,
} from '../../../src/services/ledger/index.ts'
import { audit } from '../../../src/tools/audit/audit.ts'
import { databaseSource } from '../../../src/tools/audit/database-source.ts'
import { createTestApp, seededRandom, TEST_MASTER_KEY, type TestApp } from '../../helpers/app.ts'
import { POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { entry, logPolicy, logVkey } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const INSTANCES = 4
const CALLS = 16
const PER_CALL = 25
const N = INSTANCES * CALLS * PER_CALL

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)('sequencers in several processes', () => {
  let t: TestApp
  const pools: Database[] = []
  afterAll(async () => {
    for (const p of pools) await p.close()
    await t?.close()
  })

  const inputs = Array.from({ length: INSTANCES }, (_, k) =>
    Array.from({ length: CALLS }, (_, c) =>
      Array.from({ length: PER_CALL }, (_, i) => entry(k * 100_000 + c * 1000 + i)),
    ),
  )
  let results: Appended[][][]

  beforeAll(async () => {
    t = await createTestApp('postgres')
    const ledgers = await Promise.all(
      inputs.map(async (_, k) => {
        const database = await createDb({ kind: 'postgres', url: t.database.url as string, max: 4 })
        pools.push(database)
        const keys = new KeyStore({
          db: database.db,
          masterKey: TEST_MASTER_KEY,
          random: seededRandom(100 + k),
          logName: t.ctx.config.logOrigin,
          now: () => new Date(),
        })
        return Ledger.open({ ...t.ctx, db: database.db, keys }, { maxBatch: 300 })
      }),
    )
    // Two waves, each all four processes at once: one integration step can take a whole wave
    // (a fast machine did), so the second wave makes sure receipts span several checkpoints.
    const wave = (from: number, to: number) =>
      Promise.all(
        ledgers.map((ledger, k) =>
          Promise.all(
            (inputs[k] as (typeof inputs)[0]).slice(from, to).map((batch) => ledger.append(batch)),
          ),
        ),
      )
    const first = await wave(0, CALLS / 2)
    const second = await wave(CALLS / 2, CALLS)
    results = first.map((calls, k) => [...calls, ...(second[k] ?? [])])
  })

  it('gives one sequence 0..N-1 with no gap or duplicate, each leaf hash its entry', () => {
    const all = results.flat(2)
    const indices = all.map((r) => r.index).sort((a, b) => (a < b ? -1 : 1))
    expect(indices).toEqual(Array.from({ length: N }, (_, i) => BigInt(i)))
    const expected = inputs.flat(2).map((e) => hashLeaf(encodeEntry(e)))
    expect(all.map((r) => r.leafHash)).toEqual(expected)
  })

  it('every receipt verifies against its own checkpoint, and each entry is in the final tree', async () => {
    const policy = await logPolicy(t.ctx)
    const all = results.flat(2)
    for (const r of all) await verifyTlogProof(r.receipt, r.leafHash, policy)
    expect(new Set(all.map((r) => r.checkpoint)).size).toBeGreaterThan(1)

    const latest = await latestCheckpoint(t.ctx)
    expect(latest.size).toBe(BigInt(N))
    const { root } = parseVigilCheckpoint(parseNote(latest.note).text)
    const reader = storedHashReader(t.ctx, latest.size)
    for (const r of all) {
      const proof = await proveInclusion(r.index, latest.size, reader)
      verifyInclusion(r.leafHash, r.index, latest.size, proof, root)
    }
  })

  it('audits clean', async () => {
    const report = await audit(databaseSource(t.ctx.db), { vkey: await logVkey(t.ctx) })
    expect(report.findings).toEqual([])
    expect(report.entries).toBe(BigInt(N))
  })
})
