/**
 * @module http/env
 * The Hono environment every route and middleware shares: typed per-request variables.
 */
import type { ServiceContext } from '../platform/context/index.ts'
import type { PublishedCopyView } from '../services/publish/index.ts'

/** The process's context and what only the HTTP face needs. */
export type AppDeps = ServiceContext & {
  /** Shown by /healthz and in the OpenAPI document. */
  version: string
  /** The log's published static copy, when one is configured: tiles are served from it. */
  published?: PublishedCopyView
  /**
   * The log shard a /log/<id>/… request reads (routes/log-shards.ts); absent: the active shard.
   * Picks the shard's part of the published copy (shard 1 at its root, shard n under n/).
   */
  logShard?: number
}

export interface AppEnv {
  Variables: {
    requestId: string
    /**
     * This request's context: the process's, with the request id, and — once authenticate() has
     * run — the actor and the role the route let it through with. Routes pass it to services.
     */
    ctx: AppDeps
  }
}
