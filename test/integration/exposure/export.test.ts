/**
 * The export batch job over HTTP, on each engine: keys published through the real device flow are
 * exported once their window closes; index.txt lists the files oldest first; each zip decodes with
 * core/gaen and with protobufjs over the published export format, verifies with the published
 * export key, holds the real keys among ≥ 1,000 sorted keys whose fakes copy real metadata, and
 * its SHA-256 is in the ledger (found with /log/lookup, proven with a receipt). A re-run exports
 * nothing; a later window is appended last.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64, toBase64 } from '../../../src/core/codec/base64.ts'
import { sha256 } from '../../../src/core/codec/bytes.ts'
import { toHex } from '../../../src/core/codec/hex.ts'
import {
  dayStart,
  decodeExport,
  decodeSignatureList,
  importSpkiPem,
  intervalNumber,
  tekmac,
  unzipExport,
  verifyExportBin,
} from '../../../src/core/gaen/index.ts'
import { encodeEntry, roundToHour } from '../../../src/core/leaf/index.ts'
import { hashLeaf } from '../../../src/core/merkle/index.ts'
import { verifyTlogProof } from '../../../src/core/note/index.ts'
import { exposureKeys } from '../../../src/platform/db/schema/exposure.ts'
import { exportBatch } from '../../../src/services/exposure/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { gaenExportTypes } from '../../helpers/gaen-export-proto.ts'
import { logPolicy } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const NOW = new Date('2026-11-24T12:00:00Z').getTime()
const HOUR = 3_600_000
const today = dayStart(intervalNumber(NOW / 1000))

type Key = {
  key: string
  rollingStartNumber: number
  rollingPeriod: number
  transmissionRisk: number
}

describe.each(ENGINES)('exposure exports on %s', (engine) => {
  let t: TestApp
  let tracer = ''
  let seq = 1
  const published: Key[] = []
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.request(
      path,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      },
      { incoming: { socket: { remoteAddress: `192.0.2.${seq++ & 0xff}` } } },
    )
  const json = async (r: Response) => (await r.json()) as Record<string, unknown>
  const keysFor = (days: number): Key[] =>
    Array.from({ length: days }, (_, i) => ({
      key: toBase64(t.ctx.random(16)),
      rollingStartNumber: today - days * 144 + i * 144,
      rollingPeriod: 144,
      transmissionRisk: 0,
    }))

  /** The real flow: tracer code → token → certificate → publish. */
  async function upload(days: number) {
    const keys = keysFor(days)
    const hmacKey = t.ctx.random(32)
    const issued = await json(
      await post(
        '/api/exposure/codes',
        { testType: 'confirmed', symptomDate: '2026-11-20' },
        { authorization: `Bearer ${tracer}` },
      ),
    )
    const v = await json(await post('/api/exposure/verify', { code: issued.code }))
    const cert = await json(
      await post('/api/exposure/certificate', { token: v.token, ekeyhmac: tekmac(hmacKey, keys) }),
    )
    const r = await post('/api/exposure/publish', {
      temporaryExposureKeys: keys,
      healthAuthorityID: 'vigil',
      verificationPayload: cert.certificate,
      hmacKey: toBase64(hmacKey),
      padding: 'AAAA',
    })
    expect(r.status).toBe(200)
    expect((await json(r)).insertedExposures).toBe(days)
    published.push(...keys)
  }
  const at = (ms: number) => {
    t.ctx.clock.now = () => new Date(ms)
  }
  const index = async () => {
    const r = await t.app.request('/exposure/index.txt')
    expect(r.status).toBe(200)
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    return (await r.text()).split('\n').filter(Boolean)
  }

  beforeAll(async () => {
    t = await createTestApp(engine)
    tracer = await tokenFor(t, ['tracer'])
    at(NOW)
  })
  const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'))
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await t.close()
  })

  it('nothing is exported before the window closes and ages', async () => {
    await upload(10)
    await upload(7)
    expect(await exportBatch(t.ctx, { now: new Date(NOW + 3 * HOUR) })).toEqual([])
    expect(await index()).toEqual([])
  })

  it('exports a closed window: signed, padded, sorted, split, in the ledger', async () => {
    const now = NOW + 9 * HOUR
    const files = await exportBatch(t.ctx, { now: new Date(now), maxRecords: 400 })
    expect(files.length).toBe(3)
    const paths = await index()
    expect(paths).toEqual(files.map((f) => f.path))
    expect(paths[0]).toBe(`${NOW / 1000}-${(NOW + 6 * HOUR) / 1000}-00001.zip`)

    const pemRes = await t.app.request('/exposure/export-key.pem')
    const pem = await pemRes.text()
    const publicKey = await importSpkiPem(pem)
    const keyId = pemRes.headers.get('x-key-id') as string
    const jwk = await json(await t.app.request('/exposure/export-key.jwk'))
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: keyId })

    const { Export, SigList } = gaenExportTypes()
    const policy = await logPolicy(t.ctx)
    const all: Uint8Array[] = []
    const meta = new Set(published.map((k) => `${k.rollingStartNumber}/${k.rollingPeriod}/2/1`))
    for (const [i, path] of paths.entries()) {
      const r = await t.app.request(`/exposure/${path}`)
      expect(r.status).toBe(200)
      expect(r.headers.get('cache-control')).toContain('immutable')
      expect(r.headers.get('content-type')).toBe('application/zip')
      const zip = new Uint8Array(await r.arrayBuffer())
      const { bin, sig } = unzipExport(zip)

      const e = decodeExport(bin)
      expect(e).toMatchObject({ region: 'ZZ', batchNum: i + 1, batchSize: 3 })
      expect(e.startTimestamp).toBe(NOW / 1000)
      const [s] = decodeSignatureList(sig)
      expect(s?.batchNum).toBe(i + 1)
      expect(await verifyExportBin(publicKey, bin, s?.signature as Uint8Array)).toBe(true)
      // And independently, with openssl over the PEM the server publishes.
      writeFileSync(join(dir, 'pub.pem'), pem)
      writeFileSync(join(dir, 'export.bin'), bin)
      writeFileSync(join(dir, 'sig.der'), s?.signature as Uint8Array)
      const ok = execFileSync(
        'openssl',
        [
          'dgst',
          '-sha256',
          '-verify',
          join(dir, 'pub.pem'),
          '-signature',
          join(dir, 'sig.der'),
          join(dir, 'export.bin'),
        ],
        { encoding: 'utf8' },
      )
      expect(ok).toContain('Verified OK')
      for (const k of e.keys) {
        all.push(k.keyData)
        // Fakes copy real metadata: TR 2 and report type 1 (confirmed), a real rolling start.
        expect(
          meta.has(
            `${k.rollingStartIntervalNumber}/${k.rollingPeriod ?? 144}/${k.transmissionRiskLevel}/${k.reportType}`,
          ),
        ).toBe(true)
        expect(typeof k.daysSinceOnsetOfSymptoms).toBe('number')
      }

      const decoded = Export.toObject(Export.decode(bin.subarray(16)), {
        longs: Number,
        bytes: String,
      }) as { keys: { keyData: string }[]; batchNum: number; region: string }
      expect(decoded.keys.map((k) => k.keyData)).toEqual(e.keys.map((k) => toBase64(k.keyData)))
      expect(decoded.batchNum).toBe(i + 1)
      const sl = SigList.toObject(SigList.decode(sig)) as { signatures: unknown[] }
      expect(sl.signatures).toHaveLength(1)

      // The ledger holds SHA-256 of the zip: found by a k-anonymous lookup, proven by a receipt.
      const hash = await sha256(zip)
      expect(toHex(hash)).toBe(files[i]?.sha256)
      const leaf = hashLeaf(
        encodeEntry({
          kind: 'export-batch',
          artefactHash: hash,
          keyId,
          time: roundToHour(now / 1000),
        }),
      )
      const hex = toHex(leaf)
      const lookup = (await json(await t.app.request(`/log/lookup/${hex.slice(0, 4)}`))) as {
        matches: { leafHash: string; index: string | number }[]
      }
      const match = lookup.matches.find((m) => m.leafHash === hex)
      expect(String(match?.index)).toBe(files[i]?.leafIndex)
      const receipt = await (
        await t.app.request(`/log/receipt?index=${files[i]?.leafIndex}`)
      ).text()
      const proof = await verifyTlogProof(receipt, leaf, policy)
      expect(String(proof.index)).toBe(files[i]?.leafIndex)
    }
    expect(all.length).toBeGreaterThanOrEqual(1000)
    expect(all.length).toBeLessThanOrEqual(1100)
    const hexes = all.map(toHex)
    expect([...hexes].sort()).toEqual(hexes)
    expect(new Set(hexes).size).toBe(hexes.length)
    for (const k of published) expect(hexes).toContain(toHex(fromBase64(k.key)))
  })

  it('a re-run exports nothing new; unknown files are 404', async () => {
    const before = await index()
    expect(await exportBatch(t.ctx, { now: new Date(NOW + 10 * HOUR) })).toEqual([])
    expect(await index()).toEqual(before)
    expect((await t.app.request('/exposure/1-2-00001.zip')).status).toBe(404)
    expect((await t.app.request('/exposure/..%2Fsecret.zip')).status).toBe(404)
  })

  it('a later window is appended last', async () => {
    const before = await index()
    at(NOW + 9 * HOUR)
    await upload(3)
    at(NOW)
    // Two exporters racing (the server's timer and the CLI): the window is claimed once.
    const runs = await Promise.all(
      [1, 2].map(() => exportBatch(t.ctx, { now: new Date(NOW + 21 * HOUR) })),
    )
    const files = runs.flat()
    expect(files).toHaveLength(1)
    expect(files[0]?.keyCount).toBeGreaterThanOrEqual(1000)
    expect(await index()).toEqual([...before, files[0]?.path])
  })

  it('a run 20 days later writes nothing: no window older than 14 days is exported', async () => {
    const before = await index()
    const rows = await t.ctx.db.select().from(exposureKeys)
    expect(await exportBatch(t.ctx, { now: new Date(NOW + 20 * 24 * HOUR) })).toEqual([])
    // Deleting keys and files is the retention job's (retention.test.ts), not the exporter's.
    expect(await t.ctx.db.select().from(exposureKeys)).toHaveLength(rows.length)
    expect(rows.length).toBeGreaterThan(0)
    expect(await index()).toEqual(before)
  })
})
