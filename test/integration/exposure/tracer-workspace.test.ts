/**
 * The tracer workspace's routes on each engine: the deployment's codes for every tracer (newest
 * first, keyset pages that neither skip nor repeat when issue times tie), each status as the
 * device flow and revocation leave it, the places a code may name and the refusal of one that is
 * not loaded (at the field), and the hand-over link with its QR.
 */
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CodeHandover, CodePage, CodePlace } from '../../../src/core/api-types/index.ts'
import { loadRegions } from '../../../src/services/surveillance/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')

describe.each(ENGINES)('tracer workspace on %s', (engine) => {
  let t: TestApp
  let one: ReturnType<typeof api>
  let two: ReturnType<typeof api>

  beforeAll(async () => {
    t = await createTestApp(engine)
    one = api(t, await tokenFor(t, ['tracer']))
    two = api(t, await tokenFor(t, ['tracer']))
  })
  afterAll(() => t.close())

  const issue = async (who: ReturnType<typeof api>, body: Record<string, unknown> = {}) => {
    const r = await who.post('/api/exposure/codes', {
      testType: 'confirmed',
      symptomDate: '2026-11-20',
      ...body,
    })
    expect(r.status).toBe(201)
    return (await r.json()) as { id: string; code: string; longCode: string }
  }

  it('places: none before a hierarchy is loaded, then its regions and districts', async () => {
    const before = await one.get('/api/exposure/regions')
    expect(before.status).toBe(200)
    expect(((await before.json()) as { places: CodePlace[] }).places).toEqual([])
    // Before places are loaded, any well-formed region is taken as given.
    await issue(one, { region: 'XV-Q9' })
    await loadRegions(t.ctx, REGIONS)
    const { places } = (await (await one.get('/api/exposure/regions')).json()) as {
      places: CodePlace[]
    }
    expect(places.map((p) => p.code)).toContain('XV-N')
    expect(places.map((p) => p.code)).toContain('XV-N01')
    expect(places.find((p) => p.code === 'XV-N01')).toEqual({
      code: 'XV-N01',
      name: 'Harbourside',
      level: 'district',
      parent: 'XV-N',
    })
    expect(places.some((p) => p.level === 'country')).toBe(false)
  })

  it('a region that is not a loaded place is refused at the field', async () => {
    const r = await one.post('/api/exposure/codes', {
      testType: 'confirmed',
      testDate: '2026-11-20',
      region: 'XV-Q9',
    })
    expect(r.status).toBe(400)
    expect(await r.json()).toMatchObject({ code: 'VALIDATION', field: 'region' })
  })

  it("every tracer sees the deployment's codes with their status, newest first", async () => {
    const a = await issue(one, { region: 'XV-N01' })
    const b = await issue(two, { testType: 'likely', testDate: '2026-11-21' })
    const c = await issue(two)
    // b is redeemed by a device, c revoked, a (issued by the other tracer) stays unused.
    const redeemed = await api(t).post('/api/exposure/verify', { code: b.longCode })
    expect(redeemed.status).toBe(200)
    expect((await two.post(`/api/exposure/codes/${c.id}/revoke`, {})).status).toBe(200)

    const page = (await (await one.get('/api/exposure/codes')).json()) as CodePage
    const byId = new Map(page.codes.map((x) => [x.id, x]))
    expect(byId.get(a.id)).toMatchObject({ status: 'unused', region: 'XV-N01', mine: true })
    expect(byId.get(b.id)).toMatchObject({ status: 'used', testType: 'likely', mine: false })
    expect(byId.get(c.id)).toMatchObject({ status: 'revoked', mine: false })
    // The second tracer reads the same list, with `mine` from its own side.
    const seen = (await (await two.get('/api/exposure/codes')).json()) as CodePage
    expect(seen.codes.map((x) => x.id)).toEqual(page.codes.map((x) => x.id))
    expect(seen.codes.find((x) => x.id === b.id)?.mine).toBe(true)

    // An expired long code reads as expired.
    await t.ctx.db.execute(
      sql`update exposure_codes set long_expires_at = now() - interval '400 days' where id = ${a.id}`,
    )
    const after = (await (await two.get('/api/exposure/codes')).json()) as CodePage
    expect(after.codes.find((x) => x.id === a.id)?.status).toBe('expired')
    // Never a code, never a hash.
    expect(JSON.stringify(after)).not.toContain(a.code)
    expect(JSON.stringify(after)).not.toMatch(/hash/i)
  })

  it('pages by keyset: newest first, no row skipped or repeated when issue times tie', async () => {
    await t.ctx.db.execute(
      sql`update exposure_codes set created_at = created_at - interval '1 hour' where test_type = 'likely'`,
    )
    for (let i = 0; i < 5; i++) await issue(one)
    const all = ((await (await one.get('/api/exposure/codes?limit=200')).json()) as CodePage).codes
    const times = all.map((x) => Date.parse(x.issuedAt))
    expect(times).toEqual([...times].sort((x, y) => y - x))
    expect(all.at(-1)?.testType).toBe('likely')
    const walked: string[] = []
    let before: string | null = null
    do {
      const q: string = before === null ? '' : `&before=${encodeURIComponent(before)}`
      const r = await one.get(`/api/exposure/codes?limit=3${q}`)
      expect(r.status).toBe(200)
      const p = (await r.json()) as CodePage
      expect(p.codes.length).toBeLessThanOrEqual(3)
      walked.push(...p.codes.map((x) => x.id))
      before = p.next
    } while (before !== null)
    expect(walked).toEqual(all.map((x) => x.id))
    expect(new Set(walked).size).toBe(walked.length)
  })

  it('a malformed cursor or limit is refused at its field', async () => {
    const bad = await one.get('/api/exposure/codes?before=nope')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION', field: 'before' })
    const big = await one.get('/api/exposure/codes?limit=5000')
    expect(big.status).toBe(400)
    expect(await big.json()).toMatchObject({ code: 'VALIDATION' })
  })

  it('a quoted code (either one, spaces and case aside) finds its status; an unknown one 404s', async () => {
    const { id, code, longCode } = await issue(two)
    for (const quoted of [code, `${code.slice(0, 4)} ${code.slice(4)}`, longCode.toUpperCase()]) {
      const r = await one.post('/api/exposure/codes/lookup', { code: quoted })
      expect(r.status).toBe(200)
      expect(await r.json()).toMatchObject({ id, status: 'unused', mine: false })
    }
    const none = await one.post('/api/exposure/codes/lookup', { code: '00000000' })
    expect(none.status).toBe(404)
    expect(await none.json()).toMatchObject({ code: 'NOT_FOUND', field: 'code' })
  })

  it('the hand-over link carries the code in its fragment; the QR is an SVG', async () => {
    const { longCode } = await issue(one)
    const r = await one.post('/api/exposure/codes/handover', { code: longCode.toUpperCase() })
    expect(r.status).toBe(200)
    expect(r.headers.get('cache-control')).toBe('no-store')
    const out = (await r.json()) as CodeHandover
    expect(out.link).toBe(`http://localhost:8787/report.html#code=${longCode}`)
    expect(out.svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    const refused = await one.post('/api/exposure/codes/handover', { code: 'not a code' })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ code: 'VALIDATION', field: 'code' })
  })
})
