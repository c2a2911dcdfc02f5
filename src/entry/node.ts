/**
 * `vigil serve`: the app on Node with @hono/node-server. SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish, close the database, then exit.
 *
 * `--workers N` (N > 1, Postgres only): a node:cluster primary migrates, creates keys and the
 * genesis checkpoint once, then forks N processes that accept on the one port (docs/OPERATIONS.md,
 * Postgres and several processes: instances are stateless; the pending table and the advisory
 * lock are the truth).
 * Every worker appends and collects cosignatures for the checkpoints it signs, as any instance
 * does; the hourly audit digests and exposure exports run in worker 0 only, so two processes
 * never race to write the same digest or export. A worker that dies is forked again; SIGTERM or
 * SIGINT to the primary stops every worker gracefully, then the primary exits.
 */
import cluster, { type Worker } from 'node:cluster'
import { existsSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import { createApp } from '../http/app.ts'
import { isDatabaseUnavailable } from '../platform/db/index.ts'
import { followIdentity } from '../platform/deployment/index.ts'
import { dirStore } from '../platform/object-store-dir/index.ts'
import { exportBatch, runExposureRetention } from '../services/exposure/index.ts'
import { bootstrapInvitation, runAuditDigests } from '../services/staff/index.ts'
import { serveWithProblems } from './client-errors.ts'
import { publishServedRelease } from './commands/release.ts'
import { PublishedCopy } from './published-copy.ts'
import { loadConfig, startRuntime, VERSION } from './runtime.ts'

/**
 * The built pages: web/dist, or VIGIL_WEB_DIST (pages built elsewhere, a reproducible build being
 * checked, a release being staged). Its release.json is logged at start when new.
 */
export const WEB_DIST =
  process.env.VIGIL_WEB_DIST ?? fileURLToPath(new URL('../../web/dist', import.meta.url))

export async function ensureWebBuilt(log: (msg: string) => void): Promise<void> {
  if (existsSync(`${WEB_DIST}/index.html`)) return
  if (process.env.VIGIL_WEB_DIST !== undefined) {
    throw new Error(`VIGIL_WEB_DIST=${WEB_DIST} holds no built pages (index.html)`)
  }
  log('web/dist is missing: building the pages with Vite (once)')
  const { build } = await import('vite')
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  })
}

export interface ServeOptions {
  /** Processes accepting on the port (node:cluster); 1 serves from this process. */
  workers?: number
}

/** A worker's index (0 … N-1), passed by the primary; undefined outside a cluster. */
const WORKER_INDEX = 'VIGIL_WORKER_INDEX'
/** An hourly job that met an unreachable database tries again after this, not an hour later. */
const JOB_RETRY_MS = 60_000

/**
 * `job` (which logs its own failures and returns them) run again JOB_RETRY_MS later when one of
 * them was an unreachable database; one retry pending at a time.
 */
function retrying(job: () => Promise<unknown[]>): () => Promise<void> {
  let pending = false
  const run = async () => {
    const failures = await job()
    if (pending || !failures.some(isDatabaseUnavailable)) return
    pending = true
    setTimeout(() => {
      pending = false
      void run()
    }, JOB_RETRY_MS).unref()
  }
  return run
}

/** Wait before forking again a worker that died, so a crash loop does not spin. */
const REFORK_DELAY_MS = 1000

export async function serveNode(
  env: Record<string, string | undefined> = process.env,
  options: ServeOptions = {},
) {
  const workers = options.workers ?? 1
  if (workers > 1 && cluster.isPrimary) return servePrimary(env, workers)
  const index = cluster.isWorker ? Number(env[WORKER_INDEX] ?? '0') : undefined
  return serveProcess(env, index)
}

async function printBootstrapLink(ctx: Parameters<typeof bootstrapInvitation>[0]) {
  // A new installation: print the link that enrols the first administrator's passkey.
  const first = await bootstrapInvitation(ctx)
  if (first !== undefined)
    process.stderr.write(
      `\nNo administrator yet. Open this link to enrol the first administrator's passkey\n(single use, expires ${first.expiresAt}):\n\n  ${first.link}\n\n`,
    )
}

/** One serving process: the whole service, or worker `index` of a cluster. */
async function serveProcess(env: Record<string, string | undefined>, index: number | undefined) {
  const environment = loadConfig(env)
  const lead = index === undefined || index === 0
  if (index === undefined) await ensureWebBuilt((msg) => process.stderr.write(`${msg}\n`))
  // In a cluster the primary has migrated and created the keys already.
  const { ctx, database, ledger } = await startRuntime(environment, {
    migrate: index === undefined,
    witnesses: true,
    role: 'serve',
    label: 'vigil serve',
  })
  // The recorded identity (public URL, log origin, and the port of a loopback URL).
  const { config } = ctx
  // The static copy (docs/LEDGER.md "Published copy"): every process serves tiles from it; the
  // lead publishes to it and audits it.
  const published =
    config.publish.dir === undefined
      ? undefined
      : new PublishedCopy(ctx, dirStore(config.publish.dir), ctx.logger)
  const app = createApp(
    { ...ctx, version: VERSION, ledger, ...(published ? { published } : {}) },
    { staticFiles: serveStatic({ root: WEB_DIST }), accessLog: config.logLevel === 'debug' },
  )
  if (index === undefined) {
    await printBootstrapLink(ctx)
    await publishServedRelease(ctx, WEB_DIST)
  }
  // The audit trail's daily digests go into the ledger: soon after start, then every hour.
  const failed = (what: string) => (err: unknown) => {
    ctx.logger.error(`${what} failed`, { error: String(err) })
    return err
  }
  const digest = retrying(async () => [
    await runAuditDigests(ctx).then(() => undefined, failed('audit digest')),
  ])
  const timers: ReturnType<typeof setInterval>[] = []
  if (lead) {
    timers.push(setInterval(digest, 3_600_000))
    setTimeout(digest, 10_000).unref()
  }
  // Exposure exports: every closed window with new keys, hourly (nothing new: nothing written);
  // then the retention pass deletes codes, tokens, keys and files nothing can need any more.
  const exportKeys = retrying(async () => [
    await exportBatch(ctx).then(() => undefined, failed('exposure export')),
    await runExposureRetention(ctx).then(() => undefined, failed('exposure retention')),
  ])
  if (lead) {
    timers.push(setInterval(exportKeys, 3_600_000))
    setTimeout(exportKeys, 20_000).unref()
  }
  // A deliberate change of URL by `vigil identity set-url` reaches this process within seconds.
  timers.push(
    setInterval(() => {
      followIdentity(ctx.db, config)
        .then((changed) => {
          if (changed)
            ctx.logger.warn(
              `the deployment's public URL is now ${config.publicUrl}; new cards carry iss ${config.issuerUrl} (restart for page headers and passkeys)`,
            )
        })
        .catch((err) => ctx.logger.error('identity check failed', { error: String(err) }))
      // `vigil log rotate` started another shard: appends and the /log/ reads move there (an
      // append finds it out at its next step anyway; this moves a quiet server too).
      ledger
        .follow()
        .catch((err) => ctx.logger.error('log shard check failed', { error: String(err) }))
    }, 2000),
  )
  if (published !== undefined && lead) {
    // Off the append path: a poll (the served checkpoint is in memory, the copy's is one small
    // read) publishes within half a second of each checkpoint, this process's or another's.
    // At start the copy is audited as found (an alert if it is broken), then checked whole.
    const auditCopy = (options?: { ifPresent: boolean }) =>
      published.audit(options).then(
        () => undefined,
        (e) => ctx.logger.error('auditing the published copy failed', { error: String(e) }),
      )
    let started = false
    void auditCopy({ ifPresent: true }).then(() => {
      started = true
      return published.kick()
    })
    timers.push(setInterval(() => started && void published.kick(), 500))
    timers.push(setInterval(() => void auditCopy(), config.publish.auditEveryMs))
    ctx.logger.info(`publishing the log's static copy to ${config.publish.dir}`)
  }
  for (const t of timers) t.unref()
  // Witnesses: cosign the latest checkpoint now (it may predate a restart), then after each one.
  // While the policy is unmet, ask again every 30 s, not only at the next checkpoint.
  const stopWitnessRetry = lead ? ledger.witnesses?.retryEvery(30_000) : undefined
  if (ledger.witnesses !== undefined && lead) {
    ledger.witnesses.notify()
    ctx.logger.info(
      `witness policy: ${config.witnessQuorum} of ${config.witnesses.map((w) => w.name).join(', ')}`,
    )
  }
  const listen = {
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    early: (req: IncomingMessage, res: ServerResponse, next: () => void) =>
      app.hotReads.node(req, res, next),
  }
  const server = serveWithProblems(listen, ctx.logger, (info) => {
    const worker = index === undefined ? '' : `, worker ${index} pid ${process.pid}`
    ctx.logger.info(
      `Vigil ${VERSION} serving ${config.publicUrl} (listening on ${info.address}:${info.port}, database: ${database.kind}${worker})`,
    )
  })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    for (const t of timers) clearInterval(t)
    stopWitnessRetry?.()
    ctx.logger.info(`${signal}: finishing in-flight requests, then closing`)
    server.close(async () => {
      await published?.idle()
      await ledger.close()
      await database.close()
      ctx.logger.info('stopped')
      process.exit(0)
    })
    // Keep-alive connections with no request in flight would hold close() open.
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  return server
}

/**
 * The cluster primary: one-time set-up on the database, then N workers. It serves nothing itself
 * and holds no database connection while they run.
 */
async function servePrimary(env: Record<string, string | undefined>, count: number) {
  const config = loadConfig(env)
  const log = (msg: string) => process.stderr.write(`${msg}\n`)
  if (config.databaseUrl === undefined) {
    log("vigil serve --workers: needs DATABASE_URL (Postgres); PGlite is one process's database")
    process.exit(2)
  }
  await ensureWebBuilt(log)
  const { ctx, database, ledger } = await startRuntime(config, { migrate: true, role: 'serve' })
  await printBootstrapLink(ctx)
  await publishServedRelease(ctx, WEB_DIST)
  await ledger.close()
  await database.close()

  const workers = new Map<number, Worker>()
  let stopping = false
  let failed = false
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX]: String(index) })
    workers.set(index, worker)
    worker.on('exit', (code, signal) => {
      workers.delete(index)
      if (stopping) {
        if (code !== 0) failed = true
        if (workers.size === 0) {
          ctx.logger.info('all workers stopped')
          process.exit(failed ? 1 : 0)
        }
        return
      }
      ctx.logger.error(`worker ${index} exited (${signal ?? code}); starting it again`)
      setTimeout(() => {
        if (!stopping) fork(index)
      }, REFORK_DELAY_MS)
    })
  }
  for (let i = 0; i < count; i++) fork(i)
  ctx.logger.info(`cluster primary pid ${process.pid}: ${count} workers on port ${ctx.config.port}`)

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    ctx.logger.info(`${signal}: stopping ${workers.size} workers`)
    if (workers.size === 0) process.exit(0)
    for (const worker of workers.values()) worker.process.kill('SIGTERM')
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  return undefined
}
