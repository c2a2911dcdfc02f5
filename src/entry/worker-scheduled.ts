/**
 * @module entry/worker-scheduled
 * The Worker's scheduled work (docs/WORKERS.md, what runs from cron): what `vigil serve` runs on
 * timers (entry/node.ts), one bounded pass per Cron Trigger, nothing left running afterwards.
 *
 * Every run: integrate entries a killed request left pending (the pending row is the truth), and
 * last ask the witnesses to cosign the latest checkpoint (appends never wait for them on
 * Workers). The hourly run, in between: the audit-trail digests, exposure exports, then the
 * retention pass.
 * A job that fails is logged and the others still run; the run then fails (Cloudflare records
 * it) and the next trigger does the work again — each job is idempotent.
 */
import type { Logger, ServiceContext } from '../platform/context/index.ts'
import { exportBatch, runExposureRetention } from '../services/exposure/index.ts'
import { WitnessCollector } from '../services/ledger/index.ts'
import { runAuditDigests } from '../services/staff/index.ts'

export interface ScheduledController {
  readonly cron: string
  readonly scheduledTime: number
}

/** Must match wrangler.toml [triggers] crons: every five minutes, and hourly at :07. */
export const CRON_FREQUENT = '*/5 * * * *'
export const CRON_HOURLY = '7 * * * *'

export interface ScheduledReport {
  cron: string
  jobs: { job: string; ok: boolean; error?: string }[]
}

export async function runScheduled(
  ctx: ServiceContext,
  cron: string,
  logger: Logger,
  /** Publishes the read path and audits the copy (worker-publish.ts), when a bucket is bound. */
  publish?: () => Promise<unknown>,
): Promise<ScheduledReport> {
  const report: ScheduledReport = { cron, jobs: [] }
  const failures: unknown[] = []
  const run = async (job: string, work: () => Promise<unknown>) => {
    try {
      await work()
      report.jobs.push({ job, ok: true })
    } catch (err) {
      failures.push(err)
      report.jobs.push({ job, ok: false, error: String(err) })
      logger.error(`scheduled ${job} failed`, { error: String(err) })
    }
  }
  await run('integrate', () => ctx.ledger.flush())
  // The hourly trigger (or any schedule but the five-minute one) also runs the jobs of entry/node.ts.
  if (cron !== CRON_FREQUENT) {
    await run('audit-digest', () => runAuditDigests(ctx))
    await run('exposure-export', () => exportBatch(ctx))
    await run('exposure-retention', () => runExposureRetention(ctx))
  }
  // Last, so the checkpoint the witnesses cosign covers what the jobs above appended.
  const { config } = ctx
  if (config.witnesses.length > 0) {
    await run('witnesses', async () => {
      const collector = new WitnessCollector({
        db: ctx.db,
        witnesses: config.witnesses,
        quorum: config.witnessQuorum,
        timeoutMs: config.witnessTimeoutMs,
        logger,
        now: () => performance.now(),
      })
      // One round, bounded by each witness's time budget; an unmet policy is retried next run.
      const round = await collector.collect()
      if (round !== undefined && !round.met) throw new Error('witness policy not met')
    })
  }
  // Publishing the read path: tiles, entry bundles, then the cosigned checkpoint to R2 — after
  // integration, the jobs and the witnesses above, so the published copy covers their entries
  // and carries the cosignatures just collected; then the copy is audited (docs/LEDGER.md).
  if (publish !== undefined) await run('publish', publish)

  logger.info('scheduled run', { cron, jobs: report.jobs.map((j) => `${j.job}:${j.ok}`) })
  if (failures.length > 0) throw failures[0]
  return report
}
