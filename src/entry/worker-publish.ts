/**
 * @module entry/worker-publish
 * The Worker's part of the published copy: `scheduledPublish(env)` publishes the log's static
 * copy to the R2 bucket bound as VIGIL_PUBLISH and audits the copy, for a Cron Trigger (the
 * scheduled() handler calls it). A run resumes at the checkpoint the bucket holds; an audit
 * finding is logged as the alert and the run goes once more over every object to put back
 * what is missing. Built per run: postgres.js clients cannot outlive their request in workerd.
 */
import { parseConfig } from '../platform/config/index.ts'
import { jsonLogger } from '../platform/context/index.ts'
import { createDb } from '../platform/db/index.ts'
import { applyIdentity, readIdentity } from '../platform/deployment/index.ts'
import { type R2BucketLike, r2Store } from '../platform/object-store/index.ts'
import type { PublishedCopyView, PublishStatus } from '../services/publish/index.ts'
import { PublishedCopy } from './published-copy.ts'

export interface PublishEnv {
  HYPERDRIVE?: { connectionString: string }
  /** The R2 bucket the copy goes to (wrangler.toml `[[r2_buckets]] binding = "VIGIL_PUBLISH"`). */
  VIGIL_PUBLISH?: R2BucketLike
  [variable: string]: unknown
}

const BUCKET_NAME = 'r2 VIGIL_PUBLISH'

/**
 * The copy as the app's routes see it in a Worker: tiles are answered from the bucket when it
 * holds them. The status is the cron's (its log lines); a request builds no publisher.
 */
export function publishedView(env: PublishEnv): PublishedCopyView | undefined {
  if (env.VIGIL_PUBLISH === undefined) return undefined
  const store = r2Store(env.VIGIL_PUBLISH, BUCKET_NAME)
  return { store, status: () => ({ store: store.name }) }
}

/**
 * One cron run: publish, then audit the copy (unless `audit` is false). Returns the status
 * (GET /log/published's shape); throws only when the Worker is not configured for it.
 */
export async function scheduledPublish(
  env: PublishEnv,
  options: { audit?: boolean } = {},
): Promise<PublishStatus> {
  const bucket = env.VIGIL_PUBLISH
  if (bucket === undefined) throw new Error('no VIGIL_PUBLISH R2 binding: nothing to publish to')
  let config = parseConfig({
    ...env,
    DATABASE_URL: env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL,
  })
  if (config.databaseUrl === undefined) throw new Error('a Worker needs HYPERDRIVE or DATABASE_URL')
  // createDb, not createPostgresDb: the package is `sideEffects: false`, so esbuild (wrangler's
  // bundler) drops the db barrel's top level, and with it the init of postgres.ts (which
  // db/client also imports lazily), when a Worker uses nothing else of the barrel; the dynamic
  // import runs that init itself.
  const database = await createDb({ kind: 'postgres', url: config.databaseUrl, max: 1 })
  try {
    const identity = await readIdentity(database.db)
    if (identity === undefined) throw new Error('no deployment identity recorded yet')
    config = applyIdentity(config, identity)
    const logger = jsonLogger(config.logLevel)
    const copy = new PublishedCopy(
      { db: database.db, config },
      r2Store(bucket, BUCKET_NAME),
      logger,
      {
        repairFirst: false,
      },
    )
    await copy.kick()
    if (options.audit !== false) {
      const report = await copy.audit({ ifPresent: true })
      // The audit's finding turned the next run into a full check: put back what is missing.
      if (report !== undefined && !report.ok) await copy.kick()
    }
    return copy.status()
  } finally {
    await database.close()
  }
}
