/**
 * @module entry/commands/log
 * `vigil log rotate` and `vigil log shards` (docs/LEDGER.md "Shards", docs/OPERATIONS.md). Safe
 * beside running servers: the rotation is one transaction under the log's advisory lock, and
 * servers move their appends to the new shard at their next integration step or within 2 s.
 */
import { parseArgs } from 'node:util'
import { readIdentity } from '../../platform/deployment/index.ts'
import {
  cosignFinalCheckpoint,
  ensureShards,
  listShards,
  rotateShard,
  type Shard,
} from '../../services/ledger/index.ts'
import { withRuntime } from './run.ts'

const view = (s: Shard) => ({
  id: s.id,
  origin: s.origin,
  keyId: s.keyId,
  state: s.state,
  periodStart: s.periodStart.toISOString(),
  periodEnd: s.periodEnd?.toISOString() ?? null,
  finalSize: s.finalSize === null ? null : String(s.finalSize),
})

export async function runLogRotate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } })
  return withRuntime('log', 'rotate', async ({ ctx }) => {
    const identity = await readIdentity(ctx.db)
    if (identity === undefined) throw new Error('deployment identity: not recorded yet')
    const result = await rotateShard(ctx, identity.logOrigin)
    const witnesses = result.rotated ? await cosignFinalCheckpoint(ctx, result.frozen) : []
    if (values.json) {
      console.log(
        JSON.stringify({
          rotated: result.rotated,
          frozen: view(result.frozen),
          active: view(result.active),
          witnesses,
        }),
      )
    } else if (result.rotated) {
      console.log(
        `froze shard ${result.frozen.id} (${result.frozen.origin}) at size ${result.frozen.finalSize}; new shard ${result.active.id}: ${result.active.origin}, key ${result.active.keyId}`,
      )
      for (const w of witnesses)
        console.log(`  witness ${w.witness}: ${w.ok ? 'cosigned the final checkpoint' : w.reason}`)
    } else {
      console.log(
        `shard ${result.frozen.id} was frozen by another rotation meanwhile; the active shard is ${result.active.id} (${result.active.origin}): nothing done`,
      )
    }
    // Another rotation got there first: not an error, but not this call's doing either.
    return result.rotated ? 0 : 3
  })
}

export async function runLogShards(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } })
  return withRuntime('log', 'shards', async ({ ctx }) => {
    await ensureShards(ctx)
    const shards = (await listShards(ctx.db)).map(view)
    if (values.json) console.log(JSON.stringify({ shards }))
    else
      for (const s of shards)
        console.log(
          `${s.id}  ${s.state.padEnd(6)}  ${s.origin}  ${s.keyId}  ${s.periodStart} .. ${s.periodEnd ?? 'now'}${s.finalSize === null ? '' : `  final size ${s.finalSize}`}`,
        )
    return 0
  })
}
