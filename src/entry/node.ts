/**
 * `vigil serve`: the app on Node with @hono/node-server. SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish, close the database, then exit.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { exportBatch } from '../exposure/export.ts'
import { runExposureRetention } from '../exposure/retention.ts'
import { createApp } from '../http/app.ts'
import { bootstrapInvitation, runAuditDigests } from '../staff/index.ts'
import { loadConfig, startRuntime, VERSION } from './runtime.ts'

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url))

export async function ensureWebBuilt(log: (msg: string) => void): Promise<void> {
  if (existsSync(`${WEB_DIST}/index.html`)) return
  log('web/dist is missing: building the pages with Vite (once)')
  const { build } = await import('vite')
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  })
}

export async function serveNode(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env)
  await ensureWebBuilt((msg) => process.stderr.write(`${msg}\n`))
  const { ctx, database, ledger } = await startRuntime(config, { migrate: true, witnesses: true })
  const app = createApp(
    { ...ctx, version: VERSION, ledger },
    { staticFiles: serveStatic({ root: WEB_DIST }), accessLog: config.logLevel === 'debug' },
  )
  // A new installation: print the link that enrols the first administrator's passkey.
  const first = await bootstrapInvitation(ctx)
  if (first !== undefined)
    process.stderr.write(
      `\nNo administrator yet. Open this link to enrol the first administrator's passkey\n(single use, expires ${first.expiresAt}):\n\n  ${first.link}\n\n`,
    )
  // The audit trail's daily digests go into the ledger: soon after start, then every hour.
  const digest = () =>
    runAuditDigests(ctx, ledger).catch((err) =>
      ctx.logger.error('audit digest failed', { error: String(err) }),
    )
  const digestTimer = setInterval(digest, 3_600_000)
  digestTimer.unref()
  setTimeout(digest, 10_000).unref()
  // Exposure exports: every closed window with new keys, hourly (nothing new: nothing written);
  // then the retention pass deletes codes, tokens, keys and files nothing can need any more.
  const exportKeys = async () => {
    await exportBatch(ctx, ledger).catch((err) =>
      ctx.logger.error('exposure export failed', { error: String(err) }),
    )
    await runExposureRetention(ctx).catch((err) =>
      ctx.logger.error('exposure retention failed', { error: String(err) }),
    )
  }
  const exportTimer = setInterval(exportKeys, 3_600_000)
  exportTimer.unref()
  setTimeout(exportKeys, 20_000).unref()
  // Witnesses: cosign the latest checkpoint now (it may predate a restart), then after each one.
  // While the policy is unmet, ask again every 30 s, not only at the next checkpoint.
  const stopWitnessRetry = ledger.witnesses?.retryEvery(30_000)
  if (ledger.witnesses !== undefined) {
    ledger.witnesses.notify()
    ctx.logger.info(
      `witness policy: ${config.witnessQuorum} of ${config.witnesses.map((w) => w.name).join(', ')}`,
    )
  }
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    ctx.logger.info(
      `Vigil ${VERSION} serving ${config.publicUrl} (listening on ${info.address}:${info.port}, database: ${database.kind})`,
    )
  })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    clearInterval(digestTimer)
    clearInterval(exportTimer)
    stopWitnessRetry?.()
    ctx.logger.info(`${signal}: finishing in-flight requests, then closing`)
    server.close(async () => {
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
