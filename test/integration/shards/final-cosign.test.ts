/**
 * A frozen shard's final checkpoint cosigned after the rotation (`vigil log shards --cosign`'s
 * service, docs/OPERATIONS.md): a witness that was unreachable during the rotation cosigns it
 * later; the lines are kept; and from then on that witness refuses the shard's key past its final
 * size (WITNESS_SHARD_FROZEN) over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkpointText } from '../../../src/core/checkpoint/index.ts'
import { signNote } from '../../../src/core/note/index.ts'
import { formatAddCheckpoint } from '../../../src/core/witness/index.ts'
import { logVerifierKey } from '../../../src/platform/keys/index.ts'
import { logSigner } from '../../../src/services/ledger/checkpoint.ts'
import {
  cosignFinalCheckpoint,
  rotateShard,
  shardById,
} from '../../../src/services/ledger/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts'
import { entry } from '../../helpers/ledger.ts'
import { type Served, serveOnLoopback, startWitness } from '../../helpers/witness.ts'

describe('the final checkpoint, cosigned after the rotation (PGlite)', () => {
  let t: TestApp
  let witnessDb: TestDatabase
  let served: Served | undefined
  beforeAll(async () => {
    t = await createTestApp('pglite')
    witnessDb = await createTestDatabase('pglite')
  }, 60_000)
  afterAll(async () => {
    await served?.close()
    await witnessDb?.drop()
    await t?.close()
  })

  it('a witness down at the rotation cosigns later, then refuses the shard past its final size', async () => {
    await t.ledger.append([entry(1), entry(2), entry(3)])
    const key1 = await t.ctx.keys.active('log')
    const origin = t.ctx.config.logOrigin
    const vkey1 = logVerifierKey(key1, origin)
    const r = await rotateShard(t.ctx, origin)
    if (!r.rotated) throw new Error(r.reason)

    const w = await startWitness(witnessDb, [{ origin, vkeys: [vkey1] }], { name: 'w1.test' })
    const witnesses = [{ name: 'w1', vkey: w.vkey, url: '' }]
    const down = await cosignFinalCheckpoint(
      {
        db: t.ctx.db,
        config: {
          ...t.ctx.config,
          witnesses: [{ ...witnesses[0], url: 'http://127.0.0.1:9/witness' } as never],
        },
      },
      r.frozen,
    )
    expect(down).toMatchObject([{ witness: 'w1', ok: false }])
    expect(await (await t.app.request('/log/1/checkpoint')).text()).not.toMatch(/^— w1\.test /m)

    served = await serveOnLoopback((req) => w.app.fetch(req))
    const url = `${served.url}/witness`
    const config = { ...t.ctx.config, witnesses: [{ name: 'w1', vkey: w.vkey, url }] }
    const up = await cosignFinalCheckpoint({ db: t.ctx.db, config }, await shardById(t.ctx.db, 1))
    expect(up).toEqual([{ witness: 'w1', ok: true }])
    const final = await (await t.app.request('/log/1/checkpoint')).text()
    expect(final).toMatch(/^— w1\.test /m)
    expect(final).toContain('\nfinal\n')

    // Signed with shard 1's real key, one past the final size: refused, kept as evidence.
    const size = r.frozen.finalSize as bigint
    const forged = await signNote(
      checkpointText({ origin, size: size + 1n, root: new Uint8Array(32), time: 1_800_000_000 }),
      [logSigner(key1, origin)],
    )
    const res = await fetch(`${url}/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint({ old: size, proof: [], note: forged }),
    })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { code: string }).code).toBe('WITNESS_SHARD_FROZEN')
    expect(w.evidence.map((e) => e.reason)).toEqual(['WITNESS_SHARD_FROZEN'])
  })
})
