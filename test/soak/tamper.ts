/**
 * The tamper campaign's driver (docs/RELIABILITY.md, "Audit: every tampering named"): a log of a
 * few hundred credentials issued through the app, then one mutation of one kind at a time, each on
 * a fresh copy of that database (PGlite `clone()`, Postgres `create database … template …`),
 * audited from the database and over HTTP (the app's own routes through a fetch shim). A trial
 * passes when the first finding has the kind's code and names the index, tile or checkpoint that
 * was changed. Used by test/reliability/tamper.test.ts (small) and tamper.soak.ts (full).
 */
import { PGlite } from '@electric-sql/pglite'
import { and, desc, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import postgres from 'postgres'
import { sha256, utf8 } from '../../src/core/codec/bytes.ts'
import { encodeEntry, type LogEntry } from '../../src/core/leaf/index.ts'
import { entriesPath, hashLeaf, tilePath } from '../../src/core/merkle/index.ts'
import { parseNote } from '../../src/core/note/index.ts'
import { createDb, type Db } from '../../src/platform/db/client.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import * as schema from '../../src/platform/db/schema/index.ts'
import {
  logBundles,
  logCheckpoints,
  logEntries,
  logTiles,
} from '../../src/platform/db/schema/index.ts'
import {
  logSigner,
  parseVigilCheckpoint,
  signCheckpoint,
} from '../../src/services/ledger/checkpoint.ts'
import { type AuditCode, type AuditFinding, audit } from '../../src/tools/audit/audit.ts'
import { databaseSource, storedLogVkeys } from '../../src/tools/audit/database-source.ts'
import { remoteSource } from '../../src/tools/audit/remote-source.ts'
import { appOver, type TestApp } from '../helpers/app.ts'
import { api, immunization, tokenFor } from '../helpers/credentials.ts'
import type { Engine, TestDatabase } from '../helpers/db.ts'

export const KINDS = [
  'leaf-hash',
  'entry',
  'tile',
  'bundle',
  'checkpoint-signature',
  'checkpoint-root',
  'chain',
  'deleted-row',
  'swapped-rows',
  'extra-row',
  'truncated-tile',
] as const
export type Kind = (typeof KINDS)[number]
export const MODES = ['database', 'http'] as const
export type Mode = (typeof MODES)[number]

/** What the first finding must say. */
export interface Expected {
  code: AuditCode
  index?: bigint
  path?: string
  size?: bigint
  other?: bigint
}

export interface Trial {
  engine: Engine
  kind: Kind
  mode: Mode
  expected: Expected
  first: AuditFinding | undefined
  detected: boolean
  named: boolean
}

/** mulberry32: seeded, so a failing trial replays exactly. */
export function seeded(seed: number): (below: number) => number {
  let a = seed >>> 0
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below)
  }
}

/** A built log that hands out fresh copies of its database. */
export interface TamperLog {
  engine: Engine
  size: bigint
  copy(): Promise<TestApp>
  close(): Promise<void>
}

const BASE = 'http://vigil.test'

/** Issues `credentials` through the app in groups of 1–24 (so checkpoints of many sizes). */
async function issue(t: TestApp, credentials: number, random: (n: number) => number) {
  const token = await tokenFor(t, ['issuer'])
  const client = api(t, token)
  for (let n = 0; n < credentials; ) {
    const group = Math.min(credentials - n, 1 + random(24))
    const answers = await Promise.all(
      Array.from({ length: group }, (_, k) =>
        client.post(
          '/api/credentials',
          immunization({
            patient: { givenNames: [`P${n + k}`], familyName: 'Tamper', birthDate: '1980-01-01' },
          }),
        ),
      ),
    )
    for (const res of answers)
      if (res.status !== 201) throw new Error(`issuing answered ${res.status}: ${await res.text()}`)
    n += group
  }
}

async function latestSize(db: Db): Promise<bigint> {
  const [row] = await db
    .select({ size: logCheckpoints.size })
    .from(logCheckpoints)
    .orderBy(desc(logCheckpoints.size))
    .limit(1)
  return row?.size ?? 0n
}

/** PGlite in memory, kept at hand so that copies are `clone()`s of it. */
async function pgliteLog(credentials: number, seed: number): Promise<TamperLog> {
  const wrap = (pg: PGlite): TestDatabase => {
    const db = drizzle(pg, { schema }) as unknown as Db
    const close = () => pg.close()
    return { db, kind: 'pglite', close, drop: close }
  }
  const pg = new PGlite()
  const base = wrap(pg)
  await migrate(base)
  const t = await appOver({ ...base, close: async () => {}, drop: async () => {} })
  await issue(t, credentials, seeded(seed))
  const size = await latestSize(t.ctx.db)
  return {
    engine: 'pglite',
    size,
    copy: async () => appOver(wrap((await pg.clone()) as PGlite)),
    close: () => pg.close(),
  }
}

/** A Postgres database used as the template of each copy (so no session may stay on it). */
async function postgresLog(url: string, credentials: number, seed: number): Promise<TamperLog> {
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  const name = (tag: string) => `vigil_tamper_${tag}_${Date.now().toString(36)}_${seed}`
  const at = (db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString()
  const baseName = name('base')
  await admin.unsafe(`create database ${baseName}`)
  const open = async (db: string): Promise<TestDatabase> => {
    const database = await createDb({ kind: 'postgres', url: at(db), max: 4 })
    const drop = async () => {
      await database.close()
      await admin.unsafe(`drop database if exists ${db} with (force)`)
    }
    return { ...database, drop }
  }
  const base = await open(baseName)
  await migrate(base)
  const t = await appOver(base)
  await issue(t, credentials, seeded(seed))
  const size = await latestSize(t.ctx.db)
  await base.close()
  let copies = 0
  return {
    engine: 'postgres',
    size,
    async copy() {
      const copyName = `${baseName}_${copies++}`
      await admin.unsafe(`create database ${copyName} template ${baseName}`)
      return appOver(await open(copyName))
    },
    async close() {
      await admin.unsafe(`drop database if exists ${baseName} with (force)`)
      await admin.end({ timeout: 5 })
    },
  }
}

export function buildLog(
  engine: Engine,
  options: { credentials: number; seed: number; postgresUrl?: string },
): Promise<TamperLog> {
  if (engine === 'pglite') return pgliteLog(options.credentials, options.seed)
  if (options.postgresUrl === undefined) throw new Error('postgres needs a URL')
  return postgresLog(options.postgresUrl, options.credentials, options.seed)
}

const flipByte = (bytes: Uint8Array, at: number) => {
  const out = bytes.slice()
  out[at] = (out[at] as number) ^ (1 << (at % 8))
  return out
}

/** Widths of tiles and bundles as the log serves them at `size`. */
const widthAt = (n: bigint, size: bigint) => (n < size >> 8n ? 256 : Number(size & 255n))

/** Applies one mutation of `kind` at a random place; returns what the audit must name. */
export async function mutate(
  t: TestApp,
  kind: Kind,
  size: bigint,
  random: (n: number) => number,
): Promise<Expected> {
  const db = t.ctx.db
  const pick = () => BigInt(random(Number(size)))
  const entryRow = async (i: bigint) => {
    const [row] = await db.select().from(logEntries).where(eq(logEntries.idx, i))
    if (row === undefined) throw new Error(`no entry ${i}`)
    return row
  }
  const setEntry = (i: bigint, values: Partial<typeof logEntries.$inferInsert>) =>
    db.update(logEntries).set(values).where(eq(logEntries.idx, i))
  switch (kind) {
    case 'leaf-hash': {
      const i = pick()
      await setEntry(i, { leafHash: flipByte((await entryRow(i)).leafHash, random(32)) })
      return { code: 'AUDIT_LEAF_MISMATCH', index: i }
    }
    case 'entry': {
      // A rewrite that keeps the row consistent: a valid entry and its own leaf hash.
      const i = pick()
      const entry = encodeEntry(forgedEntry(i, random))
      await setEntry(i, { entry, leafHash: hashLeaf(entry) })
      return { code: 'AUDIT_ENTRY_MISMATCH', index: i }
    }
    case 'tile': {
      const rows = await db.select().from(logTiles)
      const row = rows[random(rows.length)] as (typeof rows)[number]
      const slot = random(row.width)
      await db
        .update(logTiles)
        .set({ hashes: flipByte(row.hashes, slot * 32 + random(32)) })
        .where(and(eq(logTiles.level, row.level), eq(logTiles.idx, row.idx)))
      const path = tilePath({ level: row.level, index: row.idx, width: row.width })
      if (row.level > 0) return { code: 'AUDIT_TILE_MISMATCH', path }
      return { code: 'AUDIT_TILE_MISMATCH', path, index: row.idx * 256n + BigInt(slot) }
    }
    case 'bundle': {
      const i = pick()
      const n = i >> 8n
      const [row] = await db.select().from(logBundles).where(eq(logBundles.idx, n))
      if (row === undefined) throw new Error(`no bundle ${n}`)
      // Walk to entry i's bytes (after its u16 length) and flip one of them.
      let at = 0
      for (let k = 0n; k < (i & 255n); k++)
        at += 2 + (((row.data[at] as number) << 8) | (row.data[at + 1] as number))
      const length = ((row.data[at] as number) << 8) | (row.data[at + 1] as number)
      const data = flipByte(row.data, at + 2 + random(length))
      await db.update(logBundles).set({ data }).where(eq(logBundles.idx, n))
      return { code: 'AUDIT_BUNDLE_MISMATCH', index: i, path: entriesPath(n, widthAt(n, size)) }
    }
    case 'checkpoint-signature': {
      const c = await pickCheckpoint(db, random)
      // A letter of the signature's base64, away from the padding: still base64, another signature.
      await setNote(db, c.size, (note) => {
        const i = note.length - 4 - random(40)
        return note.slice(0, i) + (note[i] === 'A' ? 'B' : 'A') + note.slice(i + 1)
      })
      return { code: 'AUDIT_CHECKPOINT_SIGNATURE', size: c.size }
    }
    case 'checkpoint-root':
    case 'chain': {
      // Re-signed with the log's own key (a stolen key): only the root, or only `prev`, is wrong.
      const c = await pickCheckpoint(db, random)
      const fields = parseVigilCheckpoint(parseNote(c.note).text)
      const signer = logSigner(await t.ctx.keys.active('log'), fields.origin)
      const wrong = await sha256(utf8(`tampered ${random(1 << 30)}`))
      const edit = kind === 'chain' ? { prev: wrong } : { root: wrong }
      const { note } = await signCheckpoint(signer, { ...fields, time: fields.time ?? 0, ...edit })
      await setNote(db, c.size, () => note)
      const code = kind === 'chain' ? 'AUDIT_CHAIN_BROKEN' : 'AUDIT_CHECKPOINT_ROOT'
      return { code, size: c.size }
    }
    case 'deleted-row': {
      const i = pick()
      await db.delete(logEntries).where(eq(logEntries.idx, i))
      return { code: 'AUDIT_MISSING_ENTRY', index: i }
    }
    case 'swapped-rows': {
      const i = pick()
      let j = pick()
      while (j === i) j = pick()
      const [a, b] = [await entryRow(i), await entryRow(j)]
      await setEntry(i, { entry: b.entry, leafHash: b.leafHash })
      await setEntry(j, { entry: a.entry, leafHash: a.leafHash })
      const [index, other] = i < j ? [i, j] : [j, i]
      return { code: 'AUDIT_ENTRY_MOVED', index, other }
    }
    case 'extra-row': {
      const i = size + BigInt(random(3))
      const entry = encodeEntry(forgedEntry(i, random))
      await db
        .insert(logEntries)
        .values({ idx: i, pendingId: 1_000_000_000n + i, entry, leafHash: hashLeaf(entry) })
      return { code: 'AUDIT_EXTRA_ENTRY', index: i }
    }
    case 'truncated-tile': {
      const rows = (await db.select().from(logTiles)).filter((r) => r.level === 0)
      const row = rows[random(rows.length)] as (typeof rows)[number]
      const keep = random(row.width)
      await db
        .update(logTiles)
        .set({ hashes: row.hashes.slice(0, keep * 32) })
        .where(and(eq(logTiles.level, 0), eq(logTiles.idx, row.idx)))
      const path = tilePath({ level: 0, index: row.idx, width: row.width })
      return { code: 'AUDIT_TILE_TRUNCATED', path, index: row.idx * 256n + BigInt(keep) }
    }
  }
}

function forgedEntry(i: bigint, random: (n: number) => number): LogEntry {
  const artefactHash = new Uint8Array(32).map(() => random(256))
  return { kind: 'credential', artefactHash, keyId: `forged-${i}`, time: 1_764_000_000 }
}

async function pickCheckpoint(db: Db, random: (n: number) => number) {
  const rows = await db.select().from(logCheckpoints)
  return rows[random(rows.length)] as (typeof rows)[number]
}

/** Replaces a stored note, with the hash beside it, as the sequencer would have stored it. */
async function setNote(db: Db, size: bigint, change: (note: string) => string) {
  const [row] = await db.select().from(logCheckpoints).where(eq(logCheckpoints.size, size))
  const note = change((row as { note: string }).note)
  await db
    .update(logCheckpoints)
    .set({ note, noteHash: await sha256(utf8(note)) })
    .where(eq(logCheckpoints.size, size))
}

/** Audits a tampered copy both ways; the log's identity comes from its data or its routes. */
export async function auditBoth(t: TestApp): Promise<Record<Mode, AuditFinding[]>> {
  const database = await audit(databaseSource(t.ctx.db), { vkey: await storedLogVkeys(t.ctx.db) })
  const source = remoteSource({ url: BASE, fetch: (url) => t.app.request(url.slice(BASE.length)) })
  const http = await audit(source, { vkey: await source.key() })
  return { database: database.findings, http: http.findings }
}

export function judge(expected: Expected, first: AuditFinding | undefined): boolean {
  if (first === undefined || first.code !== expected.code) return false
  const same = <K extends keyof Expected>(k: K) =>
    expected[k] === undefined || first[k as keyof AuditFinding] === expected[k]
  return same('index') && same('path') && same('size') && same('other')
}

/** One trial: a fresh copy, one mutation, both audits. */
export async function trial(
  log: TamperLog,
  kind: Kind,
  random: (n: number) => number,
): Promise<Trial[]> {
  const t = await log.copy()
  try {
    const expected = await mutate(t, kind, log.size, random)
    const found = await auditBoth(t)
    return MODES.map((mode) => {
      const first = found[mode][0]
      return {
        engine: log.engine,
        kind,
        mode,
        expected,
        first,
        detected: first !== undefined,
        named: judge(expected, first),
      }
    })
  } finally {
    await t.close()
  }
}

export const describeFinding = (f: AuditFinding | undefined) =>
  f === undefined ? 'nothing' : `${f.code} ${f.at}${f.index === undefined ? '' : ` #${f.index}`}`

export const describeExpected = (e: Expected) =>
  `${e.code} ${[e.index, e.path, e.size, e.other].filter((v) => v !== undefined).join(' ')}`
