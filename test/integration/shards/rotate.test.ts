/**
 * Log shards in process, on each engine (docs/LEDGER.md "Shards"): a rotation freezes shard 1
 * with a final checkpoint and starts shard 2 with a new origin and key; appends follow; the old
 * shard's reads stay under /log/1/…; a ledger pinned to shard 1 is refused with LOG_SHARD_FROZEN
 * and queues nothing; two rotations at once make one shard and one key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseVigilCheckpoint } from '../../../src/core/checkpoint/index.ts'
import { createEd25519Verifier, openNote, parseNote } from '../../../src/core/note/index.ts'
import { keys, logPending } from '../../../src/platform/db/index.ts'
import { Ledger, listShards, rotateShard } from '../../../src/services/ledger/index.ts'
import { appOver, createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES } from '../../helpers/db.ts'

const entry = (n: number) => ({
  kind: 'credential' as const,
  artefactHash: new Uint8Array(32).fill(n),
  keyId: 'test-kid',
  time: 1_764_000_000,
})

describe.each(ENGINES)('log shards on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
  }, 60_000)
  afterAll(async () => {
    await t?.close()
  })

  it('rotates: shard 1 frozen at its size with a final checkpoint, shard 2 new origin and key; appends follow', async () => {
    await t.ledger.append([entry(1), entry(2), entry(3)])
    const pinned = await Ledger.open(t.ctx, { follow: false, witnesses: false })
    const before = await (await t.app.request('/log/checkpoint')).text()
    const size1 = parseVigilCheckpoint(parseNote(before).text).size
    const oldVkey = (await (await t.app.request('/log/key')).text()).trim()

    const r = await rotateShard(t.ctx, 'localhost:8787/log')
    if (!r.rotated) throw new Error(`not rotated: ${r.reason}`)
    expect(r.frozen).toMatchObject({ id: 1, state: 'frozen', finalSize: size1 })
    expect(r.active).toMatchObject({ id: 2, state: 'active', origin: 'localhost:8787/log/2' })
    expect(r.active.keyId).not.toBe(r.frozen.keyId)

    // The final checkpoint: shard 1's key, its last tree, the `final` line.
    const final = await (await t.app.request('/log/1/checkpoint')).text()
    const opened = await openNote(final, [await createEd25519Verifier(oldVkey)])
    const cp = parseVigilCheckpoint(opened.text)
    expect(cp).toMatchObject({ origin: 'localhost:8787/log', size: size1, final: true })
    expect((await (await t.app.request('/log/1/key')).text()).trim()).toBe(oldVkey)

    // The appending ledger follows to shard 2 (its first entry at index 0).
    const [appended] = await t.ledger.append([entry(4)])
    expect(appended?.index).toBe(0n)
    const now = await (await t.app.request('/log/checkpoint')).text()
    expect(now.split('\n')[0]).toBe('localhost:8787/log/2')
    expect(parseVigilCheckpoint(parseNote(now).text).size).toBe(1n)
    expect(await (await t.app.request('/log/2/checkpoint')).text()).toBe(now)

    // Shard 1's reads: tiles, entries and proofs from its own tables.
    const entries = await (await t.app.request('/log/1/entries?start=0&limit=10')).json()
    expect(entries.entries).toHaveLength(Number(size1))
    const tile = await t.app.request(`/log/1/tile/0/000.p/${size1}`)
    expect(tile.status).toBe(200)
    expect((await tile.arrayBuffer()).byteLength).toBe(Number(size1) * 32)
    const proof = await t.app.request(`/log/1/proof/inclusion?index=1&size=${size1}`)
    expect(proof.status).toBe(200)
    const unknown = await t.app.request('/log/7/checkpoint')
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).code).toBe('LOG_SHARD_UNKNOWN')

    // A writer pinned to shard 1 is refused, and nothing is queued.
    const waitingBefore = await t.ctx.db.$count(logPending)
    await expect(pinned.append([entry(5)])).rejects.toMatchObject({ code: 'LOG_SHARD_FROZEN' })
    expect(await t.ctx.db.$count(logPending)).toBe(waitingBefore)
    await pinned.close()

    const doc = await (await t.app.request('/openapi.json')).json()
    expect(Object.keys(doc.paths)).toContain('/log/shards')
    const shards = await (await t.app.request('/log/shards')).json()
    expect(shards.shards.map((s: { id: number; state: string }) => [s.id, s.state])).toEqual([
      [1, 'frozen'],
      [2, 'active'],
    ])
  })

  it('a process started after the rotation appends to the active shard with its key', async () => {
    const later = await appOver(t.database)
    const before = parseVigilCheckpoint(
      parseNote(await (await later.app.request('/log/checkpoint')).text()).text,
    )
    expect(before.origin).toBe('localhost:8787/log/2')
    const [placed] = await later.ledger.append([entry(9)])
    expect(placed?.index).toBe(before.size)
    const vkey2 = (await (await later.app.request('/log/key')).text()).trim()
    expect(vkey2.startsWith('localhost:8787/log/2+')).toBe(true)
    await openNote(await (await later.app.request('/log/checkpoint')).text(), [
      await createEd25519Verifier(vkey2),
    ])
    await later.ledger.close()
  })

  it('two rotations at once: exactly one new shard and one new log key', async () => {
    const logKeys = async () =>
      (await t.ctx.db.select().from(keys)).filter((k) => k.purpose === 'log').length
    const keysBefore = await logKeys()
    const results = await Promise.all([
      rotateShard(t.ctx, 'localhost:8787/log'),
      rotateShard(t.ctx, 'localhost:8787/log'),
    ])
    expect(results.map((r) => r.rotated).sort()).toEqual([false, true])
    expect(await logKeys()).toBe(keysBefore + 1)
    expect((await listShards(t.ctx.db)).map((s) => s.state)).toEqual(['frozen', 'frozen', 'active'])
  })
})
