/**
 * The Worker writes the log (issue 19): in real workerd against real Postgres through the
 * Hyperdrive binding, with two real `vigil witness` processes named in its config. Issue → revoke
 * → re-issue, a batch and an exposure publish through the Worker, each receipt verified; then a
 * scheduled run (wrangler's /__scheduled) makes an exposure export, an audit digest, deletes the
 * expired exposure code and token (retention) and collects both witnesses' cosignatures; the
 * offline verifier core then verifies the Worker's card against the Worker (signature, inclusion,
 * witnesses, not revoked) and finds the replaced one revoked.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Unstable_DevWorker } from 'wrangler'
import { fromBase64, toBase64 } from '../../src/core/codec/base64.ts'
import { intervalNumber, tekmac } from '../../src/core/gaen/index.ts'
import { verifyTlogProof } from '../../src/core/note/index.ts'
import {
  createVerifyCache,
  httpLedgerSource,
  openTrustMaterial,
  verifyCredential,
} from '../../src/core/verify/index.ts'
import { rowsOf } from '../../src/platform/db/index.ts'
import { audit } from '../../src/tools/audit/audit.ts'
import { databaseSource } from '../../src/tools/audit/database-source.ts'
import { immunization, testResult } from '../helpers/credentials.ts'
import { POSTGRES_SKIP_REASON } from '../helpers/db.ts'
import { logPolicy, logVkey } from '../helpers/ledger.ts'
import { freePort } from '../helpers/server.ts'
import {
  type NodeSide,
  nodeDeployment,
  startWitnessProcess,
  startWorker,
  tokenFor,
  type WitnessProcess,
} from './harness.ts'

const skip = POSTGRES_SKIP_REASON ? `workerd: needs Postgres (${POSTGRES_SKIP_REASON})` : undefined
if (skip) it.skip(skip, () => {})

interface Issued {
  id: string
  jws: string
  leafIndex: string
  receipt: string
}

describe.skipIf(skip !== undefined)('the Worker writes the log', () => {
  let node: NodeSide
  let worker: Unstable_DevWorker
  let vkey: string
  const witnesses: WitnessProcess[] = []
  const dir = mkdtempSync(join(tmpdir(), 'vigil-workerd-'))
  const tokens = { issuer: '', tracer: '' }
  const cards: { first?: Issued; second?: Issued; fixed?: Issued } = {}
  let ip = 1

  const send = (
    path: string,
    init: { method?: string; token?: string; body?: unknown; type?: string },
  ) =>
    worker.fetch(path, {
      method: init.method ?? 'POST',
      headers: {
        'content-type': init.type ?? 'application/json',
        // What Cloudflare's edge sets; the exposure routes rate-limit per address.
        'cf-connecting-ip': `192.0.2.${ip++ & 0xff}`,
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      },
      body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    })
  const leafHash = async (index: string) => {
    const [row] = rowsOf<{ leaf_hash: Uint8Array }>(
      await node.db.db.execute(sql`select leaf_hash from log_entries where idx = ${index}::int8`),
    )
    return new Uint8Array((row as { leaf_hash: Uint8Array }).leaf_hash)
  }
  const verifyReceipt = async (index: string, receipt: string) =>
    verifyTlogProof(receipt, await leafHash(index), await logPolicy(node.ctx))

  beforeAll(async () => {
    node = await nodeDeployment()
    vkey = await logVkey(node.ctx)
    tokens.issuer = await tokenFor(node.ctx, ['issuer'])
    // Made "two days ago" (its audit row with it: the trail is append-only), so the scheduled
    // run has a finished day to digest.
    const twoDaysAgo = { now: () => new Date(Date.now() - 2 * 86_400_000) }
    tokens.tracer = await tokenFor({ ...node.ctx, clock: twoDaysAgo }, ['tracer'])
    const ports = [await freePort(), await freePort()]
    witnesses.push(
      ...(await Promise.all(
        ports.map((port, i) => startWitnessProcess(join(dir, `w${i}`), `w${i}.test`, port, vkey)),
      )),
    )
    worker = await startWorker(node.db, {
      VIGIL_WITNESSES: witnesses.map((w, i) => `w${i} ${w.vkey} ${w.url}/witness`).join(';'),
      VIGIL_WITNESS_QUORUM: '2',
      VIGIL_WITNESS_TIMEOUT_MS: '5000',
    })
  }, 180_000)

  afterAll(async () => {
    await worker?.stop()
    for (const w of witnesses) await w.stop()
    await node?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('issues: 201 with a receipt that verifies against the signed checkpoint', async () => {
    const res = await send('/api/credentials', { token: tokens.issuer, body: immunization() })
    expect(res.status).toBe(201)
    const card = (await res.json()) as Issued
    await verifyReceipt(card.leafIndex, card.receipt)
    cards.first = card
  })

  it('revokes and re-issues through the Worker, each in the log', async () => {
    const first = cards.first as Issued
    const revoke = await send(`/api/credentials/${first.id}/revoke`, {
      token: tokens.issuer,
      body: { reason: 'entered in error' },
    })
    expect(revoke.status).toBe(200)
    const again = await send(`/api/credentials/${first.id}/revoke`, {
      token: tokens.issuer,
      body: { reason: 'twice' },
    })
    expect(again.status).toBe(409)
    expect(((await again.json()) as { code: string }).code).toBe('CONFLICT')
    const second = (await (
      await send('/api/credentials', { token: tokens.issuer, body: immunization() })
    ).json()) as Issued
    cards.second = second
    const fixed = await send(`/api/credentials/${second.id}/reissue`, {
      token: tokens.issuer,
      body: immunization({
        patient: { givenNames: ['Anne'], familyName: 'Janssen', birthDate: '1985-03-14' },
      }),
    })
    expect(fixed.status).toBe(201)
    const card = (await fixed.json()) as Issued & { replaces: string }
    expect(card.replaces).toBe(second.id)
    await verifyReceipt(card.leafIndex, card.receipt)
    cards.fixed = card
  })

  it('issues a batch (NDJSON), every row in the log', async () => {
    const lines = [
      JSON.stringify({ ...immunization(), rowKey: 'w-1' }),
      JSON.stringify({ ...testResult(), rowKey: 'w-2' }),
      JSON.stringify({ ...testResult(), rowKey: 'w-3' }),
    ].join('\n')
    const before = await logSize()
    const res = await send('/api/credentials/batch?source=workerd', {
      token: tokens.issuer,
      body: lines,
      type: 'application/x-ndjson',
    })
    expect(res.status).toBe(200)
    const report = (await res.json()) as { issued: number; errors: number }
    expect(report).toMatchObject({ issued: 3, errors: 0 })
    expect(await logSize()).toBe(before + 3)
    // The checkpoint the Worker serves is the latest (its app is built once per isolate; nothing
    // from an earlier request's database may answer for a later one).
    const note = await (await worker.fetch('/log/checkpoint')).text()
    expect(note.split('\n')[1]).toBe(String(before + 3))
  })

  const logSize = async () =>
    Number(
      rowsOf<{ n: string }>(
        await node.db.db.execute(sql`select count(*)::text as n from log_entries`),
      )[0]?.n,
    )

  it('publishes exposure keys through the device flow on the Worker', async () => {
    const now = intervalNumber(Date.now() / 1000)
    const today = now - (now % 144)
    const keys = Array.from({ length: 3 }, (_, i) => ({
      key: toBase64(crypto.getRandomValues(new Uint8Array(16))),
      rollingStartNumber: today - (3 - i) * 144,
      rollingPeriod: 144,
      transmissionRisk: 0,
    }))
    const hmacKey = crypto.getRandomValues(new Uint8Array(32))
    const code = (await (
      await send('/api/exposure/codes', {
        token: tokens.tracer,
        body: {
          testType: 'confirmed',
          symptomDate: new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10),
        },
      })
    ).json()) as { code: string }
    expect(code.code).toMatch(/\w/)
    const verified = (await (
      await send('/api/exposure/verify', { body: { code: code.code } })
    ).json()) as {
      token: string
    }
    const cert = (await (
      await send('/api/exposure/certificate', {
        body: { token: verified.token, ekeyhmac: tekmac(hmacKey, keys) },
      })
    ).json()) as { certificate: string }
    const res = await send('/api/exposure/publish', {
      body: {
        temporaryExposureKeys: keys,
        healthAuthorityID: 'vigil',
        verificationPayload: cert.certificate,
        hmacKey: toBase64(hmacKey),
        padding: 'AAAA',
      },
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { insertedExposures: number }).insertedExposures).toBe(3)
    expect(fromBase64(keys[0]?.key as string).length).toBe(16)
  })

  it('a scheduled run exports the keys, digests the audit trail, deletes what retention allows and collects both cosignatures', async () => {
    // Time passes: the keys' export window has closed and aged; the device flow's code and
    // token expired past what retention keeps (12 h and 6 h after expiry).
    await node.db.db.execute(
      sql`update exposure_keys set available_hour = available_hour - interval '2 days'`,
    )
    await node.db.db.execute(
      sql`update exposure_codes set expires_at = now() - interval '13 hours', long_expires_at = now() - interval '13 hours'`,
    )
    await node.db.db.execute(
      sql`update exposure_tokens set expires_at = now() - interval '7 hours'`,
    )
    expect(await count('exposure_codes')).toBeGreaterThan(0)
    expect(await count('exposure_tokens')).toBeGreaterThan(0)
    const exportsBefore = await count('exposure_exports')
    expect(await count('audit_digests')).toBe(0)
    const ran = await worker.fetch('/__scheduled?cron=7+*+*+*+*')
    expect(ran.status).toBe(200)
    // Each export file is served and its hash is in the ledger.
    const exported = rowsOf<{ path: string; leaf_index: string }>(
      await node.db.db.execute(
        sql`select path, leaf_index::text from exposure_exports order by batch_start`,
      ),
    )
    expect(exported.length).toBeGreaterThan(exportsBefore)
    for (const e of exported) expect(BigInt(e.leaf_index)).toBeGreaterThanOrEqual(0n)
    const index = await (await worker.fetch('/exposure/index.txt')).text()
    expect(index).toContain(exported[0]?.path)
    const digests = rowsOf<{ leaf_index: string | null }>(
      await node.db.db.execute(sql`select leaf_index::text from audit_digests`),
    )
    expect(digests.length).toBeGreaterThan(0)
    for (const d of digests) expect(d.leaf_index).not.toBeNull()
    // Retention ran too: the expired code and token are gone.
    expect(await count('exposure_codes')).toBe(0)
    expect(await count('exposure_tokens')).toBe(0)
    // Both witnesses cosigned the latest checkpoint, which covers everything above.
    const status = (await (await worker.fetch('/log/witnesses')).json()) as {
      size: string
      met: boolean
      witnesses: { signedLatest: boolean }[]
    }
    expect(status, JSON.stringify(status)).toMatchObject({ met: true })
    expect(status.witnesses.map((w) => w.signedLatest)).toEqual([true, true])
    expect(BigInt(status.size)).toBe(BigInt(await logSize()))
  }, 60_000)

  const count = async (
    table: 'exposure_exports' | 'audit_digests' | 'exposure_codes' | 'exposure_tokens',
  ) =>
    Number(
      rowsOf<{ n: string }>(
        await node.db.db.execute(sql`select count(*)::text as n from ${sql.identifier(table)}`),
      )[0]?.n,
    )

  it('the offline verifier core verifies the Worker-issued card against the Worker, and finds the replaced one revoked', async () => {
    const base = worker.address.includes(':') ? `[${worker.address}]` : worker.address
    const url = `http://${base}:${worker.port}`
    const material = await openTrustMaterial(
      await (await fetch(`${url}/trust/material`)).text(),
      vkey,
    )
    const cache = createVerifyCache()
    const verify = (jws: string) =>
      verifyCredential(jws, {
        trust: [material],
        now: Math.floor(Date.now() / 1000),
        ledger: () => httpLedgerSource(url, (u, i) => fetch(u, i)),
        cache,
      })
    const good = await verify((cards.fixed as Issued).jws)
    expect(good.status).toBe('valid')
    const ids = good.checks.map((c) => c.code)
    expect(ids).toContain('VERIFY_NOT_REVOKED')
    expect(good.checks.find((c) => c.id === 'witnesses')?.code).toBe('VERIFY_WITNESS_QUORUM_MET')
    const codes = async (card: Issued | undefined) =>
      (await verify((card as Issued).jws)).checks.find((c) => c.id === 'revocation')?.code
    expect(await codes(cards.first)).toBe('SHC_REVOKED')
    expect(await codes(cards.second)).toBe('VERIFY_SUPERSEDED')
  })

  it('the log audits clean: no gap, no duplicate, every checkpoint consistent', async () => {
    const report = await audit(databaseSource(node.db.db), { vkey })
    expect(report.findings).toEqual([])
    expect(report.entries).toBe(BigInt(await logSize()))
  })
})
