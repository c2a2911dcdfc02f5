/**
 * @module entry/published-copy
 * Runs the publisher and the scheduled audit of the published copy for one process: the Node lead
 * process (after each checkpoint, off the append path) or a Worker's cron (`scheduledPublish`).
 * Runs never overlap: a kick during a run asks for one more run after it. A failed run is logged
 * and retried by the next kick (the stored checkpoint is the resume point). An audit finding is
 * an alert: logged at error level with its code and path, and shown by GET /log/published.
 * A sharded log (docs/LEDGER.md "Shards") is published shard by shard, each under its own prefix
 * (shard 1 at the root, shard n under n/): a frozen shard once, to its final checkpoint, then
 * the active one; the audit reads the active shard's part.
 */
import type { Logger, ServiceContext } from '../platform/context/index.ts'
import { type ObjectStore, shardStore } from '../platform/object-store/index.ts'
import { listShards, type Shard, withShard } from '../services/ledger/index.ts'
import {
  PublishError,
  type PublishedCopyView,
  type PublishStatus,
  publishLog,
} from '../services/publish/index.ts'
import { type AuditReport, auditStatic, storedLogVkeys } from '../tools/audit/index.ts'

export class PublishedCopy implements PublishedCopyView {
  /** The whole copy (every shard; the app picks a shard's part with shardStore). */
  readonly store: ObjectStore
  readonly #ctx: Pick<ServiceContext, 'db' | 'config'>
  readonly #logger: Logger
  #status: PublishStatus
  #running: Promise<void> | undefined
  #again = false
  #repaired = false
  /** Paths the last audit named wrong: the next run writes them again from the database. */
  #rewrite = new Set<string>()
  /** Frozen shards whose copy holds their final checkpoint: nothing more to publish. */
  readonly #finished = new Set<number>()
  /** The shard the last run published as the active one (1 until a rotation). */
  #active = 1

  /**
   * `repairFirst` (default true): the first run checks every object from size 0 (a long-lived
   * process at start); false resumes at the copy's checkpoint (a cron run, each a new instance).
   */
  constructor(
    ctx: Pick<ServiceContext, 'db' | 'config'>,
    store: ObjectStore,
    logger: Logger,
    options: { repairFirst?: boolean } = {},
  ) {
    this.#ctx = ctx
    this.store = store
    this.#logger = logger
    this.#status = { store: store.name }
    this.#repaired = options.repairFirst === false
  }

  status(): PublishStatus {
    return structuredClone(this.#status)
  }

  /** Publishes what the log has that the copy lacks; resolves when this (or a later) run ends. */
  kick(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true
      return this.#running
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false
          await this.#run()
        } while (this.#again)
      } finally {
        this.#running = undefined
      }
    })()
    return this.#running
  }

  async #run(): Promise<void> {
    const at = new Date().toISOString()
    try {
      // The first run of a process checks every object from size 0 (and repairs what is
      // missing); later ones start at the copy's checkpoint.
      const options = { repair: !this.#repaired, logger: this.#logger }
      const shards = await listShards(this.#ctx.db)
      for (const shard of shards) {
        if (shard.state === 'frozen' && !this.#finished.has(shard.id))
          await this.#publishFrozen(shard, options)
      }
      this.#active = shards.find((s) => s.state === 'active')?.id ?? 1
      const result = await publishLog(this.#ctx, shardStore(this.store, this.#active), {
        ...options,
        rewrite: this.#rewrite,
      })
      this.#repaired = true
      this.#rewrite = new Set()
      this.#status = { ...this.#status, size: String(result.size), publishedAt: at }
      delete this.#status.error
      if (result.written > 0)
        this.#logger.debug('published copy', { size: String(result.size), written: result.written })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      const key = e instanceof PublishError ? e.key : undefined
      this.#status.error = { code: 'PUBLISH_FAILED', message, at, ...(key ? { key } : {}) }
      this.#logger.error('publishing the static copy failed (the next run resumes)', {
        code: 'PUBLISH_FAILED',
        store: this.store.name,
        ...(key ? { key } : {}),
        error: message,
      })
    }
  }

  /**
   * A frozen shard's copy, to its final checkpoint (signed with its `final` line, and the
   * cosignatures collected for it), read from the shard's own tables.
   */
  async #publishFrozen(shard: Shard, options: { repair: boolean; logger: Logger }): Promise<void> {
    if (shard.finalNote === null || shard.finalSize === null) return
    const checkpoint = { text: shard.finalNote, size: shard.finalSize }
    const result = await withShard(this.#ctx.db, shard, (db) =>
      publishLog({ db, config: this.#ctx.config }, shardStore(this.store, shard.id), {
        ...options,
        checkpoint,
      }),
    )
    if (result.size === shard.finalSize) this.#finished.add(shard.id)
  }

  /** Resolves once no run is in flight (before the database closes). */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running
  }

  /**
   * Audits the copy as a reader would find it; a finding is logged as an alert. `ifPresent`: a
   * copy with no checkpoint yet (never published) is not audited.
   */
  async audit(options: { ifPresent?: boolean } = {}): Promise<AuditReport | undefined> {
    const active = shardStore(this.store, this.#active)
    if (options.ifPresent === true && (await active.head('checkpoint')) === undefined)
      return undefined
    const vkey = await storedLogVkeys(this.#ctx.db)
    const report = await auditStatic((path) => active.get(path), { vkey, maxFindings: 10 })
    const first = report.findings[0]
    this.#status.audit = {
      at: new Date().toISOString(),
      ok: report.ok,
      size: String(report.size),
      entries: String(report.entries),
      ...(first ? { finding: { code: first.code, at: first.at, message: first.message } } : {}),
    }
    // The next run checks every object again, so what the audit found missing is put back.
    if (first !== undefined) this.#repaired = false
    for (const f of report.findings) if (f.path !== undefined) this.#rewrite.add(f.path)
    if (first !== undefined)
      this.#logger.error('ALERT: the published copy of the log is broken', {
        code: 'PUBLISHED_COPY_BROKEN',
        finding: first.code,
        path: first.at,
        message: first.message,
        store: active.name,
      })
    else this.#logger.info('published copy audited: consistent', { size: String(report.size) })
    return report
  }
}
