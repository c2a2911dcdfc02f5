/**
 * @module entry/worker-open
 * What every Worker invocation (a request or a cron run) builds first: the config from the
 * bindings, a one-connection Postgres client through Hyperdrive, the recorded deployment identity,
 * and the service context with this invocation's log writer (entry/worker-ledger.ts).
 */
import { ConfigError, parseConfig } from '../platform/config/index.ts'
import { jsonLogger, type ServiceContext } from '../platform/context/index.ts'
import type { Database, Db } from '../platform/db/index.ts'
import { createPostgresDb, isDatabaseUnavailable } from '../platform/db/index.ts'
import {
  applyIdentity,
  checkClaims,
  type DeploymentIdentity,
  IdentityMismatchError,
  readIdentity,
} from '../platform/deployment/index.ts'
import type { R2BucketLike } from '../platform/object-store/index.ts'
import { buildContext } from './context.ts'
import { workerLedger } from './worker-ledger.ts'

export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string }
  /** The R2 bucket of the published copy (wrangler.toml `[[r2_buckets]]`, docs/LEDGER.md). */
  VIGIL_PUBLISH?: R2BucketLike
  [variable: string]: unknown
}

export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
}

export type Opened =
  | { kind: 'ready'; ctx: ServiceContext; database: Database }
  | {
      kind: 'refused'
      status: 503
      code: 'NOT_CONFIGURED' | 'DATABASE_UNAVAILABLE'
      detail: string
    }

/** The identity changes only by a deliberate `vigil identity set-url`: re-read every 30 s. */
const IDENTITY_TTL_MS = 30_000
let cached: { identity: DeploymentIdentity; at: number } | undefined

async function recordedIdentity(db: Db): Promise<DeploymentIdentity | undefined> {
  if (cached !== undefined && Date.now() - cached.at < IDENTITY_TTL_MS) return cached.identity
  const identity = await readIdentity(db)
  cached = identity === undefined ? undefined : { identity, at: Date.now() }
  return identity
}

const refused = (code: 'NOT_CONFIGURED' | 'DATABASE_UNAVAILABLE', detail: string): Opened => ({
  kind: 'refused',
  status: 503,
  code,
  detail,
})

export async function openWorker(env: WorkerEnv, executionCtx: ExecutionContext): Promise<Opened> {
  let config: ReturnType<typeof parseConfig>
  try {
    config = parseConfig({
      ...env,
      DATABASE_URL: env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL,
    })
  } catch (err) {
    return refused(
      'NOT_CONFIGURED',
      err instanceof ConfigError ? err.message : 'invalid configuration',
    )
  }
  if (config.databaseUrl === undefined || config.masterKey === undefined) {
    return refused(
      'NOT_CONFIGURED',
      'a Worker needs HYPERDRIVE (or DATABASE_URL) and VIGIL_MASTER_KEY',
    )
  }
  const masterKey = config.masterKey
  const database = createPostgresDb(config.databaseUrl, 1)
  // The deployment's identity is recorded by the first Node process (vigil migrate or serve);
  // a Worker reads it, and refuses to serve under another name.
  let identity: DeploymentIdentity | undefined
  try {
    identity = await recordedIdentity(database.db)
    if (identity !== undefined) checkClaims(identity, config.claims)
  } catch (err) {
    executionCtx.waitUntil(database.close())
    if (err instanceof IdentityMismatchError) return refused('NOT_CONFIGURED', err.message)
    if (isDatabaseUnavailable(err))
      return refused('DATABASE_UNAVAILABLE', 'the database is unreachable')
    throw err
  }
  if (identity === undefined) {
    executionCtx.waitUntil(database.close())
    return refused(
      'NOT_CONFIGURED',
      'no deployment identity recorded yet: run `vigil keys list` from Node against this database first',
    )
  }
  config = applyIdentity(config, identity)
  const { ctx } = await buildContext({
    database,
    config,
    masterKey,
    logger: jsonLogger(config.logLevel),
    // Keys are made by Node processes; a Worker unseals them and never generates one.
    keys: 'existing',
    ledger: { kind: 'refusing' },
  })
  // This invocation's log writer, opened on its first append (no lock for read requests).
  const budget = Number(env.VIGIL_APPEND_BUDGET_MS)
  const ledger = workerLedger(ctx, Number.isInteger(budget) && budget > 0 ? budget : undefined)
  return { kind: 'ready', ctx: { ...ctx, ledger }, database }
}
