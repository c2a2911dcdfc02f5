/**
 * Shared set-up for the workerd tests that write the log: a Postgres deployment prepared from
 * Node (keys, identity, the log's genesis checkpoint — a Worker makes none of them), a Node
 * writer over the same database with the real clock, and the Worker in real workerd (wrangler's
 * unstable_dev, offline) reaching Postgres through the Hyperdrive binding.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Unstable_DevWorker } from 'wrangler'
import { toBase64 } from '../../src/core/codec/base64.ts'
import { buildContext } from '../../src/entry/context.ts'
import { createApp } from '../../src/http/app.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import {
  jsonLogger,
  type Role,
  type ServiceContext,
  systemClock,
} from '../../src/platform/context/index.ts'
import { establishIdentity } from '../../src/platform/deployment/identity.ts'
import { nodeKeyCrypto } from '../../src/platform/node-crypto/key-crypto.ts'
import type { Ledger } from '../../src/services/ledger/index.ts'
import { createApiToken } from '../../src/services/staff/index.ts'
import { TEST_MASTER_KEY } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

export const PUBLIC_URL = 'https://worker.test'
export const ORIGIN = 'worker.test/log'

export interface NodeSide {
  db: TestDatabase
  ctx: ServiceContext
  ledger: Ledger
  app: ReturnType<typeof createApp>
  close(): Promise<void>
}

/** A migrated Postgres database with keys, the identity and the log, and a Node writer on it. */
export async function nodeDeployment(env: Record<string, string> = {}): Promise<NodeSide> {
  const db = await createTestDatabase('postgres')
  await establishIdentity(db.db, { publicUrl: PUBLIC_URL, logOrigin: ORIGIN }, {})
  const config = parseConfig({
    PUBLIC_URL,
    VIGIL_LOG_ORIGIN: ORIGIN,
    VIGIL_LOG_LEVEL: 'silent',
    ...env,
  })
  const built = await buildContext({
    database: db,
    config,
    masterKey: TEST_MASTER_KEY,
    logger: jsonLogger('silent'),
    // The Worker runs on the real clock: so does its Node neighbour (checkpoint times, tokens).
    clock: systemClock,
    keyCrypto: nodeKeyCrypto,
    keys: 'create',
    ledger: { kind: 'writer', options: { witnesses: false } },
  })
  const ledger = built.ledger as Ledger
  const app = createApp({ ...built.ctx, version: 'test', ledger }, { accessLog: false })
  return {
    db,
    ctx: built.ctx,
    ledger,
    app,
    close: async () => {
      await ledger.close()
      await db.drop()
    },
  }
}

export async function tokenFor(ctx: ServiceContext, roles: Role[]): Promise<string> {
  const expiresAt = new Date(Date.now() + 86_400_000)
  return (await createApiToken(ctx, { name: `workerd ${roles.join(',')}`, roles, expiresAt })).token
}

/** The Hyperdrive binding's local connection string for `db` (it insists on a password). */
function hyperdriveUrl(db: { url?: string | undefined }): string {
  const url = new URL(db.url as string)
  if (url.password === '') url.password = 'local'
  return url.toString()
}

/** The Worker in workerd over `db`, with `vars` added to wrangler.toml's. */
export async function startWorker(
  db: { url?: string | undefined },
  vars: Record<string, string> = {},
  /** The published copy's R2 bucket bound as VIGIL_PUBLISH, Miniflare's local R2 kept in `persistTo`. */
  publish?: { persistTo: string },
): Promise<Unstable_DevWorker> {
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = hyperdriveUrl(db)
  process.env.XDG_CONFIG_HOME ??= `${process.cwd()}/.wrangler/config`
  process.env.WRANGLER_SEND_METRICS = 'false'
  const { unstable_dev } = await import('wrangler')
  return unstable_dev('src/entry/worker.ts', {
    config: 'wrangler.toml',
    ip: '127.0.0.1',
    logLevel: 'warn',
    vars: {
      VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
      VIGIL_LOG_ORIGIN: ORIGIN,
      VIGIL_LOG_LEVEL: 'warn',
      ...vars,
    },
    ...(publish === undefined
      ? {}
      : {
          r2: [{ binding: 'VIGIL_PUBLISH', bucket_name: PUBLISH_BUCKET }],
          persistTo: publish.persistTo,
        }),
    experimental: { disableExperimentalWarning: true, testScheduled: true },
  })
}

export const PUBLISH_BUCKET = 'vigil-publish-test'

/**
 * test/workerd/publish-worker.ts over the local R2 kept in `persistTo`: its GET /copy/<key> reads
 * the bucket as a CDN in front of it would (start it once the Worker that wrote it has stopped).
 */
export async function startBucketReader(persistTo: string): Promise<Unstable_DevWorker> {
  const { unstable_dev } = await import('wrangler')
  return unstable_dev('test/workerd/publish-worker.ts', {
    config: 'wrangler.toml',
    r2: [{ binding: 'VIGIL_PUBLISH', bucket_name: PUBLISH_BUCKET }],
    ip: '127.0.0.1',
    logLevel: 'warn',
    persistTo,
    vars: { VIGIL_LOG_LEVEL: 'warn' },
    experimental: { disableExperimentalWarning: true },
  })
}

const CLI = fileURLToPath(new URL('../../src/entry/cli.ts', import.meta.url))

export interface WitnessProcess {
  child: ChildProcess
  url: string
  vkey: string
  stop(): Promise<void>
}

/** A real `vigil witness` process on loopback (PGlite in `dir`), following the log `logVkey`. */
export async function startWitnessProcess(
  dir: string,
  name: string,
  port: number,
  logVkey: string,
): Promise<WitnessProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'witness',
      '--data',
      dir,
      '--port',
      String(port),
      '--name',
      name,
      '--log',
      logVkey,
    ],
    {
      env: { ...process.env, DATABASE_URL: '', VIGIL_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const exited = new Promise<void>((r) => child.on('exit', () => r()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`witness exited early:\n${out}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`witness did not start:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  const vkey = /^witness \S+ vkey (\S+)$/m.exec(out)?.[1]
  if (vkey === undefined) throw new Error(`witness printed no vkey:\n${out}`)
  return {
    child,
    url,
    vkey,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

export interface SpawnedWorker {
  url: string
  /** SIGKILL to the whole process group: wrangler, workerd and its Hyperdrive proxy at once. */
  kill(): Promise<void>
}

const WRANGLER = fileURLToPath(
  new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url),
)

const wranglerEnv = () => ({
  ...process.env,
  XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? `${process.cwd()}/.wrangler/config`,
  WRANGLER_SEND_METRICS: 'false',
})

/** The Worker bundled once, as `npm run build:worker` does; returns the bundle's path. */
export function bundleWorker(outdir: string): string {
  const run = spawnSync(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', outdir], {
    env: wranglerEnv(),
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`wrangler deploy --dry-run: ${run.stderr}${run.stdout}`)
  return `${outdir}/worker.js`
}

/**
 * `wrangler dev` as a child process in its own process group, so it can be killed the hard way:
 * with its local Hyperdrive proxy gone too, Postgres sees the connection drop and rolls back an
 * open transaction (in-process unstable_dev keeps that proxy in the test's own process).
 */
export async function spawnWorker(
  db: { url?: string | undefined },
  port: number,
  /** A bundle made by bundleWorker (no esbuild run per start: seconds saved on each restart). */
  bundle: string,
  vars: Record<string, string> = {},
): Promise<SpawnedWorker> {
  const all: Record<string, string> = {
    VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
    VIGIL_LOG_ORIGIN: ORIGIN,
    VIGIL_LOG_LEVEL: 'error',
    ...vars,
  }
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      'dev',
      bundle,
      '--config',
      'wrangler.toml',
      '--no-bundle',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(port + 1),
      '--log-level',
      'error',
      '--show-interactive-dev-session=false',
      '--test-scheduled',
      ...Object.entries(all).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...wranglerEnv(),
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveUrl(db),
      },
    },
  )
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const exited = new Promise<void>((r) => child.on('exit', () => r()))
  const kill = async () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL')
    } catch {}
    await exited
  }
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${out}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {}
    if (Date.now() > deadline) {
      await kill()
      throw new Error(`wrangler dev did not start:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return { url, kill }
}
