/**
 * A venue's proof of the rules it applied, against the real app: the leaf core/verify rebuilds
 * from the published text is the one the service logged, at the index the signed trust material
 * names, proved through core/log-client against a checkpoint under the witness policy.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogClient } from '../../../src/core/log-client/index.ts'
import {
  checkRuleProof,
  fetchRuleProof,
  openTrustMaterial,
} from '../../../src/core/verify/index.ts'
import { rotateShard } from '../../../src/services/ledger/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { entry } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const RULES = readFileSync(new URL('../../../docs/rules-example.json', import.meta.url), 'utf8')

describe.each(ENGINES)('proof of the applied rules on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
  })
  afterAll(() => t?.close())

  it('each release is proved at its ledger index; a corrupted proof is refused', async () => {
    const token = await tokenFor(t, ['admin'])
    const publish = async (text: string) => {
      const res = await t.app.request('/api/trust/rules', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      })
      expect(res.status).toBe(201)
      return (await res.json()) as { release: number; leafIndex: number }
    }
    const client = createLogClient('', (url, init) => t.app.request(url, init))
    const vkey = await client.key()
    const material = async () =>
      openTrustMaterial(await (await t.app.request('/trust/material')).text(), vkey)
    const now = () => Math.floor(t.ctx.clock.now().getTime() / 1000)

    const first = await publish(RULES)
    const m1 = await material()
    const p1 = await fetchRuleProof(m1, client)
    expect(await checkRuleProof(m1, p1, now())).toMatchObject({
      release: 1,
      leafIndex: first.leafIndex,
    })

    // A new release is a new entry; the old proof no longer matches the material.
    const second = await publish(RULES.replace('"vaccinated"', '"vaccinated-14d"'))
    expect(second.leafIndex).toBeGreaterThan(first.leafIndex)
    const m2 = await material()
    expect(m2.rules?.release).toBe(2)
    await expect(checkRuleProof(m2, p1, now())).rejects.toMatchObject({
      code: 'VERIFY_RULES_PROOF',
    })
    const p2 = await fetchRuleProof(m2, client)
    expect((await checkRuleProof(m2, p2, now())).leafIndex).toBe(second.leafIndex)

    const last = p2.proof.at(-1) as string
    const bad = {
      ...p2,
      proof: [...p2.proof.slice(0, -1), `${last.slice(0, -1)}${last.endsWith('0') ? '1' : '0'}`],
    }
    await expect(checkRuleProof(m2, bad, now())).rejects.toMatchObject({
      code: 'VERIFY_RULES_PROOF',
    })

    // After a rotation (docs/LEDGER.md "Shards") the release is proved in the frozen shard,
    // against its final checkpoint, with the shard's own key; a new shard's entries push the
    // new shard past the release's index, so its tree would not hold it.
    await rotateShard(t.ctx, t.ctx.config.logOrigin)
    await t.ledger.append(Array.from({ length: second.leafIndex + 3 }, (_, i) => entry(i)))
    const vkey2 = await client.key()
    expect(vkey2).not.toBe(vkey)
    const m3 = await openTrustMaterial(await (await t.app.request('/trust/material')).text(), vkey2)
    expect(m3.rules?.leafIndex).toBe(second.leafIndex)
    const p3 = await fetchRuleProof(m3, client)
    expect(p3.checkpoint.split('\n')[0]).toBe(m2.log.origin)
    expect((await checkRuleProof(m3, p3, now())).leafIndex).toBe(second.leafIndex)
    // A proof against the new shard's tree at that index is refused.
    const wrong = { ...p3, checkpoint: await client.checkpoint() }
    await expect(checkRuleProof(m3, wrong, now())).rejects.toMatchObject({
      code: 'VERIFY_RULES_PROOF',
    })
  })
})
