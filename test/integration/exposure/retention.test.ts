/**
 * Exposure retention (exposure/retention): on each engine, rows just past each period are
 * deleted and rows just inside it stay (codes, tokens, keys, revised keys, export files); through
 * the real flow, a published key and its export file outlive the 14 days and then disappear from
 * the table, index.txt and the file route, while the ledger keeps the file's SHA-256; and
 * `vigil exposure cleanup` does the same on a data directory with the system clock.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import { fromHex } from '../../../src/core/codec/hex.ts'
import { dayStart, intervalNumber, tekmac } from '../../../src/core/gaen/index.ts'
import { encodeEntry, roundToHour } from '../../../src/core/leaf/index.ts'
import { hashLeaf } from '../../../src/core/merkle/index.ts'
import { verifyTlogProof } from '../../../src/core/note/index.ts'
import { startRuntime } from '../../../src/entry/runtime.ts'
import { parseConfig } from '../../../src/platform/config/config.ts'
import type { ServiceContext } from '../../../src/platform/context/context.ts'
import {
  exposureCodes,
  exposureExports,
  exposureKeys,
  exposureTokens,
} from '../../../src/platform/db/schema/exposure.ts'
import {
  exportBatch,
  exposureKey,
  RETENTION,
  runExposureRetention,
} from '../../../src/services/exposure/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON, seedDataDir } from '../../helpers/db.ts'
import { logPolicy } from '../../helpers/ledger.ts'
import { BIN } from '../../helpers/server.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const NOW = new Date('2026-11-24T12:00:00Z').getTime()
const HOUR = 3_600_000
const DAY = 24 * HOUR

let seq = 0
const bytes = (n: number) => {
  seq++
  return Uint8Array.from({ length: n }, (_, i) => (seq * 31 + i * 7) & 0xff)
}

/** Rows named by what should happen to them; returns the names of the rows still there. */
async function seed(ctx: Pick<ServiceContext, 'db'>, now: number) {
  const code = (name: string, longExpiry: number, extra: { used?: boolean } = {}) => ({
    id: crypto.randomUUID(),
    shortHash: bytes(32),
    longHash: bytes(32),
    testType: 'confirmed',
    expiresAt: new Date(longExpiry - 24 * HOUR + 15 * 60_000),
    longExpiresAt: new Date(longExpiry),
    usedHour: extra.used ? new Date(longExpiry - 23 * HOUR) : null,
    issuedBy: name,
  })
  await ctx.db
    .insert(exposureCodes)
    .values([
      code('code expired 13 h ago: gone', now - 13 * HOUR),
      code('code used, expired 13 h ago: gone', now - 13 * HOUR, { used: true }),
      code('code expired 11 h ago: stays', now - 11 * HOUR),
      code('code valid: stays', now + 20 * HOUR),
    ])
  const token = (name: string, expiry: number) => ({
    tokenHash: bytes(32),
    testType: name,
    expiresAt: new Date(expiry),
  })
  await ctx.db
    .insert(exposureTokens)
    .values([
      token('token expired 7 h ago: gone', now - 7 * HOUR),
      token('token expired 5 h ago: stays', now - 5 * HOUR),
      token('token valid: stays', now + 10 * HOUR),
    ])
  // 6-hour windows: the one holding `old` ended at least 14 d 2 h before `now` (past retention);
  // the next one, holding `windowEnd`, ended less than that before it.
  const windowEnd = Math.floor((now - RETENTION.keyAfterWindowMs) / (6 * HOUR)) * 6 * HOUR
  const old = windowEnd - HOUR
  const key = (name: string, available: number, revised?: number) => ({
    keyData: bytes(16),
    transmissionRisk: 2,
    rollingStart: 2_900_000,
    rollingPeriod: 144,
    reportType: 1,
    healthAuthority: name,
    availableHour: new Date(available),
    revisedReportType: revised === undefined ? null : 5,
    revisedHour: revised === undefined ? null : new Date(revised),
  })
  await ctx.db
    .insert(exposureKeys)
    .values([
      key('key in a window past retention: gone', old),
      key('key in the next window: stays', windowEnd),
      key('key revised 3 days ago: stays', old, now - 3 * DAY),
      key('key from yesterday: stays', now - DAY),
    ])
  const file = (name: string, end: number) => ({
    path: name,
    batchStart: new Date(end - 6 * HOUR),
    batchEnd: new Date(end),
    keyCount: 1000,
    zip: bytes(8),
    sha256: bytes(32),
    leafIndex: 0n,
  })
  await ctx.db
    .insert(exposureExports)
    .values([
      file('export ended 14 d 1 h ago: gone', now - 14 * DAY - HOUR),
      file('export ended 13 d 23 h ago: stays', now - 14 * DAY + HOUR),
    ])
}

async function names(ctx: Pick<ServiceContext, 'db'>) {
  const c = await ctx.db.select({ n: exposureCodes.issuedBy }).from(exposureCodes)
  const t = await ctx.db.select({ n: exposureTokens.testType }).from(exposureTokens)
  const k = await ctx.db.select({ n: exposureKeys.healthAuthority }).from(exposureKeys)
  const e = await ctx.db.select({ n: exposureExports.path }).from(exposureExports)
  return [...c, ...t, ...k, ...e].map((r) => r.n).sort()
}

const kept = (all: string[]) => all.filter((n) => n.endsWith('stays')).sort()

describe.each(ENGINES)('exposure retention on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
  })
  afterAll(() => t?.close())

  it('deletes each kind of row just past its period and keeps the ones just inside', async () => {
    await seed(t.ctx, NOW)
    const before = await names(t.ctx)
    expect(before).toHaveLength(13)
    const deleted = await runExposureRetention(t.ctx, { now: new Date(NOW) })
    expect(deleted).toEqual({ codes: 2, tokens: 1, keys: 1, exports: 1 })
    expect(await names(t.ctx)).toEqual(kept(before))
    // A second pass finds nothing more.
    expect(await runExposureRetention(t.ctx, { now: new Date(NOW) })).toEqual({
      codes: 0,
      tokens: 0,
      keys: 0,
      exports: 0,
    })
    await t.ctx.db.delete(exposureCodes)
    await t.ctx.db.delete(exposureTokens)
    await t.ctx.db.delete(exposureKeys)
    await t.ctx.db.delete(exposureExports)
  })

  it('through the real flow: key and file outlive 14 days, then leave table, index and route; the ledger keeps the hash', async () => {
    const tracer = await tokenFor(t, ['tracer'])
    t.ctx.clock.now = () => new Date(NOW)
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const r = await t.app.request(
        path,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        },
        { incoming: { socket: { remoteAddress: '192.0.2.9' } } },
      )
      return { status: r.status, json: (await r.json()) as Record<string, string> }
    }
    const today = dayStart(intervalNumber(NOW / 1000))
    const keys = [1, 2].map((d) => ({
      key: toBase64(bytes(16)),
      rollingStartNumber: today - d * 144,
      rollingPeriod: 144,
      transmissionRisk: 0,
    }))
    const hmacKey = bytes(32)
    const issued = await post(
      '/api/exposure/codes',
      { testType: 'confirmed' },
      { authorization: `Bearer ${tracer}` },
    )
    expect(issued.status).toBe(201)
    const v = await post('/api/exposure/verify', { code: issued.json.code })
    const cert = await post('/api/exposure/certificate', {
      token: v.json.token,
      ekeyhmac: tekmac(hmacKey, keys),
    })
    const pub = await post('/api/exposure/publish', {
      temporaryExposureKeys: keys,
      healthAuthorityID: 'vigil',
      verificationPayload: cert.json.certificate,
      hmacKey: toBase64(hmacKey),
    })
    expect(pub.status).toBe(200)
    const [file] = await exportBatch(t.ctx, { now: new Date(NOW + 9 * HOUR) })
    if (file === undefined) throw new Error('no export')
    const listed = async () => (await (await t.app.request('/exposure/index.txt')).text()).trim()
    expect(await listed()).toBe(file.path)

    // Day 2: the code and the token are gone, the key and the file stay.
    expect(await runExposureRetention(t.ctx, { now: new Date(NOW + 2 * DAY) })).toMatchObject({
      codes: 1,
      tokens: 1,
      keys: 0,
      exports: 0,
    })
    // 14 days after the window ended: still there; 14 days + 2 h after it: gone.
    const windowEnd = new Date(file.batchEnd).getTime()
    const at = (ms: number) => runExposureRetention(t.ctx, { now: new Date(ms) })
    expect(await at(windowEnd + 14 * DAY - HOUR)).toMatchObject({ keys: 0, exports: 0 })
    expect(await t.ctx.db.select().from(exposureKeys)).toHaveLength(2)
    expect(await at(windowEnd + 14 * DAY + 2 * HOUR)).toMatchObject({ keys: 2, exports: 1 })
    expect(await t.ctx.db.select().from(exposureKeys)).toHaveLength(0)
    expect(await listed()).toBe('')
    expect((await t.app.request(`/exposure/${file.path}`)).status).toBe(404)
    // The withdrawal is on the record: the ledger entry still proves the file existed.
    const { id: keyId } = await exposureKey(t.ctx, 'export')
    const leaf = hashLeaf(
      encodeEntry({
        kind: 'export-batch',
        artefactHash: fromHex(file.sha256),
        keyId,
        time: roundToHour((NOW + 9 * HOUR) / 1000),
      }),
    )
    const receipt = await (await t.app.request(`/log/receipt?index=${file.leafIndex}`)).text()
    const proof = await verifyTlogProof(receipt, leaf, await logPolicy(t.ctx))
    expect(String(proof.index)).toBe(file.leafIndex)
  })
})

describe('vigil exposure cleanup', () => {
  const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-retention-')))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const env = { VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'silent', DATABASE_URL: '' }

  it('deletes rows past retention in the data directory and prints the counts', {
    timeout: 90_000,
  }, async () => {
    const now = Date.now()
    const first = await startRuntime(parseConfig(env), { migrate: true })
    await seed(first.ctx, now)
    const before = await names(first.ctx)
    await first.database.close()

    const run = spawnSync(process.execPath, [BIN, 'exposure', 'cleanup', '--json'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      codes: 2,
      tokens: 1,
      keys: 1,
      exports: 1,
    })
    const again = await startRuntime(parseConfig(env), { migrate: false })
    try {
      expect(await names(again.ctx)).toEqual(kept(before))
    } finally {
      await again.database.close()
    }
    const bad = spawnSync(process.execPath, [BIN, 'exposure', 'cleanup', '--nope'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    })
    expect(bad.status).toBe(2)
  })
})
