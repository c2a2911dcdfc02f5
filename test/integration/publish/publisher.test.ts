/**
 * The publisher against a real database and a real directory: it publishes tiles, bundles and
 * then the checkpoint; a store that fails some puts never gets a checkpoint ahead of its tiles
 * and a later run converges; a second run writes nothing; a run after more appends starts at the
 * copy's checkpoint; the static audit names a missing or changed object by its path; the app's
 * tile route answers from the copy when one is configured.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../src/http/app.ts'
import type { ObjectStore } from '../../../src/platform/object-store/index.ts'
import { dirStore } from '../../../src/platform/object-store-dir/index.ts'
import { checkpointSize, PublishError, publishLog } from '../../../src/services/publish/index.ts'
import { type AuditReport, auditStatic } from '../../../src/tools/audit/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { entry, logVkey } from '../../helpers/ledger.ts'

let t: TestApp
let vkey: string
const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-publish-'))
  dirs.push(d)
  return d
}

beforeAll(async () => {
  t = await createTestApp('pglite')
  vkey = await logVkey(t.ctx)
  // 600 entries: two full level-0 tiles and a partial one, a partial level-1 tile.
  for (let i = 0; i < 6; i++)
    await t.ledger.append(Array.from({ length: 100 }, (_, k) => entry(i * 100 + k)))
}, 60_000)
afterAll(async () => {
  await t.ledger.close()
  await t.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const audit = (store: ObjectStore): Promise<AuditReport> =>
  auditStatic((path) => store.get(path), { vkey })
const first = (r: AuditReport) => r.findings[0] && `${r.findings[0].code} ${r.findings[0].at}`

/** A store whose puts of the keys `failing` names fail (an outage, a full disk, a refused PUT). */
function flaky(inner: ObjectStore, failing: (key: string) => boolean): ObjectStore {
  return {
    name: 'flaky',
    put: async (key, bytes, o) => {
      if (failing(key)) throw new Error(`injected failure writing ${key}`)
      return inner.put(key, bytes, o)
    },
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
  }
}

describe('publisher', () => {
  it('publishes every tile and bundle, then the checkpoint; a second run writes nothing', async () => {
    const dir = tempDir()
    const store = dirStore(dir)
    const done = await publishLog(t.ctx, store)
    expect(done.size).toBe(600n)
    // Level 0: 000, 001 full, 002.p/88; level 1: 000.p/2; the same three bundles; the checkpoint.
    expect(done.written).toBe(3 + 1 + 3 + 1)
    expect(readFileSync(join(dir, 'tile/0/002.p/88')).length).toBe(88 * 32)
    expect(checkpointSize(readFileSync(join(dir, 'checkpoint')))).toBe(600n)
    expect((await audit(store)).ok).toBe(true)
    const again = await publishLog(t.ctx, store, { repair: true })
    expect(again).toMatchObject({ written: 0, present: 7, from: 0n })
  })

  it('never publishes a checkpoint ahead of its tiles; a later run converges', async () => {
    const dir = tempDir()
    const real = dirStore(dir)
    const broken = flaky(real, (key) => key === 'tile/0/001')
    const error = await publishLog(t.ctx, broken, { attempts: 3, backoffMs: 1 }).catch((e) => e)
    expect(error).toBeInstanceOf(PublishError)
    expect(error.key).toBe('tile/0/001')
    expect(await real.head('checkpoint')).toBeUndefined()
    // Failures that pass: each put fails once, then works (retried within the run).
    let tries = 0
    const once = new Set<string>()
    const shaky = flaky(real, (key) => {
      tries++
      if (once.has(key)) return false
      once.add(key)
      return true
    })
    const done = await publishLog(t.ctx, shaky, { backoffMs: 1 })
    expect(done.size).toBe(600n)
    expect(tries).toBeGreaterThan(done.written)
    expect((await audit(real)).ok).toBe(true)
  })

  it('resumes at the copy checkpoint after more appends, and repairs a deleted object', async () => {
    const dir = tempDir()
    const store = dirStore(dir)
    await publishLog(t.ctx, store)
    await t.ledger.append(Array.from({ length: 200 }, (_, k) => entry(10_000 + k)))
    const next = await publishLog(t.ctx, store)
    expect(next.from).toBe(600n)
    expect(next.size).toBe(800n)
    // 002 full and 003.p/32, level 1 000.p/3, their two bundles, the checkpoint.
    expect(next.written).toBe(6)
    expect((await audit(store)).ok).toBe(true)
    unlinkSync(join(dir, 'tile/0/001'))
    expect(first(await audit(store))).toBe('AUDIT_OBJECT_MISSING tile/0/001')
    expect((await publishLog(t.ctx, store)).written).toBe(0) // not past the checkpoint
    expect((await publishLog(t.ctx, store, { repair: true })).written).toBe(1)
    expect((await audit(store)).ok).toBe(true)
  })

  it('names a changed tile, a changed bundle, and the right edge, each by its path', async () => {
    const dir = tempDir()
    const store = dirStore(dir)
    const { size } = await publishLog(t.ctx, store)
    const width = Number(size % 256n)
    const edgeTile = `tile/0/003.p/${width}`
    const cases: [string, string][] = [
      ['tile/0/001', 'AUDIT_TILE_MISMATCH tile/0/001'],
      ['tile/entries/001', 'AUDIT_BUNDLE_MISMATCH tile/entries/001'],
      [edgeTile, `AUDIT_TILE_MISMATCH ${edgeTile}`],
      [`tile/entries/003.p/${width}`, `AUDIT_BUNDLE_MISMATCH tile/entries/003.p/${width}`],
      ['tile/1/000.p/3', 'AUDIT_TILE_MISMATCH tile/1/000.p/3'],
    ]
    for (const [path, expected] of cases) {
      const file = join(dir, path)
      const good = readFileSync(file)
      const bad = Buffer.from(good)
      bad[40] = (bad[40] as number) ^ 1 // a byte inside an entry's artefact hash, or a hash
      writeFileSync(file, bad)
      const report = await audit(store)
      expect(first(report), path).toBe(expected)
      expect(report.findings, path).toHaveLength(1)
      writeFileSync(file, good)
    }
    expect((await audit(store)).ok).toBe(true)
  })

  it('names a checkpoint that is missing, or signed by another key', async () => {
    const dir = tempDir()
    const store = dirStore(dir)
    expect(first(await audit(store))).toBe('AUDIT_OBJECT_MISSING checkpoint')
    await publishLog(t.ctx, store)
    const note = readFileSync(join(dir, 'checkpoint'), 'utf8')
    writeFileSync(join(dir, 'checkpoint'), note.replace(/\n\n— (\S+) (\S{4})/, '\n\n— $1 AAAA'))
    expect(first(await audit(store))).toBe('AUDIT_CHECKPOINT_SIGNATURE checkpoint')
  })

  it('the app serves tiles from the copy when one is configured', async () => {
    const dir = tempDir()
    const store = dirStore(dir)
    await publishLog(t.ctx, store)
    // Mark the copy's partial tile, so an answer from it can be told from the database's.
    const path = 'tile/0/003.p/32'
    const marked = Buffer.from(readFileSync(join(dir, path)))
    marked[0] = (marked[0] as number) ^ 0xff
    writeFileSync(join(dir, path), marked)
    const app = createApp(
      { ...t.ctx, version: 'test', published: { store, status: () => ({ store: store.name }) } },
      { accessLog: false },
    )
    const served = new Uint8Array(await (await app.request(`/log/${path}`)).arrayBuffer())
    expect(Buffer.from(served).equals(marked)).toBe(true)
    // Not yet published: the database answers.
    expect((await app.request('/log/tile/0/003.p/33')).status).toBe(404)
    await t.ledger.append([entry(20_000)])
    expect((await app.request('/log/tile/0/003.p/33')).status).toBe(200)
    const status = await (await app.request('/log/published')).json()
    expect(status).toEqual({ configured: true, store: store.name })
  })

  it('never moves the copy checkpoint back when another run published a larger tree meanwhile', async () => {
    const dir = tempDir()
    const real = dirStore(dir)
    const { size } = await publishLog(t.ctx, real)
    await t.ledger.append(Array.from({ length: 10 }, (_, k) => entry(30_000 + k)))
    let raced = false
    // While this run writes its first tile, another run appends and publishes a larger tree.
    const racing: ObjectStore = {
      name: 'racing',
      put: async (key, bytes, o) => {
        if (!raced && key !== 'checkpoint') {
          raced = true
          await t.ledger.append(Array.from({ length: 10 }, (_, k) => entry(31_000 + k)))
          expect((await publishLog(t.ctx, real)).size).toBe(size + 20n)
        }
        return real.put(key, bytes, o)
      },
      get: (key) => real.get(key),
      head: (key) => real.head(key),
    }
    const run = await publishLog(t.ctx, racing)
    expect(raced).toBe(true)
    expect(run.size).toBe(size + 20n)
    expect(checkpointSize(readFileSync(join(dir, 'checkpoint')))).toBe(size + 20n)
    expect((await audit(real)).ok).toBe(true)
  })
})
