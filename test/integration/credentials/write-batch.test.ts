/**
 * Concurrent issuances share one transaction (credentials/write.ts), and API-token reads share one
 * query (db/read-batch.ts): every request still gets its own rows and its own audit record, a row
 * that fails its constraint fails only its own issuance, and a revoked token is refused at once.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { credentialPersonalData, credentials } from '../../../src/platform/db/schema/index.ts'
import { auditEvents } from '../../../src/platform/db/schema/people.ts'
import { writeIssuance } from '../../../src/services/credentials/write.ts'
import { revokeApiToken } from '../../../src/services/staff/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('batched issuance writes on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
  })
  afterAll(() => t?.close())

  it('24 concurrent issuances: each has its row, sealed data and audit record', async () => {
    const issuer = api(t, await tokenFor(t, ['issuer']))
    const results = await Promise.all(
      Array.from({ length: 24 }, () => issuer.post('/api/credentials', immunization())),
    )
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(201))
    const ids = await Promise.all(results.map(async (r) => ((await r.json()) as { id: string }).id))
    expect(new Set(ids).size).toBe(24)
    for (const id of ids) {
      expect(await t.ctx.db.select().from(credentials).where(eq(credentials.id, id))).toHaveLength(
        1,
      )
      expect(
        await t.ctx.db
          .select()
          .from(credentialPersonalData)
          .where(eq(credentialPersonalData.credentialId, id)),
      ).toHaveLength(1)
      const audit = await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.targetId, id))
      expect(audit.map((a) => a.action)).toEqual(['credential.issue'])
    }
  })

  it('a row that violates a constraint fails alone; the others in its batch commit', async () => {
    const [existing] = await t.ctx.db.select().from(credentials).limit(1)
    if (existing === undefined) throw new Error('no credential to collide with')
    const rows = (id: string) => ({
      // jws_hash is unique too: a fresh one per row, so only the primary key can collide.
      credential: {
        ...existing,
        id,
        jwsHash: crypto.getRandomValues(new Uint8Array(32)),
        importKey: null,
      },
      personal: { credentialId: id, sealed: new Uint8Array(32), wrappedKey: new Uint8Array(32) },
      facts: [],
      audit: {
        at: new Date(),
        actorKind: 'system',
        actorId: 'test',
        actorName: 'test',
        action: 't',
      },
    })
    const fresh = ['a', 'b', 'c'].map((c) => `00000000-0000-4000-8000-00000000000${c}`)
    const outcomes = await Promise.allSettled([
      writeIssuance(t.ctx.db, rows(fresh[0] as string)),
      writeIssuance(t.ctx.db, rows(existing.id)), // primary key taken
      writeIssuance(t.ctx.db, rows(fresh[1] as string)),
      writeIssuance(t.ctx.db, rows(fresh[2] as string)),
    ])
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ])
    for (const id of fresh)
      expect(await t.ctx.db.select().from(credentials).where(eq(credentials.id, id))).toHaveLength(
        1,
      )
  })

  it('concurrent requests share token reads, yet a revoked token is refused at once', async () => {
    const token = await tokenFor(t, ['issuer'])
    const client = api(t, token)
    // An unknown credential: 404 for an accepted token, 401 for a refused one.
    const path = '/api/credentials/00000000-0000-4000-8000-0000000000ff'
    const ok = await Promise.all(Array.from({ length: 8 }, () => client.get(path)))
    await revokeApiToken(t.ctx, token.split('_')[1] as string)
    const after = await Promise.all(Array.from({ length: 8 }, () => client.get(path)))
    expect(ok.map((r) => r.status)).toEqual(Array(8).fill(404))
    expect(after.map((r) => r.status)).toEqual(Array(8).fill(401))
  })
})
