/**
 * Cloudflare Workers entry (docs/WORKERS.md). Bindings arrive per request, and postgres.js
 * clients cannot be shared across requests in workerd ("Cannot perform I/O on behalf of a
 * different request"), so each request (and each cron run) builds its dependencies.
 * Migrations and key creation run from Node (`vigil migrate`, `vigil keys list`): the migrator
 * needs node:fs, and a Worker must not race to create keys. Appends are integrated by the
 * appending request itself (entry/worker-ledger.ts); scheduled work runs from Cron Triggers
 * (entry/worker-scheduled.ts).
 */

import pkg from '../../package.json' with { type: 'json' }
import { problemResponse } from '../http/problem.ts'
import { jsonLogger } from '../platform/context/index.ts'
import { DATABASE_RETRY_AFTER_S } from '../platform/db/index.ts'
import { fetchWithApp } from './worker-app.ts'
import { type ExecutionContext, openWorker, type WorkerEnv } from './worker-open.ts'
import { publishedView, scheduledPublish } from './worker-publish.ts'
import { runScheduled, type ScheduledController } from './worker-scheduled.ts'

export type { WorkerEnv }

export default {
  async fetch(request: Request, env: WorkerEnv, executionCtx: ExecutionContext): Promise<Response> {
    const opened = await openWorker(env, executionCtx)
    if (opened.kind === 'refused') {
      const { status, code, detail } = opened
      return problemResponse(status, code, detail, {
        ...(code === 'DATABASE_UNAVAILABLE'
          ? { headers: { 'retry-after': String(DATABASE_RETRY_AFTER_S) } }
          : {}),
      })
    }
    const { ctx, database } = opened
    // Tiles from the published copy in R2 when it is bound (docs/LEDGER.md "Published copy").
    const published = publishedView(env)
    try {
      return await fetchWithApp(
        { ...ctx, version: pkg.version, ...(published === undefined ? {} : { published }) },
        request,
        env,
        executionCtx,
      )
    } finally {
      executionCtx.waitUntil(database.close())
    }
  },

  /**
   * Cron Triggers (wrangler.toml [triggers]): integrate what killed requests left pending,
   * collect witness cosignatures, and hourly the audit digest, exposure exports and retention;
   * then publish the read path to R2 and audit it when VIGIL_PUBLISH is bound.
   */
  async scheduled(
    controller: ScheduledController,
    env: WorkerEnv,
    executionCtx: ExecutionContext,
  ): Promise<void> {
    const opened = await openWorker(env, executionCtx)
    if (opened.kind === 'refused') throw new Error(`${opened.code}: ${opened.detail}`)
    const { ctx, database } = opened
    try {
      const publish = env.VIGIL_PUBLISH === undefined ? undefined : () => scheduledPublish(env)
      await runScheduled(ctx, controller.cron, jsonLogger(ctx.config.logLevel), publish)
    } finally {
      executionCtx.waitUntil(database.close())
    }
  },
}
