/**
 * Cloudflare Workers entry. Bindings arrive per request, and postgres.js clients cannot be
 * shared across requests in workerd ("Cannot perform I/O on behalf of a different request"), so
 * each request builds its dependencies.
 * Migrations and key creation run from Node (`vigil migrate`, `vigil keys list`): the migrator
 * needs node:fs, and a Worker must not race to create keys.
 */

import pkg from '../../package.json' with { type: 'json' }
import { createApp } from '../http/app.ts'
import { problemResponse } from '../http/problem.ts'
import { ConfigError, parseConfig } from '../platform/config/index.ts'
import { jsonLogger } from '../platform/context/index.ts'
import type { Db } from '../platform/db/index.ts'
import {
  createPostgresDb,
  DATABASE_RETRY_AFTER_S,
  isDatabaseUnavailable,
} from '../platform/db/index.ts'
import {
  applyIdentity,
  checkClaims,
  type DeploymentIdentity,
  IdentityMismatchError,
  readIdentity,
} from '../platform/deployment/index.ts'
import { buildContext } from './context.ts'
import { publishedView, scheduledPublish } from './worker-publish.ts'

export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string }
  [variable: string]: unknown
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
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

export default {
  async fetch(request: Request, env: WorkerEnv, executionCtx: ExecutionContext): Promise<Response> {
    let config: ReturnType<typeof parseConfig>
    try {
      config = parseConfig({
        ...env,
        DATABASE_URL: env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL,
      })
    } catch (err) {
      const detail = err instanceof ConfigError ? err.message : 'invalid configuration'
      return problemResponse(503, 'NOT_CONFIGURED', detail, {})
    }
    if (config.databaseUrl === undefined || config.masterKey === undefined) {
      return problemResponse(
        503,
        'NOT_CONFIGURED',
        'a Worker needs HYPERDRIVE (or DATABASE_URL) and VIGIL_MASTER_KEY',
        {},
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
      if (err instanceof IdentityMismatchError)
        return problemResponse(503, 'NOT_CONFIGURED', err.message, {})
      if (isDatabaseUnavailable(err))
        return problemResponse(503, 'DATABASE_UNAVAILABLE', 'the database is unreachable', {
          headers: { 'retry-after': String(DATABASE_RETRY_AFTER_S) },
        })
      throw err
    }
    if (identity === undefined) {
      executionCtx.waitUntil(database.close())
      return problemResponse(
        503,
        'NOT_CONFIGURED',
        'no deployment identity recorded yet: run `vigil keys list` from Node against this database first',
        {},
      )
    }
    config = applyIdentity(config, identity)
    const { ctx } = await buildContext({
      database,
      config,
      masterKey,
      logger: jsonLogger(config.logLevel),
      // Keys and the log are made by Node processes; a Worker reads, and never integrates.
      keys: 'existing',
      ledger: { kind: 'refusing' },
    })
    // Tiles from the published copy in R2 when it is bound (docs/LEDGER.md "Published copy").
    const published = publishedView(env)
    const app = createApp({ ...ctx, version: pkg.version, ...(published ? { published } : {}) })
    try {
      return await app.fetch(request, env, executionCtx as never)
    } finally {
      executionCtx.waitUntil(database.close())
    }
  },

  /** Cron: publish the log's static copy to R2 and audit it, when VIGIL_PUBLISH is bound. */
  async scheduled(_event: unknown, env: WorkerEnv, executionCtx: ExecutionContext): Promise<void> {
    if (env.VIGIL_PUBLISH === undefined) return
    executionCtx.waitUntil(scheduledPublish(env).then(() => undefined))
  },
}
