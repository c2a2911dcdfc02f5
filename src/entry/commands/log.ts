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
import { usage, withRuntime } from './run.ts'

/**
 * A shard younger than this is not rotated again: two rotations started together, or a
 * scheduled job run twice, make one new shard.
 */
const DEFAULT_MIN_AGE_S = 3600

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
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, 'min-age': { type: 'string' } },
  })
  const minAge = values['min-age'] ?? String(DEFAULT_MIN_AGE_S)
  if (!/^(0|[1-9][0-9]{0,9})$/.test(minAge))
    return usage('log', 'rotate', '--min-age is a number of seconds')
  return withRuntime('log', 'rotate', async ({ ctx }) => {
    const identity = await readIdentity(ctx.db)
    if (identity === undefined) throw new Error('deployment identity: not recorded yet')
    const result = await rotateShard(ctx, identity.logOrigin, { minAgeMs: Number(minAge) * 1000 })
    const witnesses = result.rotated ? await cosignFinalCheckpoint(ctx, result.frozen) : []
    if (values.json) {
      console.log(
        JSON.stringify({
          rotated: result.rotated,
          ...(result.rotated ? { frozen: view(result.frozen) } : { reason: result.reason }),
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
      const why =
        result.reason === 'too-young'
          ? `it started less than ${minAge} s ago (--min-age)`
          : 'another rotation froze the shard meanwhile'
      console.log(
        `not rotated: ${why}; the active shard is ${result.active.id} (${result.active.origin})`,
      )
    }
    // Another rotation got there first, or the shard is new: not an error, nothing done.
    return result.rotated ? 0 : 3
  })
}

export async function runLogShards(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, cosign: { type: 'boolean' } },
  })
  return withRuntime('log', 'shards', async ({ ctx }) => {
    await ensureShards(ctx)
    // Asks the witnesses again for every frozen shard's final checkpoint (one that was down
    // during the rotation, say); each answer replaces the lines stored before.
    if (values.cosign)
      for (const shard of await listShards(ctx.db))
        if (shard.state === 'frozen')
          for (const w of await cosignFinalCheckpoint(ctx, shard))
            console.error(
              `shard ${shard.id}: witness ${w.witness}: ${w.ok ? 'cosigned the final checkpoint' : w.reason}`,
            )
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
