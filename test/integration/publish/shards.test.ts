/**
 * The published copy of a sharded log (docs/LEDGER.md "Published copy", "Shards"): after `vigil
 * log rotate`, the first shard's copy is finished to its final checkpoint at the root and never
 * overwritten; the new shard is published under 2/; each part audits under its own key; the
 * app answers /log/tile/… (the active shard) from shard 2's part and /log/1/tile/… from the
 * root — never one shard's tile for the other's path.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseVigilCheckpoint } from '../../../src/core/checkpoint/index.ts'
import { parseNote } from '../../../src/core/note/index.ts'
import { PublishedCopy } from '../../../src/entry/published-copy.ts'
import { createApp } from '../../../src/http/app.ts'
import { jsonLogger } from '../../../src/platform/context/index.ts'
import { shardStore } from '../../../src/platform/object-store/index.ts'
import { dirStore } from '../../../src/platform/object-store-dir/index.ts'
import { rotateShard } from '../../../src/services/ledger/index.ts'
import { auditStatic } from '../../../src/tools/audit/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { entry, logVkey } from '../../helpers/ledger.ts'

let t: TestApp
let dir: string

beforeAll(async () => {
  t = await createTestApp('pglite')
  dir = mkdtempSync(join(tmpdir(), 'vigil-publish-shards-'))
}, 60_000)
afterAll(async () => {
  await t?.ledger.close()
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
})

const sizeOf = (bytes: Uint8Array | string) =>
  parseVigilCheckpoint(
    parseNote(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes)).text,
  )

describe('the published copy across a rotation', () => {
  it('finishes shard 1 at the root to its final checkpoint, publishes shard 2 under 2/, serves each from its own part', async () => {
    const store = dirStore(dir)
    const copy = new PublishedCopy(t.ctx, store, jsonLogger('silent'), { repairFirst: false })
    await t.ledger.append(Array.from({ length: 300 }, (_, k) => entry(k)))
    await copy.kick()
    expect(sizeOf(readFileSync(join(dir, 'checkpoint'))).size).toBe(300n)
    const vkey1 = await logVkey(t.ctx)

    // Entries the copy has not seen yet, then the rotation, then shard 2's own entries.
    await t.ledger.append(Array.from({ length: 50 }, (_, k) => entry(1000 + k)))
    const rotated = await rotateShard(t.ctx, t.ctx.config.logOrigin)
    if (!rotated.rotated) throw new Error(`not rotated: ${rotated.reason}`)
    await t.ledger.append(Array.from({ length: 260 }, (_, k) => entry(2000 + k)))
    const vkey2 = (await (await t.app.request('/log/key')).text()).trim()
    expect(vkey2).not.toBe(vkey1)
    await copy.kick()

    // Shard 1 at the root: its final checkpoint (the `final` line), 350 entries, its key.
    const root = sizeOf(readFileSync(join(dir, 'checkpoint')))
    expect(root).toMatchObject({
      size: 350n,
      final: true,
      origin: t.ctx.config.logOrigin.replace(/\/2$/, ''),
    })
    expect((await auditStatic((p) => store.get(p), { vkey: [vkey1] })).ok).toBe(true)
    // Shard 2 under 2/: its own origin and key.
    const two = shardStore(store, 2)
    const second = sizeOf(readFileSync(join(dir, '2/checkpoint')))
    expect(second.size).toBe(260n)
    expect(second.origin).toMatch(/\/2$/)
    expect((await auditStatic((p) => two.get(p), { vkey: [vkey2] })).ok).toBe(true)
    // The scheduled audit reads the active shard's part.
    const report = await copy.audit()
    expect(report?.ok).toBe(true)
    expect(report?.size).toBe(260n)
    expect(copy.status().size).toBe('260')

    // The app with the copy: each path answers its own shard's tile, as the database would.
    const app = createApp({ ...t.ctx, version: 'test', published: copy }, { accessLog: false })
    const bytes = async (path: string) =>
      new Uint8Array(await (await app.request(path)).arrayBuffer())
    const active = await bytes('/log/tile/0/000')
    expect(active).toEqual(new Uint8Array(readFileSync(join(dir, '2/tile/0/000'))))
    expect(active).toEqual(await bytes('/log/2/tile/0/000'))
    const frozen = await bytes('/log/1/tile/0/000')
    expect(frozen).toEqual(new Uint8Array(readFileSync(join(dir, 'tile/0/000'))))
    expect(frozen).not.toEqual(active)
    // A run after more appends writes only shard 2's new objects; shard 1 is finished.
    await t.ledger.append(Array.from({ length: 10 }, (_, k) => entry(3000 + k)))
    await copy.kick()
    expect(sizeOf(readFileSync(join(dir, '2/checkpoint'))).size).toBe(270n)
    expect(sizeOf(readFileSync(join(dir, 'checkpoint'))).size).toBe(350n)
  })
})
