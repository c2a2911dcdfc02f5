/**
 * @module entry/published-copy
 * Runs the publisher and the scheduled audit of the published copy for one process: the Node lead
 * process (after each checkpoint, off the append path) or a Worker's cron (`scheduledPublish`).
 * Runs never overlap: a kick during a run asks for one more run after it. A failed run is logged
 * and retried by the next kick (the stored checkpoint is the resume point). An audit finding is
 * an alert: logged at error level with its code and path, and shown by GET /log/published.
 */
import type { Logger, ServiceContext } from '../platform/context/index.ts'
import type { ObjectStore } from '../platform/object-store/index.ts'
import {
  PublishError,
  type PublishedCopyView,
  type PublishStatus,
  publishLog,
} from '../services/publish/index.ts'
import { type AuditReport, auditStatic, storedLogVkeys } from '../tools/audit/index.ts'

export class PublishedCopy implements PublishedCopyView {
  readonly store: ObjectStore
  readonly #ctx: Pick<ServiceContext, 'db' | 'config'>
  readonly #logger: Logger
  #status: PublishStatus
  #running: Promise<void> | undefined
  #again = false
  #repaired = false
  /** Paths the last audit named wrong: the next run writes them again from the database. */
  #rewrite = new Set<string>()

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
      const result = await publishLog(this.#ctx, this.store, {
        repair: !this.#repaired,
        rewrite: this.#rewrite,
        logger: this.#logger,
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

  /** Resolves once no run is in flight (before the database closes). */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running
  }

  /**
   * Audits the copy as a reader would find it; a finding is logged as an alert. `ifPresent`: a
   * copy with no checkpoint yet (never published) is not audited.
   */
  async audit(options: { ifPresent?: boolean } = {}): Promise<AuditReport | undefined> {
    if (options.ifPresent === true && (await this.store.head('checkpoint')) === undefined)
      return undefined
    const vkey = await storedLogVkeys(this.#ctx.db)
    const report = await auditStatic((path) => this.store.get(path), { vkey, maxFindings: 10 })
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
        store: this.store.name,
      })
    else this.#logger.info('published copy audited: consistent', { size: String(report.size) })
    return report
  }
}
