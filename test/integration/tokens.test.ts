/**
 * API tokens (issue 4) on each engine: the service (create, verify, revoke, expiry, no stored
 * secret), the auth middleware's 401/403 contract (RFC 6750), /api/tokens, and `vigil tokens`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRoute } from '@hono/zod-openapi'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url } from '../../src/core/codec/base64.ts'
import { sha256 } from '../../src/core/codec/bytes.ts'
import { requireRole } from '../../src/http/middleware/auth.ts'
import type { Role, ServiceContext } from '../../src/platform/context/context.ts'
import { apiTokens } from '../../src/platform/db/schema/staff.ts'
import {
  createApiToken,
  expiryAfterDays,
  listApiTokens,
  revokeApiToken,
  verifyApiToken,
} from '../../src/services/staff/tokens.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { runVigil } from '../helpers/cli.ts'
import { createTestDatabase, ENGINES, POSTGRES_SKIP_REASON, seedDataDir } from '../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const TOKEN = /^vgl_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/
const MINUTE = 60_000

const at = (ctx: ServiceContext, ms: number): ServiceContext => {
  const now = ctx.clock.now().getTime() + ms
  return { ...ctx, clock: { now: () => new Date(now) } }
}
const make = (ctx: ServiceContext, roles: Role[], days = 30) =>
  createApiToken(ctx, {
    name: `t-${roles.join('-')}`,
    roles,
    expiresAt: expiryAfterDays(ctx.clock, days),
  })

async function expectProblem(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const body = (await res.json()) as { code: string; field?: string; detail: string }
  expect(body.code).toBe(code)
  if (field !== undefined) expect(body.field).toBe(field)
  return body
}

describe.each(ENGINES)('API tokens on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
    // A route shaped like the guarded ones later issues add.
    t.app.openapi(
      createRoute({
        method: 'get',
        path: '/api/test-issuer',
        middleware: [requireRole('issuer')] as const,
        responses: { 200: { description: 'the actor' } },
      }),
      (c) => c.json({ actor: c.get('ctx').actor }, 200),
    )
  })
  afterAll(() => t?.close())

  const req = (path: string, token?: string, init: RequestInit = {}) =>
    t.app.request(path, {
      ...init,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    })

  it('creates vgl_<id>_<secret> and verifies it to an actor with its roles', async () => {
    const created = await make(t.ctx, ['issuer', 'tracer', 'issuer'])
    const [, id] = TOKEN.exec(created.token) ?? []
    expect(id).toBe(created.id)
    expect(await verifyApiToken(t.ctx, created.token)).toEqual({
      kind: 'token',
      id: created.id,
      name: 't-issuer-tracer-issuer',
      roles: ['issuer', 'tracer'],
    })
  })

  it('stores only SHA-256 of the secret, and lists never carry it', async () => {
    const created = await make(t.ctx, ['auditor'])
    const secret = fromBase64Url(TOKEN.exec(created.token)?.[2] ?? '')
    const [row] = await t.ctx.db.select().from(apiTokens).where(eq(apiTokens.id, created.id))
    expect(row?.secretHash).toEqual(await sha256(secret))
    expect(JSON.stringify(row)).not.toContain(TOKEN.exec(created.token)?.[2])
    const view = (await listApiTokens(t.ctx)).find((v) => v.id === created.id)
    expect(view).toMatchObject({ status: 'active', roles: ['auditor'], lastUsedAt: null })
    expect(Object.keys(view ?? {})).not.toContain('secretHash')
  })

  it('rejects a wrong secret, malformed tokens, revoked and expired tokens', async () => {
    const { id, token } = await make(t.ctx, ['issuer'], 1)
    const flipped = token.slice(0, -5) + (token.at(-5) === 'A' ? 'B' : 'A') + token.slice(-4)
    for (const bad of [flipped, '', 'vgl_', token.slice(1), `${token}A`, token.toUpperCase()])
      expect(await verifyApiToken(t.ctx, bad)).toBeUndefined()
    // Non-canonical base64url: the last of 43 characters carries 2 unused bits.
    expect(await verifyApiToken(t.ctx, `${token.slice(0, -1)}B`)).toBeUndefined()
    expect(await verifyApiToken(at(t.ctx, 86_400_000), token)).toBeUndefined()
    expect(await verifyApiToken(at(t.ctx, 86_399_000), token)).toBeDefined()
    await revokeApiToken(t.ctx, id)
    expect(await verifyApiToken(t.ctx, token)).toBeUndefined()
    expect((await listApiTokens(t.ctx)).find((v) => v.id === id)?.status).toBe('revoked')
  })

  it('records last use at most once a minute', async () => {
    const { id, token } = await make(t.ctx, ['issuer'])
    const lastUsed = async () =>
      (await t.ctx.db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0]?.lastUsedAt
    await verifyApiToken(t.ctx, token)
    const first = await lastUsed()
    expect(first).toEqual(t.ctx.clock.now())
    await verifyApiToken(at(t.ctx, 30_000), token)
    expect(await lastUsed()).toEqual(first)
    await verifyApiToken(at(t.ctx, MINUTE), token)
    expect((await lastUsed())?.getTime()).toBe(t.ctx.clock.now().getTime() + MINUTE)
  })

  it('validates roles and expiry, and revoking an unknown id is NOT_FOUND', async () => {
    const base = { name: 'x', expiresAt: expiryAfterDays(t.ctx.clock, 1) }
    await expect(createApiToken(t.ctx, { ...base, roles: ['wizard'] })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'roles.0',
    })
    await expect(createApiToken(t.ctx, { ...base, roles: [] })).rejects.toMatchObject({
      field: 'roles',
    })
    const past = { ...base, roles: ['issuer' as const], expiresAt: t.ctx.clock.now() }
    await expect(createApiToken(t.ctx, past)).rejects.toMatchObject({ field: 'expiresAt' })
    const far = { ...past, expiresAt: expiryAfterDays(t.ctx.clock, 366) }
    await expect(createApiToken(t.ctx, far)).rejects.toMatchObject({ field: 'expiresAt' })
    const days = { name: 'x', roles: ['issuer' as const] }
    await expect(createApiToken(t.ctx, { ...days, expiresInDays: 366 })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'expiresInDays',
    })
    const made = await createApiToken(t.ctx, { ...days, expiresInDays: 365 })
    expect(made.expiresAt).toBe(expiryAfterDays(t.ctx.clock, 365).toISOString())
    await expect(revokeApiToken(t.ctx, 'aaaaaaaaaaaa')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('guards a route: 401 UNAUTHENTICATED, 401 INVALID_TOKEN, 403 FORBIDDEN, 200', async () => {
    const anonymous = await req('/api/test-issuer')
    await expectProblem(anonymous, 401, 'UNAUTHENTICATED')
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
    for (const bad of ['vgl_nope', `vgl_aaaaaaaaaaaa_${'A'.repeat(43)}`, 'a b']) {
      const res = await req('/api/test-issuer', bad)
      await expectProblem(res, 401, 'INVALID_TOKEN')
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    }
    const tracer = await make(t.ctx, ['tracer'])
    const forbidden = await expectProblem(
      await req('/api/test-issuer', tracer.token),
      403,
      'FORBIDDEN',
    )
    expect(forbidden.detail).toContain('issuer')
    const issuer = await make(t.ctx, ['issuer'])
    const ok = await req('/api/test-issuer', issuer.token)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ actor: { kind: 'token', id: issuer.id } })
  })

  it('a present but invalid token is refused even on a public route; other schemes are ignored', async () => {
    await expectProblem(await req('/healthz', 'vgl_x'), 401, 'INVALID_TOKEN')
    const basic = await t.app.request('/healthz', { headers: { authorization: 'Basic dTpw' } })
    expect(basic.status).toBe(200)
  })

  it('/api/tokens: an admin creates (token once), lists (no secrets) and revokes', async () => {
    const admin = await make(t.ctx, ['admin'])
    const body = JSON.stringify({ name: 'lab A', roles: ['issuer'], expiresInDays: 7 })
    const res = await req('/api/tokens', admin.token, { method: 'POST', body })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const created = (await res.json()) as { id: string; token: string; expiresAt: string }
    expect(created.token).toMatch(TOKEN)
    expect(created.expiresAt).toBe('2026-12-01T12:00:00.000Z')
    expect((await req('/api/test-issuer', created.token)).status).toBe(200)

    const list = await req('/api/tokens', admin.token)
    expect(list.status).toBe(200)
    const text = await list.text()
    expect(text).not.toContain(created.token.slice(17))
    const { tokens } = JSON.parse(text) as { tokens: Record<string, unknown>[] }
    const view = tokens.find((v) => v.id === created.id)
    expect(view).toMatchObject({ name: 'lab A', roles: ['issuer'], status: 'active' })
    expect(view).not.toHaveProperty('token')

    expect((await req(`/api/tokens/${created.id}`, admin.token, { method: 'DELETE' })).status).toBe(
      204,
    )
    expect((await req(`/api/tokens/${created.id}`, admin.token, { method: 'DELETE' })).status).toBe(
      204,
    )
    await expectProblem(await req('/api/test-issuer', created.token), 401, 'INVALID_TOKEN')
    const unknown = await req('/api/tokens/aaaaaaaaaaaa', admin.token, { method: 'DELETE' })
    await expectProblem(unknown, 404, 'NOT_FOUND')
    const badId = await req('/api/tokens/NOPE', admin.token, { method: 'DELETE' })
    await expectProblem(badId, 400, 'VALIDATION', 'param.id')
  })

  it('/api/tokens: 401 anonymous, 403 for a non-admin (before the body is read)', async () => {
    const issuer = await make(t.ctx, ['issuer'])
    await expectProblem(await req('/api/tokens'), 401, 'UNAUTHENTICATED')
    await expectProblem(await req('/api/tokens', issuer.token), 403, 'FORBIDDEN')
    const post = await req('/api/tokens', issuer.token, { method: 'POST', body: '{' })
    await expectProblem(post, 403, 'FORBIDDEN')
    const del = await req(`/api/tokens/${issuer.id}`, issuer.token, { method: 'DELETE' })
    await expectProblem(del, 403, 'FORBIDDEN')
  })

  it('/api/tokens: bad bodies are 400 VALIDATION naming the field', async () => {
    const admin = await make(t.ctx, ['admin'])
    const post = (body: unknown) =>
      req('/api/tokens', admin.token, { method: 'POST', body: JSON.stringify(body) })
    const cases: [unknown, string][] = [
      [{ roles: ['issuer'] }, 'body.name'],
      [{ name: ' ', roles: ['issuer'] }, 'body.name'],
      [{ name: 'x', roles: ['wizard'] }, 'body.roles.0'],
      [{ name: 'x', roles: [] }, 'body.roles'],
      [{ name: 'x', roles: ['issuer'], expiresInDays: 0 }, 'body.expiresInDays'],
      [{ name: 'x', roles: ['issuer'], expiresInDays: 366 }, 'body.expiresInDays'],
    ]
    for (const [body, field] of cases)
      await expectProblem(await post(body), 400, 'VALIDATION', field)
  })

  it('documents bearer auth in /openapi.json', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, unknown> }
      paths: Record<string, Record<string, { security?: unknown }>>
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    })
    expect(doc.paths['/api/tokens']?.post?.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/api/tokens/{id}']?.delete).toBeDefined()
  })
})

describe.each(ENGINES)('vigil tokens on %s', (engine) => {
  const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-tokens-')))
  let env: Record<string, string>
  let drop = async () => {}
  beforeAll(async () => {
    let url = ''
    if (engine === 'postgres') {
      const database = await createTestDatabase('postgres')
      await database.close()
      url = database.url ?? ''
      drop = () => database.drop()
    }
    env = { VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'error', DATABASE_URL: url }
  })
  afterAll(async () => {
    await drop()
    rmSync(dir, { recursive: true, force: true })
  })

  // In process (test/helpers/cli.ts): this is about the command, not about a process.
  const vigil = async (...args: string[]) => {
    const { status, stdout, stderr } = await runVigil(['tokens', ...args], env)
    return { code: status, stdout, stderr }
  }

  it('creates (token alone on stdout), lists, revokes; a bad role exits 2', {
    timeout: 120_000,
  }, async () => {
    const created = await vigil('create', '--name', 'first admin', '--role', 'admin', '--days', '7')
    expect(created.code).toBe(0)
    const token = created.stdout.trim()
    expect(token).toMatch(TOKEN)
    expect(created.stderr).toMatch(/shown only once/)
    const id = TOKEN.exec(token)?.[1] as string

    const list = await vigil('list', '--json')
    expect(list.code).toBe(0)
    expect(list.stdout).not.toContain(token.slice(17))
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id, name: 'first admin', roles: ['admin'], status: 'active' }),
    ])

    expect((await vigil('revoke', id)).code).toBe(0)
    expect((await vigil('list')).stdout).toMatch(new RegExp(`^${id}\\s+revoked`))
    expect((await vigil('revoke', 'aaaaaaaaaaaa')).code).toBe(1)

    const bad = await vigil('create', '--name', 'x', '--role', 'wizard')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown role "wizard"')
    expect((await vigil('create', '--name', 'x', '--role', 'issuer', '--days', '0')).code).toBe(2)
    expect((await vigil('create', '--help')).stdout).toContain('--role ROLE')
  })
})
