/**
 * Reads of every log shard (docs/LEDGER.md "Shards"): `/log/<id>/…` answers what `/log/…` answers,
 * for shard `<id>` — its checkpoint (a frozen shard's final one, with its cosignatures), its key,
 * tiles, entry bundles, proofs, lookups and entries. `/log/…` stays the active shard, so existing
 * clients keep working. `/log/shards` lists them all.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { Hono } from 'hono'
import { ServiceError } from '../../platform/errors/index.ts'
import { logVerifierKey } from '../../platform/keys/index.ts'
import { listShards, type Shard, shardViews, withShard } from '../../services/ledger/index.ts'
import type { AppDeps, AppEnv } from '../env.ts'
import { jsonResponse } from '../openapi.ts'
import { logRoutes } from './log.ts'

const ShardView = z.object({
  id: z.number().int(),
  origin: z.string(),
  vkey: z.string(),
  state: z.enum(['active', 'frozen']),
  periodStart: z.number().int().openapi({ description: 'POSIX seconds' }),
  periodEnd: z.number().int().nullable(),
  finalSize: z.string().nullable().openapi({ description: 'decimal; frozen shards only' }),
  checkpoint: z
    .string()
    .optional()
    .openapi({ description: 'the final checkpoint with its cosignatures (frozen shards only)' }),
})

type ShardEnv = { Bindings: { shardCtx: AppDeps } } & AppEnv

export function logShardRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  // The /log/ routes, run with a context whose database reads the shard's tables.
  const inner = new Hono<ShardEnv>()
  inner.use(async (c, next) => {
    c.set('ctx', c.env.shardCtx)
    await next()
  })
  inner.route('/', logRoutes())
  // Errors go to the outer app's onError (one problem+json renderer).
  inner.onError((err) => {
    throw err
  })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/shards',
      tags: ['log'],
      summary:
        "Every shard of the log (vigil log rotate): origin, key, period, state, final size and final checkpoint; each shard's log API is /log/{id}/… (the same routes as /log/…)",
      responses: {
        200: jsonResponse('the shards, oldest first', z.object({ shards: z.array(ShardView) })),
      },
    }),
    async (c) => {
      c.header('cache-control', 'public, max-age=60')
      return c.json({ shards: await shardViews(c.get('ctx')) }, 200)
    },
  )

  app.get('/log/:shard{[1-9][0-9]{0,4}}/*', async (c) => {
    const ctx = c.get('ctx')
    const id = Number(c.req.param('shard'))
    const shards = await listShards(ctx.db)
    // Never rotated: the one log is shard 1.
    const shard: Pick<Shard, 'id' | 'state'> | undefined =
      shards.length === 0 && id === 1 ? { id: 1, state: 'active' } : shards.find((s) => s.id === id)
    if (shard === undefined) throw new ServiceError('LOG_SHARD_UNKNOWN', `no log shard ${id}`)
    const url = new URL(c.req.url)
    const rest = url.pathname.slice(`/log/${id}`.length)
    const frozen = shards.find((s) => s.id === id && s.state === 'frozen')
    if (frozen !== undefined && rest === '/checkpoint') {
      // Final: never changes but for cosignatures added after the rotation.
      c.header('cache-control', 'public, max-age=60')
      return c.text(frozen.finalNote ?? '', 200)
    }
    if (frozen !== undefined && rest === '/key') {
      c.header('cache-control', 'public, max-age=300')
      return c.text(`${logVerifierKey(await ctx.keys.load(frozen.keyId), frozen.origin)}\n`, 200)
    }
    url.pathname = `/log${rest}`
    const request = new Request(url, c.req.raw)
    return withShard(ctx.db, shard, async (db) =>
      inner.fetch(request, { shardCtx: { ...ctx, db, logShard: shard.id } }),
    )
  })
  return app
}
