import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeEntry } from '../../../src/core/leaf/index.ts'
import { hashLeaf, rootFromLeafHashes, verifyConsistency } from '../../../src/core/merkle/index.ts'
import {
  createVerifier,
  openNote,
  parseNote,
  verifyTlogProof,
} from '../../../src/core/note/index.ts'
import {
  consistencyProof,
  inclusionProof,
  Ledger,
  latestCheckpoint,
  parseVigilCheckpoint,
} from '../../../src/services/ledger/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { entry, logPolicy, logVkey } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('sequencer on %s', (engine) => {
  let t: TestApp
  let ledger: Ledger
  beforeAll(async () => {
    t = await createTestApp(engine)
    ledger = await Ledger.open(t.ctx, { maxBatch: 300 })
  })
  afterAll(() => t?.close())

  it('starts with a signed empty-tree checkpoint', async () => {
    const c = await latestCheckpoint(t.ctx)
    expect(c.size).toBe(0n)
    const opened = await openNote(c.note, [await createVerifier(await logVkey(t.ctx))])
    expect(opened.verified).toHaveLength(1)
  })

  it('appends concurrently, in one consistent sequence, each with a verifying receipt', async () => {
    const policy = await logPolicy(t.ctx)
    const inputs = Array.from({ length: 20 }, (_, c) =>
      Array.from({ length: 37 }, (_, i) => entry(c * 100 + i)),
    )
    const results = (await Promise.all(inputs.map((batch) => ledger.append(batch)))).flat()
    const flatInputs = inputs.flat()
    const indices = results.map((r) => r.index).sort((a, b) => (a < b ? -1 : 1))
    expect(indices).toEqual(Array.from({ length: 740 }, (_, i) => BigInt(i)))
    for (const [i, r] of results.entries()) {
      expect(r.leafHash).toEqual(hashLeaf(encodeEntry(flatInputs[i] as never)))
      if (i % 10 === 0) await verifyTlogProof(r.receipt, r.leafHash, policy)
    }
    const latest = await latestCheckpoint(t.ctx)
    expect(latest.size).toBe(740n)
  })

  it('checkpoints form a hash chain and the root matches a recomputation', async () => {
    const latest = await latestCheckpoint(t.ctx)
    const text = parseVigilCheckpoint(parseNote(latest.note).text)
    expect(text.prev).toBeDefined()
    const entries = await t.ctx.db.query.logEntries.findMany({
      orderBy: (e, { asc }) => asc(e.idx),
    })
    const root = rootFromLeafHashes(entries.map((e) => hashLeaf(e.entry)))
    expect(text.root).toEqual(root)
    const { proof } = await inclusionProof(t.ctx, { index: 5n })
    expect(proof.length).toBe(10)
    const first = await t.ctx.db.query.logCheckpoints.findFirst({
      where: (c, { gt }) => gt(c.size, 0n),
    })
    const old = parseVigilCheckpoint(parseNote(first?.note as string).text)
    const c = await consistencyProof(t.ctx, { first: old.size })
    verifyConsistency(old.size, 740n, old.root, root, c.proof)
  })
})
