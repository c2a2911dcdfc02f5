/**
 * Node and the Worker appending to one Postgres at once (issue 19): 200 cards issued through the
 * Node app and 200 through the Worker in workerd, 16 in flight on each side, at the same time.
 * One log: indices 0..399 with no gap or duplicate, every card's entry at its index (its JWS hash
 * is the entry's artefact hash), every receipt verifies, both sides' entries interleave, and the
 * log audits clean.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Unstable_DevWorker } from 'wrangler'
import { sha256 } from '../../src/core/codec/bytes.ts'
import { toHex } from '../../src/core/codec/hex.ts'
import { decodeEntry } from '../../src/core/leaf/index.ts'
import { verifyTlogProof } from '../../src/core/note/index.ts'
import { rowsOf } from '../../src/platform/db/index.ts'
import { audit } from '../../src/tools/audit/audit.ts'
import { databaseSource } from '../../src/tools/audit/database-source.ts'
import { immunization } from '../helpers/credentials.ts'
import { POSTGRES_SKIP_REASON } from '../helpers/db.ts'
import { logPolicy, logVkey } from '../helpers/ledger.ts'
import { type NodeSide, nodeDeployment, startWorker, tokenFor } from './harness.ts'

const skip = POSTGRES_SKIP_REASON ? `workerd: needs Postgres (${POSTGRES_SKIP_REASON})` : undefined
if (skip) it.skip(skip, () => {})

const EACH = 200
const IN_FLIGHT = 16

interface Issued {
  jws: string
  leafIndex: string
  receipt: string
  side: 'node' | 'worker'
}

/** `n` calls of `f`, `width` at a time. */
async function pool<T>(n: number, width: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n)
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++
        out[i] = await f(i)
      }
    }),
  )
  return out
}

describe.skipIf(skip !== undefined)('Node and the Worker append to one log at once', () => {
  let node: NodeSide
  let worker: Unstable_DevWorker
  let issued: Issued[] = []
  let started = 0
  const times = { node: 0, worker: 0 }

  beforeAll(async () => {
    node = await nodeDeployment()
    const token = await tokenFor(node.ctx, ['issuer'])
    worker = await startWorker(node.db)
    const init = (body: unknown) => ({
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const read = async (
      res: { status: number; text(): Promise<string>; json(): Promise<unknown> },
      side: Issued['side'],
    ): Promise<Issued> => {
      if (res.status !== 201) throw new Error(`${side}: ${res.status} ${await res.text()}`)
      return { ...((await res.json()) as Omit<Issued, 'side'>), side }
    }
    // Warm the Worker (its first request loads the bundle), so both sides append at once.
    expect((await worker.fetch('/readyz')).status).toBe(200)
    started = performance.now()
    const [fromNode, fromWorker] = await Promise.all([
      pool(EACH, IN_FLIGHT, async () =>
        read(await node.app.request('/api/credentials', init(immunization())), 'node'),
      ).finally(() => (times.node = performance.now() - started)),
      pool(EACH, IN_FLIGHT, async () =>
        read(await worker.fetch('/api/credentials', init(immunization())), 'worker'),
      ).finally(() => (times.worker = performance.now() - started)),
    ])
    issued = [...fromNode, ...fromWorker]
    console.log(
      `node side ${Math.round(times.node)} ms, worker side ${Math.round(times.worker)} ms`,
    )
  }, 240_000)

  afterAll(async () => {
    await worker?.stop()
    await node?.close()
  })

  it('one sequence 0..N-1, each card at its own index, no gap or duplicate', async () => {
    const indices = issued.map((c) => BigInt(c.leafIndex)).sort((a, b) => (a < b ? -1 : 1))
    expect(indices).toEqual(Array.from({ length: 2 * EACH }, (_, i) => BigInt(i)))
    const rows = rowsOf<{ idx: string; entry: Uint8Array }>(
      await node.db.db.execute(sql`select idx::text, entry from log_entries order by idx`),
    )
    expect(rows.length).toBe(2 * EACH)
    const byIndex = new Map(
      rows.map((r) => [r.idx, toHex(decodeEntry(new Uint8Array(r.entry)).artefactHash)]),
    )
    for (const card of issued) {
      const hash = toHex(await sha256(new TextEncoder().encode(card.jws)))
      expect(byIndex.get(card.leafIndex)).toBe(hash)
    }
    // Neither side ran alone: the Worker's entries fall between Node's.
    const sides = [...issued].sort((a, b) => Number(BigInt(a.leafIndex) - BigInt(b.leafIndex)))
    const switches = sides.filter((c, i) => i > 0 && c.side !== sides[i - 1]?.side).length
    expect(switches).toBeGreaterThan(10)
  })

  it('every receipt verifies against its own checkpoint', async () => {
    const policy = await logPolicy(node.ctx)
    const leaves = new Map(
      rowsOf<{ idx: string; leaf_hash: Uint8Array }>(
        await node.db.db.execute(sql`select idx::text, leaf_hash from log_entries`),
      ).map((r) => [r.idx, new Uint8Array(r.leaf_hash)]),
    )
    for (const card of issued)
      await verifyTlogProof(card.receipt, leaves.get(card.leafIndex) as Uint8Array, policy)
  })

  it('audits clean', async () => {
    const report = await audit(databaseSource(node.db.db), { vkey: await logVkey(node.ctx) })
    expect(report.findings).toEqual([])
    expect(report.entries).toBe(BigInt(2 * EACH))
  })
})
