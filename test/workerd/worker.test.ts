/**
 * The same app inside real workerd (wrangler's unstable_dev, offline) against the local Postgres
 * through the Hyperdrive binding: /healthz, and database-backed /readyz and /api/keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Unstable_DevWorker } from 'wrangler'
import { parseShlink } from '../../src/core/shl/index.ts'
import { establishIdentity } from '../../src/platform/deployment/identity.ts'
import { KeyStore } from '../../src/platform/keys/store.ts'
import { appOver, TEST_MASTER_KEY } from '../helpers/app.ts'
import { createTestDatabase, POSTGRES_SKIP_REASON, type TestDatabase } from '../helpers/db.ts'
import { holderWith, makeLink } from '../helpers/shl.ts'

const skip = POSTGRES_SKIP_REASON ? `workerd: needs Postgres (${POSTGRES_SKIP_REASON})` : undefined
if (skip) it.skip(skip, () => {})

describe.skipIf(skip !== undefined)('Vigil in workerd', () => {
  let worker: Unstable_DevWorker
  let db: TestDatabase
  let logId: string
  /** Manifest paths of SMART Health Links made from Node: one plain, one with a passcode. */
  const shl = { plain: '', coded: '' }

  beforeAll(async () => {
    db = await createTestDatabase('postgres')
    // Keys are created from Node (a Worker never generates them); the Worker unseals them.
    const keys = new KeyStore({
      db: db.db,
      masterKey: TEST_MASTER_KEY,
      random: (n) => crypto.getRandomValues(new Uint8Array(n)),
      logName: 'worker.test/log',
      now: () => new Date(),
    })
    await keys.ensureKeys()
    logId = (await keys.active('log')).id
    // …and record the deployment's identity, which the Worker reads and never invents.
    await establishIdentity(
      db.db,
      { publicUrl: 'https://worker.test', logOrigin: 'worker.test/log' },
      {},
    )
    // A holder's links, made from Node (issuing needs the log writer): the Worker serves them.
    const node = await appOver(db, {
      PUBLIC_URL: 'https://worker.test',
      VIGIL_LOG_ORIGIN: 'worker.test/log',
    })
    const holder = await holderWith(node)
    const path = async (input: Record<string, unknown>) =>
      new URL(parseShlink((await makeLink(node, holder, input)).shlink).url).pathname
    shl.plain = await path({ bundle: true })
    shl.coded = await path({ passcode: '2468' })
    await node.ledger.close()
    // Hyperdrive requires a password in the URL; the local trust auth ignores it.
    const url = new URL(db.url as string)
    if (url.password === '') url.password = 'local'
    process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = url.toString()
    process.env.XDG_CONFIG_HOME ??= `${process.cwd()}/.wrangler/config`
    process.env.WRANGLER_SEND_METRICS = 'false'
    const { unstable_dev } = await import('wrangler')
    worker = await unstable_dev('src/entry/worker.ts', {
      config: 'wrangler.toml',
      ip: '127.0.0.1',
      logLevel: 'warn',
      vars: {
        VIGIL_MASTER_KEY: btoa(String.fromCharCode(...TEST_MASTER_KEY)),
        VIGIL_LOG_ORIGIN: 'worker.test/log',
        VIGIL_LOG_LEVEL: 'warn',
      },
      experimental: { disableExperimentalWarning: true },
    })
  }, 120_000)

  afterAll(async () => {
    await worker?.stop()
    await db?.drop()
  })

  it('GET /healthz', async () => {
    const res = await worker.fetch('/healthz')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { status: string }).status).toBe('ok')
  })

  it('GET /readyz reaches Postgres through Hyperdrive', async () => {
    const res = await worker.fetch('/readyz')
    expect(await res.json()).toEqual({ status: 'ready', database: 'postgres' })
  })

  it('GET /api/keys reads the keys Node created', async () => {
    const res = await worker.fetch('/api/keys')
    expect(res.status).toBe(200)
    const { keys } = (await res.json()) as { keys: { id: string; vkey?: string }[] }
    expect(keys.map((k) => k.id)).toContain(logId)
    expect(keys.find((k) => k.id === logId)?.vkey).toMatch(/^worker\.test\/log\+/)
  })

  it('serves under the recorded identity, not a URL of its own', async () => {
    const res = await worker.fetch('/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { servers: { url: string }[] }
    expect(doc.servers[0]?.url).toBe('https://worker.test')
  })

  it('unknown routes are problem+json in workerd too', async () => {
    const res = await worker.fetch('/api/nothing-here')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
  })

  it('serves SMART Health Link manifests, and checks a passcode with scrypt (node:crypto in workerd)', async () => {
    const post = (path: string, body: unknown) =>
      worker.fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const plain = await post(shl.plain, { recipient: 'worker test' })
    expect(plain.status).toBe(200)
    const manifest = (await plain.json()) as { files: { contentType: string; embedded: string }[] }
    expect(manifest.files.map((f) => f.contentType)).toEqual([
      'application/smart-health-card',
      'application/fhir+json',
    ])
    const wrong = await post(shl.coded, { recipient: 'worker test', passcode: '1111' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ code: 'SHL_PASSCODE_WRONG', remainingAttempts: 9 })
    expect((await post(shl.coded, { recipient: 'worker test', passcode: '2468' })).status).toBe(200)
  })

  it('serves the landing page from the assets directory', async () => {
    const res = await worker.fetch('/')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<h1>Vigil</h1>')
  })

  it('serves the pages with the CSP and Integrity-Policy the release records (web/dist/_headers)', async () => {
    const manifest = (await (await worker.fetch('/release.json')).json()) as {
      csp: string
      verifierCsp: string
    }
    const landing = await worker.fetch('/')
    expect(landing.headers.get('integrity-policy')).toBe('blocked-destinations=(script)')
    expect(landing.headers.get('content-security-policy')).toBe(manifest.csp)
    const verifier = await worker.fetch('/verify')
    expect(verifier.headers.get('content-security-policy')).toBe(manifest.verifierCsp)
    expect(await verifier.text()).toMatch(
      /<script type="module" crossorigin src="\/assets\/verify-[\w-]+\.js" integrity="sha384-/,
    )
  })
})
