/**
 * The issuer's list: newest first, keyset pages, each row's state (valid, revoked, superseded,
 * erased), the state filters, and rows that share their issue time.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CredentialList } from '../../../src/core/api-types/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, testResult, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('GET /api/credentials on %s', (engine) => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  const ids: string[] = []
  beforeAll(async () => {
    t = await createTestApp(engine)
    issuer = api(t, await tokenFor(t, ['issuer']))
    for (const body of [
      immunization(),
      testResult(),
      immunization(),
      testResult(),
      immunization(),
    ]) {
      const res = await issuer.post('/api/credentials', body)
      expect(res.status).toBe(201)
      ids.push(((await res.json()) as { id: string }).id)
    }
  })
  afterAll(() => t?.close())

  const list = async (query = '') => {
    const res = await issuer.get(`/api/credentials${query}`)
    expect(res.status).toBe(200)
    return (await res.json()) as CredentialList
  }

  it('pages newest first by keyset, with no row twice and none skipped', async () => {
    const seen: string[] = []
    let next: string | null = null
    let pages = 0
    do {
      const page = await list(`?limit=2${next === null ? '' : `&before=${next}`}`)
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((i) => i.id))
      next = page.next
      pages++
    } while (next !== null)
    expect(pages).toBe(3)
    expect(seen).toEqual([...ids].reverse())
  })

  it('says each row’s state and subject; erased rows keep their state but lose the subject', async () => {
    const [a, b, c] = ids as [string, string, string]
    expect(
      (await issuer.post(`/api/credentials/${a}/revoke`, { reason: 'entered in error' })).status,
    ).toBe(200)
    const fixed = await issuer.post(
      `/api/credentials/${b}/reissue`,
      testResult({ region: 'NL-UT' }),
    )
    expect(fixed.status).toBe(201)
    const fixedId = ((await fixed.json()) as { id: string }).id
    expect((await issuer.delete(`/api/credentials/${c}/personal-data`)).status).toBe(204)

    const { items } = await list('?limit=100')
    const byId = new Map(items.map((i) => [i.id, i]))
    expect(byId.get(a)).toMatchObject({
      state: 'revoked',
      erased: false,
      revocationReason: 'entered in error',
    })
    expect(byId.get(b)).toMatchObject({ state: 'superseded', replacedBy: fixedId })
    expect(byId.get(fixedId)).toMatchObject({ state: 'valid', replaces: b, kind: 'test' })
    expect(byId.get(c)).toMatchObject({ state: 'valid', erased: true, subject: null, input: null })
    expect(byId.get(ids[3] as string)?.subject).toEqual({
      givenNames: ['Piet'],
      familyName: 'de Vries',
      birthDate: '1970',
    })
    expect(items[0]?.id).toBe(fixedId)
  })

  it('filters one state newest first, each filter paged by keyset within its own rows', async () => {
    const [a, b, c] = ids as [string, string, string]
    const only = async (state: string) => (await list(`?state=${state}`)).items.map((i) => i.id)
    expect(await only('revoked')).toEqual([a])
    expect(await only('superseded')).toEqual([b])
    expect(await only('erased')).toEqual([c])
    const valid = await list('?state=valid')
    expect(valid.items.every((i) => i.state === 'valid')).toBe(true)
    expect(valid.items.map((i) => i.id)).not.toContain(a)
    expect(valid.items.map((i) => i.id)).toContain(c)
    // Page by page within the filter: the same rows, in the same order.
    const paged: string[] = []
    let next: string | null = null
    do {
      const page: CredentialList = await list(
        `?state=valid&limit=1${next === null ? '' : `&before=${next}`}`,
      )
      paged.push(...page.items.map((i) => i.id))
      next = page.next
    } while (next !== null)
    expect(paged).toEqual(valid.items.map((i) => i.id))
    const bad = await issuer.get('/api/credentials?state=lost')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { field: string }).field).toBe('query.state')
  })

  it('pages through rows issued in one statement (one time to the microsecond)', async () => {
    // A batch's rows share now() of their statement; a cursor rounded to a JS Date's
    // milliseconds skipped the rest of the batch.
    await t.ctx.db.execute(
      sql`update credentials set issued_at = '2026-11-20T10:00:00.123456Z'::timestamptz`,
    )
    const all = (await list('?limit=100')).items.map((i) => i.id)
    expect(all.length).toBeGreaterThan(4)
    const seen: string[] = []
    let next: string | null = null
    do {
      const page: CredentialList = await list(`?limit=2${next === null ? '' : `&before=${next}`}`)
      seen.push(...page.items.map((i) => i.id))
      next = page.next
    } while (next !== null)
    expect(seen).toEqual(all)
  })

  it('refuses a bad limit or cursor, and other roles', async () => {
    expect((await issuer.get('/api/credentials?limit=0')).status).toBe(400)
    expect((await issuer.get('/api/credentials?limit=101')).status).toBe(400)
    expect((await issuer.get('/api/credentials?before=nope')).status).toBe(400)
    const unknown = await issuer.get('/api/credentials?before=00000000-0000-4000-8000-000000000000')
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as { field: string }).field).toBe('before')
    const tracer = api(t, await tokenFor(t, ['tracer']))
    expect((await tracer.get('/api/credentials')).status).toBe(403)
    expect((await api(t).get('/api/credentials')).status).toBe(401)
  })
})
