/**
 * The published copy from a Worker, in real workerd (wrangler's unstable_dev, offline) against
 * the local Postgres through Hyperdrive and Miniflare's local R2: the cron publisher writes the
 * tiles, bundles and checkpoint of a log Node appended to; the copy read back from the bucket
 * audits clean, with the real `vigil audit --url`; an R2 put that keeps failing leaves the
 * bucket's checkpoint where it was, and the next run converges; a tile deleted from the bucket
 * is found by the run's audit (the alert) and put back. The app's Worker (src/entry/worker.ts)
 * with the same bucket bound answers /log/tile/... from it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Unstable_DevWorker } from 'wrangler'
import { parseCheckpoint, parseNote } from '../../src/core/note/index.ts'
import { establishIdentity } from '../../src/platform/deployment/identity.ts'
import type { PublishStatus } from '../../src/services/publish/index.ts'
import { auditStatic, httpReader } from '../../src/tools/audit/index.ts'
import { appOver, TEST_MASTER_KEY, type TestApp } from '../helpers/app.ts'
import { runCli } from '../helpers/cli.ts'
import { createTestDatabase, POSTGRES_SKIP_REASON, type TestDatabase } from '../helpers/db.ts'
import { entry, logVkey } from '../helpers/ledger.ts'

const skip = POSTGRES_SKIP_REASON ? `workerd: needs Postgres (${POSTGRES_SKIP_REASON})` : undefined
if (skip) it.skip(skip, () => {})

describe.skipIf(skip !== undefined)('the published copy from a Worker into R2', () => {
  let worker: Unstable_DevWorker
  let db: TestDatabase
  let node: TestApp
  let vkey: string
  let base: string
  const persist = mkdtempSync(join(tmpdir(), 'vigil-r2-'))

  const publish = async (query = '') => {
    const res = await worker.fetch(`/publish${query}`, { method: 'POST' })
    expect(res.status, res.status === 200 ? '' : await res.text()).toBe(200)
    return (await res.json()) as PublishStatus
  }
  const copySize = async () => {
    const res = await worker.fetch('/copy/checkpoint')
    if (res.status === 404) return undefined
    return parseCheckpoint(parseNote(await res.text()).text).size
  }

  beforeAll(async () => {
    db = await createTestDatabase('postgres')
    // Node records the identity and writes the log; the Worker publishes it.
    await establishIdentity(
      db.db,
      { publicUrl: 'https://worker.test', logOrigin: 'worker.test/log' },
      {},
    )
    node = await appOver(db, {
      PUBLIC_URL: 'https://worker.test',
      VIGIL_LOG_ORIGIN: 'worker.test/log',
    })
    vkey = await logVkey(node.ctx)
    await node.ledger.append(Array.from({ length: 300 }, (_, k) => entry(k)))
    const url = new URL(db.url as string)
    if (url.password === '') url.password = 'local'
    process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = url.toString()
    process.env.XDG_CONFIG_HOME ??= `${process.cwd()}/.wrangler/config`
    process.env.WRANGLER_SEND_METRICS = 'false'
    worker = await startPublisher()
    base = `http://${worker.address}:${worker.port}/copy`
  }, 120_000)

  async function startPublisher() {
    const { unstable_dev } = await import('wrangler')
    return unstable_dev('test/workerd/publish-worker.ts', {
      // The project's wrangler.toml (Hyperdrive, nodejs_compat, the same module resolution as the
      // app's Worker) with the bucket added.
      config: 'wrangler.toml',
      r2: [{ binding: 'VIGIL_PUBLISH', bucket_name: 'vigil-publish-test' }],
      ip: '127.0.0.1',
      logLevel: 'warn',
      persistTo: persist,
      vars: { VIGIL_LOG_LEVEL: 'warn' },
      experimental: { disableExperimentalWarning: true },
    })
  }

  afterAll(async () => {
    await worker?.stop()
    await node?.ledger.close()
    await db?.drop()
    rmSync(persist, { recursive: true, force: true })
  })

  it('publishes to R2; the copy reads back and audits clean (vigil audit --url too)', async () => {
    const status = await publish()
    expect(status.size).toBe('300')
    expect(status.error).toBeUndefined()
    const report = await auditStatic(httpReader(base), { vkey })
    expect(report.findings).toEqual([])
    expect(report.entries).toBe(300n)
    const cli = await runCli(['audit', '--url', base, '--static', '--vkey', vkey], {})
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout).toContain('audited 300 entries')
  }, 120_000)

  it('an R2 put that keeps failing holds the checkpoint back; the next run converges', async () => {
    await node.ledger.append(Array.from({ length: 300 }, (_, k) => entry(1000 + k)))
    const failed = await publish('?fail=tile/0/001')
    expect(failed.error).toMatchObject({ code: 'PUBLISH_FAILED', key: 'tile/0/001' })
    expect(await copySize()).toBe(300n)
    expect((await worker.fetch('/copy/tile/0/001')).status).toBe(404)
    const done = await publish()
    expect(done.size).toBe('600')
    expect(done.audit?.ok).toBe(true)
    expect(await copySize()).toBe(600n)
  }, 120_000)

  it('the app Worker serves tiles from the bucket, and from Postgres what it lacks', async () => {
    // Mark the bucket's partial tile (an object the app has not read yet), then stop this Worker
    // so the app's Worker opens the same local R2 state.
    const path = 'tile/0/002.p/88'
    const real = new Uint8Array(await (await worker.fetch(`/copy/${path}`)).arrayBuffer())
    expect(real.length).toBe(88 * 32)
    const marked = real.slice()
    marked[0] = (marked[0] as number) ^ 0xff
    expect((await worker.fetch(`/copy/${path}`, { method: 'PUT', body: marked })).status).toBe(204)
    await worker.stop()
    const { unstable_dev } = await import('wrangler')
    const app = await unstable_dev('src/entry/worker.ts', {
      config: 'wrangler.toml',
      r2: [{ binding: 'VIGIL_PUBLISH', bucket_name: 'vigil-publish-test' }],
      ip: '127.0.0.1',
      logLevel: 'warn',
      persistTo: persist,
      vars: {
        VIGIL_MASTER_KEY: btoa(String.fromCharCode(...TEST_MASTER_KEY)),
        VIGIL_LOG_ORIGIN: 'worker.test/log',
        VIGIL_LOG_LEVEL: 'warn',
      },
      experimental: { disableExperimentalWarning: true },
    })
    try {
      const served = await app.fetch(`/log/${path}`)
      expect(served.status).toBe(200)
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(marked)
      // Not in the bucket (a width no checkpoint of the copy had): Postgres answers.
      const other = await app.fetch('/log/tile/0/002.p/87')
      expect(new Uint8Array(await other.arrayBuffer())).toEqual(real.subarray(0, 87 * 32))
    } finally {
      await app.stop()
    }
    worker = await startPublisher()
    base = `http://${worker.address}:${worker.port}/copy`
    expect((await worker.fetch(`/copy/${path}`, { method: 'PUT', body: real })).status).toBe(204)
  }, 180_000)

  it("a tile deleted from the bucket is named by the run's audit and put back", async () => {
    expect((await worker.fetch('/copy/tile/0/000', { method: 'DELETE' })).status).toBe(204)
    const status = await publish()
    expect(status.audit?.finding).toMatchObject({ code: 'AUDIT_OBJECT_MISSING', at: 'tile/0/000' })
    expect((await worker.fetch('/copy/tile/0/000')).status).toBe(200)
    expect((await auditStatic(httpReader(base), { vkey })).ok).toBe(true)
  }, 120_000)
})
