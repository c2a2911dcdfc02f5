/**
 * @module entry/commands/audit
 * `vigil audit [--url URL] [--vkey VKEY]... [--json]`: audits the configured database, or a
 * remote Vigil through its tiles. Exit 0 with a one-line summary, 1 naming the first finding,
 * 2 when the audit could not run (its --help text is in cli.ts). The progress bar goes to stderr, and only on a terminal, so
 * stdout stays a clean summary (or JSON) for scripts.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import {
  type AuditReport,
  type AuditSource,
  audit,
  auditDatabaseShards,
  auditRemoteShards,
  auditStatic,
  databaseSource,
  formatFinding,
  httpReader,
  remoteSource,
  type ShardedAuditReport,
  storedLogVkeys,
} from '../../tools/audit/index.ts'
import { loadConfig, openDatabase } from '../runtime.ts'

export async function runAudit(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      static: { type: 'boolean' },
      vkey: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    strict: true,
  })
  const progress = progressBar()
  try {
    // A sharded log: every shard, each as its own log (docs/LEDGER.md "Shards").
    const sharded =
      values.url === undefined
        ? await shardedDatabase(progress.update)
        : values.static === true
          ? undefined
          : await auditRemoteShards(values.url, values.vkey, { onProgress: progress.update })
    if (sharded !== undefined) {
      progress.stop()
      printShards(sharded, values.json === true)
      return sharded.ok ? 0 : 1
    }
    const report =
      values.url === undefined
        ? await auditDatabase(values.vkey, progress.update)
        : await auditUrl(values.url, values.vkey, values.static === true, progress.update)
    progress.stop()
    print(report, values.json === true)
    return report.ok ? 0 : 1
  } catch (err) {
    progress.stop()
    console.error(`vigil audit: ${describe(err)}`)
    return 2
  }
}

/** The message, with the driver's reason when a query failed (drizzle wraps it as the cause). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : ''
  return `${err.message.split('\n')[0]}${cause}`
}

type OnProgress = (done: bigint, total: bigint) => void

async function auditDatabase(vkeys: string[] | undefined, onProgress: OnProgress) {
  const config = loadConfig()
  // PGlite would create an empty database where none is: an audit must not.
  const dir = join(config.dataDir, 'db')
  if (config.databaseUrl === undefined && !existsSync(dir))
    throw new Error(`no database in ${dir} (set VIGIL_DATA_DIR or DATABASE_URL)`)
  const database = await openDatabase(config)
  try {
    // The log's name comes from its own data, not this process's PUBLIC_URL or VIGIL_LOG_ORIGIN.
    const vkey = vkeys ?? (await storedLogVkeys(database.db))
    if (vkey.length === 0) throw new Error('the key store has no log key: pass --vkey')
    return await run(databaseSource(database.db), vkey, onProgress)
  } finally {
    await database.close()
  }
}

async function shardedDatabase(onProgress: OnProgress) {
  const config = loadConfig()
  const dir = join(config.dataDir, 'db')
  if (config.databaseUrl === undefined && !existsSync(dir))
    throw new Error(`no database in ${dir} (set VIGIL_DATA_DIR or DATABASE_URL)`)
  const database = await openDatabase(config)
  try {
    return await auditDatabaseShards(database.db, { onProgress })
  } finally {
    await database.close()
  }
}

function printShards(report: ShardedAuditReport, json: boolean): void {
  if (json) {
    const text = JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2)
    console.log(text)
  }
  for (const s of report.shards) {
    const name = `shard ${s.id} (${s.origin}, ${s.state})`
    const [first, ...rest] = s.findings
    if (first === undefined) {
      if (!json)
        console.log(
          `${name}: audited ${s.entries} entries, ${s.checkpoints} checkpoints: consistent`,
        )
      continue
    }
    const more = rest.length > 0 ? ` (and ${rest.length} more finding(s); --json lists them)` : ''
    console.error(`${name}: ${formatFinding(first)}${more}`)
  }
}

/**
 * `--url`: a Vigil service (its API under `<url>/log/`, which serves `/log/key`), or a bare static
 * tlog-tiles copy (docs/LEDGER.md "Published copy") at `<url>` or `<url>/log`. `--static` skips
 * the probe.
 */
async function auditUrl(
  url: string,
  vkeys: string[] | undefined,
  forceStatic: boolean,
  onProgress: OnProgress,
) {
  const base = url.replace(/\/+$/, '')
  if (!forceStatic && (await answers(`${base}/log/key`)))
    return auditRemote(base, vkeys, onProgress)
  const root =
    forceStatic || (await answers(`${base}/checkpoint`))
      ? base
      : (await answers(`${base}/log/checkpoint`))
        ? `${base}/log`
        : undefined
  if (root === undefined)
    throw new Error(`${base} serves neither a Vigil log API nor a checkpoint (tlog-tiles)`)
  if (vkeys === undefined)
    throw new Error('a static copy publishes no key: pass the log key with --vkey')
  console.error(`vigil audit: auditing the static tlog-tiles copy at ${root}`)
  return auditStatic(httpReader(root), { vkey: vkeys, onProgress })
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url)
    await res.body?.cancel()
    return res.ok
  } catch {
    return false
  }
}

async function auditRemote(url: string, vkeys: string[] | undefined, onProgress: OnProgress) {
  const source = remoteSource({ url })
  if (vkeys === undefined)
    console.error(`vigil audit: trusting the key ${url} serves (--vkey pins it)`)
  return run(source, vkeys ?? [await source.key()], onProgress)
}

const run = (source: AuditSource, vkey: string[], onProgress: OnProgress) =>
  audit(source, { vkey, onProgress })

function print(report: AuditReport, json: boolean): void {
  if (json) {
    const text = JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2)
    console.log(text)
  }
  const [first, ...rest] = report.findings
  if (first === undefined) {
    if (!json)
      console.log(
        `audited ${report.entries} entries, ${report.checkpoints} checkpoints: consistent`,
      )
    return
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more finding(s); --json lists them)` : ''
  console.error(`${formatFinding(first)}${more}`)
}

/** A cli-progress bar on a terminal's stderr, started once the total is known; else no-ops. */
function progressBar() {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'audit [{bar}] {percentage}% | {value}/{total} entries | {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(done: bigint, total: bigint) {
      if (!started) bar.start(Number(total), 0)
      started = true
      bar.update(Number(done))
    },
    stop: () => started && bar.stop(),
  }
}
