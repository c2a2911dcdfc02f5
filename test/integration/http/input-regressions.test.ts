/**
 * Inputs that once reached the database or the unsealing of a record and came back as 500s: each
 * is now a 400 naming its field, or the same answer as its canonical spelling. On each engine.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES } from '../../../src/platform/context/context.ts'
import { rowsOf } from '../../../src/platform/db/client.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const TWO_63 = '9223372036854775808'
const MAX_INT8 = '9223372036854775807'

describe.each(ENGINES)('input the database cannot hold, on %s', (engine) => {
  let t: TestApp
  let admin: ReturnType<typeof api>
  let card: { id: string }
  beforeAll(async () => {
    t = await createTestApp(engine)
    admin = api(t, await tokenFor(t, [...ROLES]))
    card = (await (await admin.post('/api/credentials', immunization())).json()) as { id: string }
  })
  afterAll(() => t?.close())

  const problem = async (res: Response) => ({
    ...((await res.json()) as { code: string; field?: string }),
    status: res.status,
    mediaType: res.headers.get('content-type'),
  })

  it.each([
    [`/log/checkpoints?before=${TWO_63}`, 'query.before'],
    ['/log/checkpoints?before=18446744073709551615', 'query.before'],
    [`/log/entries?start=${TWO_63}`, 'query.start'],
    [`/log/proof/inclusion?index=0&size=${TWO_63}`, 'query.size'],
    [`/log/proof/consistency?first=1&second=${TWO_63}`, 'query.second'],
    [`/log/receipt?index=${TWO_63}`, 'query.index'],
    ['/log/tile/0/x009/x223/x372/x036/x854/x775/808', 'path'],
    ['/log/tile/entries/x009/x223/x372/x036/x854/x775/808', 'path'],
    ['/log/tile/0/x018/x446/x744/x073/x709/x551/615', 'path'],
    ['/api/audit?action=%00', 'query.action'],
    ['/api/audit?actor=%00', 'query.actor'],
    ['/api/audit?target=a%00b', 'query.target'],
    ['/api/audit?requestId=%1F', 'query.requestId'],
    ['/api/audit?action=%7F', 'query.action'],
    ['/api/audit?action=%C2%85', 'query.action'],
  ])('GET %s → 400 VALIDATION on %s', async (path, field) => {
    const p = await problem(await admin.get(path))
    expect(p).toMatchObject({ status: 400, code: 'VALIDATION', field })
    expect(p.mediaType).toBe('application/problem+json')
  })

  it('the largest index the database holds is answered, not refused: an empty page', async () => {
    const res = await admin.get(`/log/entries?start=${MAX_INT8}&limit=256`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ entries: [] })
    const tile = await admin.get('/log/tile/0/x009/x223/x372/x036/x854/x775/807')
    expect((await problem(tile)).code).toBe('TILE_NOT_FOUND')
  })

  it('DELETE /api/trust/issuers?iss=%00 → 400 VALIDATION on query.iss', async () => {
    const p = await problem(await admin.delete('/api/trust/issuers?iss=%00'))
    expect(p).toMatchObject({ status: 400, code: 'VALIDATION', field: 'query.iss' })
  })

  it.each(['qr.svg', 'qr.png', 'card.smart-health-card', 'passport'])(
    'a credential id in capitals names the same credential: %s',
    async (what) => {
      const lower = await admin.get(`/api/credentials/${card.id}/${what}`)
      const upper = await admin.get(`/api/credentials/${card.id.toUpperCase()}/${what}`)
      expect(upper.status).toBe(200)
      expect(new Uint8Array(await upper.arrayBuffer())).toEqual(
        new Uint8Array(await lower.arrayBuffer()),
      )
    },
  )

  it('an unknown id in capitals is 404 NOT_FOUND, not a decryption failure', async () => {
    const p = await problem(
      await admin.get('/api/credentials/0B5F1E4C-3A1D-4F43-9A51-7C1F1B2D9E10/qr.svg'),
    )
    expect(p).toMatchObject({ status: 404, code: 'NOT_FOUND', field: 'id' })
  })

  it('the passport link names the canonical (lower-case) id', async () => {
    const res = await admin.get(`/api/credentials/${card.id.toUpperCase()}/passport-link`)
    const link = (await res.json()) as { id: string; url: string }
    expect(link.id).toBe(card.id)
    expect(link.url).toContain(`/passport/${card.id}#`)
  })

  it('revoke, then reissue, accept the id in capitals as the same credential', async () => {
    const other = (await (await admin.post('/api/credentials', immunization())).json()) as {
      id: string
    }
    const up = other.id.toUpperCase()
    expect((await admin.post(`/api/credentials/${up}/revoke`, { reason: 'test' })).status).toBe(200)
    const again = await problem(
      await admin.post(`/api/credentials/${other.id}/revoke`, { reason: 'x' }),
    )
    expect(again.code).toBe('CONFLICT')
  })

  it('an exposure token expires on the hour, never at the redemption millisecond', async () => {
    const clock = t.ctx.clock.now
    t.ctx.clock.now = () => new Date('2026-11-24T12:34:56.789Z')
    try {
      const code = (await (
        await admin.post('/api/exposure/codes', { testType: 'confirmed' })
      ).json()) as { code: string }
      const res = await t.app.request(
        '/api/exposure/verify',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: code.code }),
        },
        { incoming: { socket: { remoteAddress: '192.0.2.9' } } },
      )
      expect(res.status).toBe(200)
      const rows = rowsOf<{ expires_at: Date | string }>(
        await t.ctx.db.execute(sql`select expires_at from exposure_tokens`),
      )
      expect(rows).toHaveLength(1)
      // 24 h after 12:34:56.789, rounded up: never shorter than promised, never more exact.
      expect(new Date(rows[0]?.expires_at as string).toISOString()).toBe('2026-11-25T13:00:00.000Z')
    } finally {
      t.ctx.clock.now = clock
    }
  })
})
