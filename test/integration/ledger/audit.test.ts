/**
 * `vigil audit`: a clean log audits clean from the database and through the HTTP API; each kind
 * of tampering, made directly in the database, is named by its code and place, first; and the
 * CLI exits 0 on a clean data directory and 1 naming the problem once it is tampered with.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq, type SQL } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256, utf8 } from '../../../src/core/codec/bytes.ts'
import { parseNote } from '../../../src/core/note/index.ts'
import { startRuntime } from '../../../src/entry/runtime.ts'
import { parseConfig } from '../../../src/platform/config/config.ts'
import { createDb } from '../../../src/platform/db/client.ts'
import {
  logBundles,
  logCheckpoints,
  logEntries,
  logState,
  logTiles,
} from '../../../src/platform/db/schema/index.ts'
import {
  logSigner,
  parseVigilCheckpoint,
  signCheckpoint,
} from '../../../src/services/ledger/checkpoint.ts'
import { forgetLog } from '../../../src/services/ledger/index.ts'
import { type AuditReport, audit } from '../../../src/tools/audit/audit.ts'
import { databaseSource } from '../../../src/tools/audit/database-source.ts'
import { remoteSource } from '../../../src/tools/audit/remote-source.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON, seedDataDir } from '../../helpers/db.ts'
import { entry, logVkey } from '../../helpers/ledger.ts'
import { BIN } from '../../helpers/server.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

/** Checkpoints at 0, 1, 41, 256 (a full tile), 356, 359 and 500. */
const BATCHES = [1, 40, 215, 100, 3, 141]
const BASE = 'http://vigil.test'

describe.each(ENGINES)('audit on %s', (engine) => {
  let t: TestApp
  let vkey: string
  beforeAll(async () => {
    t = await createTestApp(engine)
    let n = 0
    for (const size of BATCHES) {
      await t.ledger.append(Array.from({ length: size }, () => entry(n++)))
    }
    vkey = await logVkey(t.ctx)
  })
  afterAll(() => t?.close())

  const fromDb = () => audit(databaseSource(t.ctx.db), { vkey })
  const remote = () =>
    remoteSource({ url: BASE, fetch: (url) => t.app.request(url.slice(BASE.length)) })
  const overHttp = () => audit(remote(), { vkey })

  /** Applies a change (which returns its undo), audits, and undoes it: each test sees a clean log. */
  async function whileTampered(
    change: Promise<() => Promise<unknown>>,
    check: () => Promise<void>,
  ) {
    const undo = await change
    try {
      await check()
    } finally {
      await undo()
    }
  }
  const first = (r: AuditReport) => r.findings[0]
  const flip = (bytes: Uint8Array, at: number) => {
    const out = bytes.slice()
    out[at] = (out[at] as number) ^ 1
    return out
  }

  it('a clean log audits clean from the database and over HTTP (with the key it publishes)', async () => {
    const progress: bigint[] = []
    const report = await audit(databaseSource(t.ctx.db), {
      vkey,
      onProgress: (d) => progress.push(d),
    })
    expect(report).toEqual({ size: 500n, entries: 500n, checkpoints: 7, findings: [], ok: true })
    expect(progress).toEqual([500n])
    expect(await remote().key()).toBe(vkey)
    expect(await overHttp()).toEqual(report)
  })

  /** Rewrites one row of a table through `change`; resolves to the function that puts it back. */
  async function updateRow<T extends Record<string, unknown>>(
    table: typeof logEntries | typeof logTiles | typeof logBundles | typeof logCheckpoints,
    where: SQL | undefined,
    change: (row: T) => Promise<Partial<T>> | Partial<T>,
  ) {
    const [row] = (await t.ctx.db.select().from(table).where(where)) as unknown as T[]
    if (row === undefined) throw new Error('no such row')
    await t.ctx.db
      .update(table)
      .set(await change(row))
      .where(where)
    return () => t.ctx.db.update(table).set(row).where(where)
  }
  type Entry = typeof logEntries.$inferSelect
  const entryAt = (idx: bigint) => eq(logEntries.idx, idx)

  it('a changed entry is AUDIT_ENTRY_MISMATCH at its index, and nothing else', async () => {
    const change = updateRow<Entry>(logEntries, entryAt(41n), (r) => ({ entry: flip(r.entry, 5) }))
    await whileTampered(change, async () => {
      // Its bundle and its tile outvote the row, so the tree (and every root) goes on unchanged.
      for (const r of [await fromDb(), await overHttp()])
        expect(r.findings).toEqual([
          expect.objectContaining({ code: 'AUDIT_ENTRY_MISMATCH', index: 41n, at: 'index 41' }),
        ])
    })
  })

  it('a changed stored leaf hash is AUDIT_LEAF_MISMATCH, and nothing else, over HTTP too', async () => {
    const change = updateRow<Entry>(logEntries, entryAt(77n), (r) => ({
      leafHash: flip(r.leafHash, 0),
    }))
    await whileTampered(change, async () => {
      // Over HTTP: /log/entries and the lookup serve the row's hash, which the tile contradicts.
      for (const r of [await fromDb(), await overHttp()])
        expect(r.findings).toEqual([
          expect.objectContaining({ code: 'AUDIT_LEAF_MISMATCH', index: 77n }),
        ])
    })
  })

  it('a flipped byte in a tile row is AUDIT_TILE_MISMATCH naming the tile', async () => {
    const change = updateRow<typeof logTiles.$inferSelect>(logTiles, eq(logTiles.idx, 1n), (r) => ({
      hashes: flip(r.hashes, 10 * 32 + 3),
    }))
    await whileTampered(change, async () => {
      const r = await fromDb()
      expect(r.findings).toHaveLength(1)
      expect(first(r)).toMatchObject({
        code: 'AUDIT_TILE_MISMATCH',
        path: 'tile/0/001.p/244',
        index: 266n,
      })
      // Over HTTP the row's entry and leaf hash (from /log/entries) and the bundle outvote it.
      const http = await overHttp()
      expect(http.findings.map((f) => `${f.code} ${f.at} ${f.index}`)).toEqual([
        'AUDIT_TILE_MISMATCH tile/0/001.p/244 266',
      ])
    })
  })

  it('a changed entry bundle is AUDIT_BUNDLE_MISMATCH naming the entry', async () => {
    // Entries are 55 bytes after a 2-byte length: this is byte 5 of entry 7.
    const change = updateRow<typeof logBundles.$inferSelect>(
      logBundles,
      eq(logBundles.idx, 0n),
      (r) => ({ data: flip(r.data, 7 * 57 + 2 + 5) }),
    )
    await whileTampered(change, async () => {
      const r = await fromDb()
      expect(r.findings).toHaveLength(1)
      expect(first(r)).toMatchObject({
        code: 'AUDIT_BUNDLE_MISMATCH',
        path: 'tile/entries/000',
        index: 7n,
      })
      // A server that served the full bundle before the change keeps serving what it read (full
      // bundles are final, services/ledger/memory); a freshly started one reads the changed row.
      forgetLog(t.ctx.db)
      expect((await overHttp()).findings).toEqual([
        expect.objectContaining({
          code: 'AUDIT_BUNDLE_MISMATCH',
          path: 'tile/entries/000',
          index: 7n,
        }),
      ])
    })
    // It read the changed bundle: forget it again, as a restart after the repair would.
    forgetLog(t.ctx.db)
  })

  it('a deleted entry row is AUDIT_MISSING_ENTRY at its index', async () => {
    const [row] = await t.ctx.db.select().from(logEntries).where(entryAt(200n))
    const change = async () => {
      await t.ctx.db.delete(logEntries).where(entryAt(200n))
      return () => t.ctx.db.insert(logEntries).values(row as Entry)
    }
    await whileTampered(change(), async () => {
      expect(first(await fromDb())).toMatchObject({ code: 'AUDIT_MISSING_ENTRY', index: 200n })
    })
  })

  /** Replaces the checkpoint note at `size` (and its stored hash, as the sequencer would). */
  const replaceNote = (size: bigint, note: (old: string) => Promise<string>) =>
    updateRow<typeof logCheckpoints.$inferSelect>(
      logCheckpoints,
      eq(logCheckpoints.size, size),
      async (r) => {
        const changed = await note(r.note)
        return { note: changed, noteHash: await sha256(utf8(changed)) }
      },
    )
  /** Re-signs a checkpoint with the log's own key, changing only what `edit` gives. */
  const resigned = (edit: object) => async (old: string) => {
    const c = parseVigilCheckpoint(parseNote(old).text)
    const signer = logSigner(await t.ctx.keys.active('log'), t.ctx.config.logOrigin)
    return (await signCheckpoint(signer, { ...c, time: c.time ?? 0, ...edit })).note
  }

  it('a validly signed checkpoint with a wrong root is AUDIT_CHECKPOINT_ROOT', async () => {
    const change = replaceNote(256n, resigned({ root: new Uint8Array(32).fill(9) }))
    await whileTampered(change, async () => {
      for (const r of [await fromDb(), await overHttp()]) {
        expect(first(r)).toMatchObject({ code: 'AUDIT_CHECKPOINT_ROOT', size: 256n })
        expect(r.findings.map((f) => `${f.code} ${f.at}`)).toEqual([
          'AUDIT_CHECKPOINT_ROOT checkpoint 256',
          'AUDIT_CONSISTENCY checkpoint 256',
          'AUDIT_CHAIN_BROKEN checkpoint 356', // it names the original note
          'AUDIT_CONSISTENCY checkpoint 356',
        ])
      }
    })
  })

  it('a corrupted signature is AUDIT_CHECKPOINT_SIGNATURE', async () => {
    const corrupt = async (note: string) => {
      const i = note.length - 12 // inside the signature's base64, away from the padding
      return note.slice(0, i) + (note[i] === 'A' ? 'B' : 'A') + note.slice(i + 1)
    }
    await whileTampered(replaceNote(41n, corrupt), async () => {
      const r = await fromDb()
      expect(first(r)).toMatchObject({ code: 'AUDIT_CHECKPOINT_SIGNATURE', size: 41n })
      expect(r.findings[1]).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', size: 256n })
    })
  })

  it('a checkpoint whose prev is not the note before is AUDIT_CHAIN_BROKEN', async () => {
    const prev = await sha256(utf8('not the previous checkpoint'))
    await whileTampered(replaceNote(359n, resigned({ prev })), async () => {
      for (const r of [await fromDb(), await overHttp()])
        expect(first(r)).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', size: 359n })
    })
  })

  /** The HTTP audit through a server that rewrites the answers of one route. */
  const misleading = (route: string, rewrite: (body: Record<string, unknown>) => unknown) =>
    remoteSource({
      url: BASE,
      fetch: async (url) => {
        const res = await t.app.request(url.slice(BASE.length))
        if (!url.slice(BASE.length).startsWith(route) || !res.ok) return res
        return Response.json(rewrite((await res.json()) as Record<string, unknown>))
      },
    })

  it('a lookup that leaves a leaf out is AUDIT_LOOKUP_MISMATCH at its index', async () => {
    type Lookup = { matches: { index: string }[] }
    const source = misleading('/log/lookup/', (b) => ({
      ...b,
      matches: (b as Lookup).matches.filter((m) => m.index !== '123'),
    }))
    const r = await audit(source, { vkey })
    expect(r.findings).toEqual([
      expect.objectContaining({ code: 'AUDIT_LOOKUP_MISMATCH', index: 123n }),
    ])
  })

  it('an inclusion proof that does not verify is AUDIT_PROOF_MISMATCH at its index', async () => {
    const source = misleading('/log/proof/inclusion?index=256&', (b) => ({
      ...b,
      proof: (b.proof as string[]).slice(1),
    }))
    const r = await audit(source, { vkey })
    expect(r.findings).toEqual([
      expect.objectContaining({ code: 'AUDIT_PROOF_MISMATCH', index: 256n }),
    ])
  })

  it('a sequencer state behind the last checkpoint is AUDIT_STATE_MISMATCH', async () => {
    const set = (checkpointSize: bigint) =>
      t.ctx.db.update(logState).set({ checkpointSize }).where(eq(logState.id, 1))
    const change = async () => {
      await set(359n)
      return () => set(500n)
    }
    await whileTampered(change(), async () => {
      expect(first(await fromDb())).toMatchObject({ code: 'AUDIT_STATE_MISMATCH', size: 500n })
    })
  })
})

describe('vigil audit (CLI, PGlite data directory)', () => {
  const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-audit-')))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const env = { VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'silent', DATABASE_URL: '' }
  const runWith =
    (extra: Record<string, string>) =>
    (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'audit', ...args], {
        env: { ...process.env, ...env, ...extra },
        encoding: 'utf8',
      })
  const run = Object.assign(runWith({}), { with: runWith })

  it('exits 0 on a clean log, 1 naming the first problem once tampered with', {
    timeout: 180_000, // three CLI processes, each booting PGlite from its data directory
  }, async () => {
    const { database, ledger } = await startRuntime(parseConfig(env), { migrate: true })
    for (let i = 0; i < 300; i += 100)
      await ledger.append(Array.from({ length: 100 }, (_, k) => entry(i + k)))
    await database.close()

    // The log's name is the deployment's data (it was created for http://localhost:8787): an
    // environment naming another URL raises no false alarm.
    const clean = run.with({ PUBLIC_URL: 'https://elsewhere.example:9443', PORT: '9443' })()
    expect(clean.stderr).toBe('')
    // 300 appended + the issuer-key announcement made at first start (index 0).
    expect(clean.stdout.trim()).toBe('audited 301 entries, 5 checkpoints: consistent')
    expect(clean.status).toBe(0)

    const db = await createDb({ kind: 'pglite', dataDir: join(dir, 'db') })
    const leafHash = new Uint8Array(32)
    await db.db.update(logEntries).set({ leafHash }).where(eq(logEntries.idx, 123n))
    await db.close()
    const bad = run('--json')
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/^AUDIT_LEAF_MISMATCH at index 123: /)
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, findings: [{ index: '123' }] })

    const help = spawnSync(process.execPath, [BIN, 'audit', '--help'], { encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('Usage: vigil audit [--url URL]')
  })
})
