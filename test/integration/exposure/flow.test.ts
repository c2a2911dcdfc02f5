/**
 * The device flow end to end over HTTP, on each engine: a tracer's code → token → certificate →
 * publish; then each abuse case fails with its own code, a guessing run is cut off, chaff is
 * answered alike and stored nowhere, and no table holds an address, a user agent or an exact time.
 */
import { type SQL, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import { dayStart, intervalNumber, tekmac } from '../../../src/core/gaen/index.ts'
import { COMMAND_LINE } from '../../../src/platform/context/index.ts'
import { rowsOf } from '../../../src/platform/db/client.ts'
import { issueCode } from '../../../src/services/exposure/index.ts'
import { createApiToken } from '../../../src/services/staff/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const NOW = new Date('2026-11-24T12:00:00Z').getTime()
const today = dayStart(intervalNumber(NOW / 1000))

describe.each(ENGINES)('exposure device flow on %s', (engine) => {
  let t: TestApp
  let tracer = ''
  let seq = 1
  /** `x-forwarded-for` in these calls names the test client: it becomes the socket address. */
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const address = headers['x-forwarded-for'] ?? '192.0.2.1'
    const { 'x-forwarded-for': _, ...rest } = headers
    return t.app.request(
      path,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...rest },
        body: JSON.stringify(body),
      },
      { incoming: { socket: { remoteAddress: address } } },
    )
  }
  const q = async (query: SQL) => rowsOf<Record<string, unknown>>(await t.ctx.db.execute(query))
  const json = async (r: Response) => (await r.json()) as Record<string, unknown>
  const keysFor = (days: number, start = today - days * 144) =>
    Array.from({ length: days }, (_, i) => ({
      key: toBase64(new Uint8Array(16).fill(seq++ & 0xff).map((b, j) => (b + j * 7 + seq) & 0xff)),
      rollingStartNumber: start + i * 144,
      rollingPeriod: 144,
      transmissionRisk: 0,
    }))

  async function issue(testType = 'confirmed') {
    const r = await post(
      '/api/exposure/codes',
      { testType, symptomDate: '2026-11-20' },
      {
        authorization: `Bearer ${tracer}`,
      },
    )
    expect(r.status).toBe(201)
    return (await r.json()) as { id: string; code: string; longCode: string }
  }
  async function certify(keys: ReturnType<typeof keysFor>, hmacKey: Uint8Array, code?: string) {
    const c = code ?? (await issue()).code
    const v = await json(
      await post('/api/exposure/verify', { code: c }, { 'x-forwarded-for': String(seq++) }),
    )
    const cert = await json(
      await post('/api/exposure/certificate', { token: v.token, ekeyhmac: tekmac(hmacKey, keys) }),
    )
    return cert.certificate as string
  }
  const publishBody = (keys: ReturnType<typeof keysFor>, cert: string, hmacKey: Uint8Array) => ({
    temporaryExposureKeys: keys,
    healthAuthorityID: 'vigil',
    verificationPayload: cert,
    hmacKey: toBase64(hmacKey),
    padding: 'AAAA',
  })

  beforeAll(async () => {
    t = await createTestApp(engine)
    tracer = await tokenFor(t, ['tracer'])
  })
  afterAll(() => t.close())

  it('code → token → certificate → publish; the tracer sees "used"', async () => {
    const { id, code } = await issue()
    const hmacKey = t.ctx.random(32)
    const keys = keysFor(10)
    const cert = await certify(keys, hmacKey, code)
    const r = await post('/api/exposure/publish', publishBody(keys, cert, hmacKey))
    expect(r.status).toBe(200)
    const body = await json(r)
    expect(body.insertedExposures).toBe(10)
    expect(typeof body.revisionToken).toBe('string')
    expect((body.padding as string).length).toBeGreaterThan(1000)
    const s = await t.app.request(`/api/exposure/codes/${id}`, {
      headers: { authorization: `Bearer ${tracer}` },
    })
    expect((await json(s)).status).toBe('used')
  })

  it("today's still-valid key is held back until after it expires", async () => {
    const hmacKey = t.ctx.random(32)
    const keys = keysFor(1, today)
    const cert = await certify(keys, hmacKey)
    const r = await post('/api/exposure/publish', publishBody(keys, cert, hmacKey))
    expect((await json(r)).insertedExposures).toBe(1)
    const rows = (await q(
      sql`select available_hour from exposure_keys where rolling_start = ${today}`,
    )) as { available_hour: Date }[]
    expect(new Date(rows[0]?.available_hour as Date).getTime()).toBe(
      (today + 144) * 600_000 + 3_600_000,
    )
  })

  it('the same key twice in one publish is stored once (keys go in as one insert)', async () => {
    const hmacKey = t.ctx.random(32)
    const [one] = keysFor(1)
    if (one === undefined) throw new Error('no key')
    const keys = [one, { ...one, rollingPeriod: 100 }, ...keysFor(2, today - 5 * 144)]
    const cert = await certify(keys, hmacKey)
    const r = await post('/api/exposure/publish', publishBody(keys, cert, hmacKey))
    expect(r.status).toBe(200)
    expect((await json(r)).insertedExposures).toBe(3)
    const rows = (await q(
      sql`select count(*)::int as n from exposure_keys where encode(key_data, 'base64') = ${one.key}`,
    )) as { n: number }[]
    expect(rows[0]?.n).toBe(1)
  })

  it('abuse: each case fails with its own code', async () => {
    const { code, longCode, id } = await issue()
    await post('/api/exposure/verify', { code }, { 'x-forwarded-for': 'a1' })
    const reused = await post(
      '/api/exposure/verify',
      { code: longCode },
      { 'x-forwarded-for': 'a2' },
    )
    expect((await json(reused)).code).toBe('CODE_USED')

    const late = await issue()
    t.ctx.clock.now = () => new Date(NOW + 16 * 60_000)
    const expired = await post(
      '/api/exposure/verify',
      { code: late.code },
      { 'x-forwarded-for': 'a3' },
    )
    expect((await json(expired)).code).toBe('CODE_EXPIRED')
    // The long code of the same result still works for 24 hours.
    expect(
      (await post('/api/exposure/verify', { code: late.longCode }, { 'x-forwarded-for': 'a4' }))
        .status,
    ).toBe(200)
    t.ctx.clock.now = () => new Date(NOW)

    const revoked = await issue()
    await t.app.request(`/api/exposure/codes/${revoked.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tracer}` },
    })
    expect(
      (
        await json(
          await post('/api/exposure/verify', { code: revoked.code }, { 'x-forwarded-for': 'a5' }),
        )
      ).code,
    ).toBe('CODE_REVOKED')
    expect(id).toBeTruthy()

    const hmacKey = t.ctx.random(32)
    const keys = keysFor(3)
    const cert = await certify(keys, hmacKey)
    const wrong = await post('/api/exposure/publish', publishBody(keys, cert, t.ctx.random(32)))
    expect((await json(wrong)).code).toBe('HMAC_MISMATCH')

    const [h, p] = cert.split('.')
    const forged = `${h}.${p}.${toBase64(t.ctx.random(64)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
    expect(
      (await json(await post('/api/exposure/publish', publishBody(keys, forged, hmacKey)))).code,
    ).toBe('CERTIFICATE_INVALID')

    const many = keysFor(31, today - 40 * 144)
    expect(
      (await json(await post('/api/exposure/publish', publishBody(many, cert, hmacKey)))).code,
    ).toBe('TOO_MANY_KEYS')

    const future = keysFor(2, today + 144)
    const fcert = await certify(future, hmacKey)
    expect(
      (await json(await post('/api/exposure/publish', publishBody(future, fcert, hmacKey)))).code,
    ).toBe('KEY_IN_FUTURE')

    const old = keysFor(2, today - 20 * 144)
    const ocert = await certify(old, hmacKey)
    expect(
      (await json(await post('/api/exposure/publish', publishBody(old, ocert, hmacKey)))).code,
    ).toBe('KEY_TOO_OLD')

    const overlap = [...keysFor(1, today - 3 * 144), ...keysFor(1, today - 3 * 144 + 10)]
    const vcert = await certify(overlap, hmacKey)
    expect(
      (await json(await post('/api/exposure/publish', publishBody(overlap, vcert, hmacKey)))).code,
    ).toBe('KEYS_OVERLAP')

    const token = await json(
      await post(
        '/api/exposure/verify',
        { code: (await issue()).code },
        { 'x-forwarded-for': 'a6' },
      ),
    )
    await post('/api/exposure/certificate', { token: token.token, ekeyhmac: tekmac(hmacKey, keys) })
    const again = await post('/api/exposure/certificate', {
      token: token.token,
      ekeyhmac: tekmac(hmacKey, keys),
    })
    expect((await json(again)).code).toBe('TOKEN_USED')
  })

  it('a code names who issued it, in its row and the audit trail; without an actor none is issued', async () => {
    const made = await createApiToken(t.ctx, {
      name: 'tracer who issues',
      roles: ['tracer'],
      expiresAt: new Date(NOW + 86_400_000),
    })
    const r = await post(
      '/api/exposure/codes',
      { testType: 'likely' },
      { authorization: `Bearer ${made.token}` },
    )
    expect(r.status).toBe(201)
    const byHttp = String((await json(r)).id)
    // `vigil demo` issues codes as the command line.
    const byCli = (await issueCode({ ...t.ctx, actor: COMMAND_LINE }, { testType: 'confirmed' })).id
    const who = async (id: string) => ({
      code: (await q(sql`select issued_by from exposure_codes where id = ${id}`))[0]?.issued_by,
      audit: await q(
        sql`select actor_kind, actor_id, role from audit_events where action = 'exposure-code.issue' and target_id = ${id}`,
      ),
    })
    expect(await who(byHttp)).toEqual({
      code: made.id,
      audit: [{ actor_kind: 'token', actor_id: made.id, role: 'tracer' }],
    })
    expect(await who(byCli)).toEqual({
      code: 'cli',
      audit: [{ actor_kind: 'system', actor_id: 'cli', role: null }],
    })
    const codes = async () => (await q(sql`select id from exposure_codes`)).length
    const before = await codes()
    await expect(
      issueCode({ ...t.ctx, actor: undefined }, { testType: 'confirmed' }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(await codes()).toBe(before)
  })

  it('a guessing run against codes is cut off', async () => {
    const codes: string[] = []
    for (let i = 0; i < 15; i++) {
      const r = await post(
        '/api/exposure/verify',
        { code: String(10_000_000 + i) },
        { 'x-forwarded-for': 'guesser' },
      )
      codes.push(String((await json(r)).code))
      if (r.status === 429) expect(r.headers.get('retry-after')).toMatch(/^\d+$/)
    }
    expect(codes.slice(0, 10).every((c) => c === 'CODE_NOT_FOUND')).toBe(true)
    expect(codes.slice(10).every((c) => c === 'CODE_GUESSING_LOCKED')).toBe(true)
  })

  it('chaff is answered alike and stored nowhere', async () => {
    const count = async () =>
      Number(
        ((await q(sql`select count(*)::int as n from exposure_keys`)) as { n: number }[])[0]?.n,
      )
    const before = await count()
    const keys = keysFor(7)
    const r = await post('/api/exposure/publish', publishBody(keys, 'x.y.z', t.ctx.random(32)), {
      'x-chaff': '1',
    })
    expect(r.status).toBe(200)
    const body = await json(r)
    expect(Object.keys(body).sort()).toEqual(['insertedExposures', 'padding', 'revisionToken'])
    expect(body.insertedExposures).toBe(7)
    expect(await count()).toBe(before)
  })

  it('privacy: no table holds an address, a user agent or an exact upload time', async () => {
    const cols = (await q(
      sql`select table_name, column_name, data_type from information_schema.columns where table_name like 'exposure%'`,
    )) as { table_name: string; column_name: string; data_type: string }[]
    const words = new Set(cols.flatMap((c) => String(c.column_name).split('_')))
    for (const w of ['ip', 'addr', 'address', 'agent', 'ua', 'device', 'phone', 'user', 'account'])
      expect(words.has(w)).toBe(false)
    expect(cols.length).toBeGreaterThan(20)
    const rows = (await q(sql`select available_hour from exposure_keys`)) as {
      available_hour: Date
    }[]
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(new Date(r.available_hour).getTime() % 3_600_000).toBe(0)
    const used = (await q(
      sql`select used_hour from exposure_codes where used_hour is not null`,
    )) as { used_hour: Date }[]
    for (const r of used) expect(new Date(r.used_hour).getTime() % 3_600_000).toBe(0)
    const dump = JSON.stringify(await q(sql`select * from rate_limit_hits`))
    expect(dump).not.toContain('guesser')
  })
})
