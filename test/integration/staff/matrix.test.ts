/**
 * The authorisation matrix, on each engine: every route the app serves (read from the app's own
 * route table, so a route added without a row here fails) × anonymous, a person holding each
 * role, an API token with each role, an expired session and a revoked token → 401, 403 or
 * through the guard. Sessions are fresh for each request, so routes such as sign-out cannot
 * spoil the next row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../../../src/platform/context/context.ts'
import { users } from '../../../src/platform/db/schema/people.ts'
import {
  createSession,
  revokeApiToken,
  SESSION_ABSOLUTE_MS,
} from '../../../src/services/staff/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { call } from './helpers.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

type Rule = 'public' | { roles: readonly Role[]; staffOnly?: true }

const ISSUER = { roles: ['issuer'] } as const
const ADMIN = { roles: ['admin'] } as const
const AUDIT = { roles: ['admin', 'auditor'] } as const
const TRACER = { roles: ['tracer'] } as const
const SELF = { roles: ROLES, staffOnly: true } as const
const EPIDEMIOLOGIST = { roles: ['epidemiologist'] } as const

/** Every route of the app: `METHOD path` (Hono's pattern) → who may pass its guard. */
const MATRIX: Record<string, Rule> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /api/keys': 'public',
  'GET /log/checkpoint': 'public',
  'GET /log/key': 'public',
  'GET /log/published': 'public',
  'GET /log/shards': 'public',
  'GET /log/:shard{[1-9][0-9]{0,4}}/*': 'public',
  'GET /log/tile/*': 'public',
  'GET /log/proof/inclusion': 'public',
  'GET /log/proof/consistency': 'public',
  'GET /log/receipt': 'public',
  'GET /log/lookup/:prefix': 'public',
  'GET /log/checkpoints': 'public',
  'GET /log/entries': 'public',
  'GET /log/witnesses': 'public',
  'GET /.well-known/jwks.json': 'public',
  'GET /.well-known/crl/:file': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'POST /api/tokens': ADMIN,
  'GET /api/tokens': ADMIN,
  'DELETE /api/tokens/:id': ADMIN,
  'POST /api/credentials': ISSUER,
  // issuer workspace
  'GET /api/credentials': ISSUER,
  'POST /api/credentials/search': ISSUER,
  'POST /api/credentials/batch': ISSUER,
  'GET /api/credentials/:id': ISSUER,
  'GET /api/credentials/:id/qr.svg': ISSUER,
  'GET /api/credentials/:id/qr.png': ISSUER,
  'GET /api/credentials/:id/card.smart-health-card': ISSUER,
  'GET /api/credentials/:id/passport': ISSUER,
  'POST /api/credentials/:id/revoke': ISSUER,
  'POST /api/credentials/:id/reissue': ISSUER,
  'DELETE /api/credentials/:id/personal-data': ISSUER,
  'GET /api/credentials/:id/passport-link': ISSUER,
  'GET /api/passport/:id': 'public',
  // SMART Health Links: receivers hold the link; the holder holds the passport key (no role)
  'POST /shl/:manifestId': 'public',
  'GET /shl/:manifestId': 'public',
  'GET /shl/file/:token': 'public',
  'GET /api/passport/:id/records': 'public',
  'GET /api/passport/:id/links': 'public',
  'POST /api/passport/:id/links': 'public',
  'PATCH /api/passport/:id/links/:linkId': 'public',
  'GET /api/credentials/:id/links': ISSUER,
  'POST /api/credentials/:id/links': ISSUER,
  'PATCH /api/credentials/:id/links/:linkId': ISSUER,
  'GET /trust/material': 'public',
  'GET /release/feed.json': 'public',
  'GET /release/:file': 'public',
  'GET /api/trust/issuers': ADMIN,
  'PUT /api/trust/issuers': ADMIN,
  'DELETE /api/trust/issuers': ADMIN,
  'GET /api/trust/rules': ADMIN,
  'POST /api/trust/rules': ADMIN,
  'GET /api/trust/directory': ADMIN,
  'PUT /api/trust/directory': ADMIN,
  'GET /trust/dcc': 'public',
  'GET /api/trust/dcc/lists': ADMIN,
  'PUT /api/trust/dcc/lists/:name': ADMIN,
  'PUT /api/trust/dcc/revocations/:name': ADMIN,
  'GET /verify': 'public',
  'GET /passport/:id': 'public',
  'GET /dashboard': 'public',
  'GET /stats': 'public',
  'POST /api/staff/enrol/options': 'public',
  'POST /api/staff/enrol': 'public',
  'POST /api/staff/sign-in/options': 'public',
  'POST /api/staff/sign-in': 'public',
  'POST /api/staff/sign-out': SELF,
  'POST /api/staff/sign-out-everywhere': SELF,
  'GET /api/staff/session': 'public',
  'GET /api/staff/me': SELF,
  'POST /api/staff/me/passkeys/options': SELF,
  'POST /api/staff/me/passkeys': SELF,
  'PATCH /api/staff/me/passkeys/:id': SELF,
  'DELETE /api/staff/me/passkeys/:id': SELF,
  'GET /api/staff/people': ADMIN,
  'GET /api/staff/people/:id': ADMIN,
  'PATCH /api/staff/people/:id': ADMIN,
  'DELETE /api/staff/people/:id/sessions': ADMIN,
  'POST /api/staff/invitations': ADMIN,
  'GET /api/staff/invitations': ADMIN,
  'DELETE /api/staff/invitations/:id': ADMIN,
  'GET /api/audit': AUDIT,
  'GET /api/audit/digests': AUDIT,
  'POST /api/exposure/codes': TRACER,
  'POST /api/exposure/codes/batch': TRACER,
  'GET /api/exposure/codes/:id': TRACER,
  'POST /api/exposure/codes/:id/revoke': TRACER,
  // tracer workspace
  'GET /api/exposure/codes': TRACER,
  'GET /api/exposure/regions': TRACER,
  'POST /api/exposure/codes/handover': TRACER,
  'POST /api/exposure/codes/lookup': TRACER,
  'POST /api/exposure/verify': 'public',
  'POST /api/exposure/certificate': 'public',
  'POST /api/exposure/publish': 'public',
  'GET /exposure/index.txt': 'public',
  'GET /exposure/export-key.pem': 'public',
  'GET /exposure/export-key.jwk': 'public',
  'GET /exposure/:file': 'public',
  'GET /api/surveillance/series': EPIDEMIOLOGIST,
  'GET /api/surveillance/signals': EPIDEMIOLOGIST,
  'GET /api/surveillance/regions': EPIDEMIOLOGIST,
  'PUT /api/surveillance/regions': ADMIN,
  'GET /api/surveillance/boundaries': EPIDEMIOLOGIST,
  'PUT /api/surveillance/boundaries': ADMIN,
  'GET /api/surveillance/map': EPIDEMIOLOGIST,
  'GET /api/surveillance/epicurve': EPIDEMIOLOGIST,
  'GET /api/surveillance/years': EPIDEMIOLOGIST,
  'POST /api/surveillance/view': EPIDEMIOLOGIST,
  'POST /api/surveillance/view/cost': EPIDEMIOLOGIST,
  // signal alerts: review, thresholds, known outbreaks
  'POST /api/surveillance/alerts/scan': EPIDEMIOLOGIST,
  'GET /api/surveillance/alerts': EPIDEMIOLOGIST,
  'POST /api/surveillance/alerts/:id/review': EPIDEMIOLOGIST,
  'GET /api/surveillance/alert-thresholds': EPIDEMIOLOGIST,
  'PUT /api/surveillance/alert-thresholds': EPIDEMIOLOGIST,
  'DELETE /api/surveillance/alert-thresholds/:region/:measure': EPIDEMIOLOGIST,
  'GET /api/surveillance/exclusions': EPIDEMIOLOGIST,
  'POST /api/surveillance/exclusions': EPIDEMIOLOGIST,
  'DELETE /api/surveillance/exclusions/:id': EPIDEMIOLOGIST,
  'GET /api/public/stats': 'public',
  'GET /api/public/data': 'public',
  'GET /api/public/data/:file': 'public',
  // Administrator workspace: a person's sessions, re-enrolment links, the audit trail as CSV
  'GET /api/staff/people/:id/sessions': ADMIN,
  'DELETE /api/staff/people/:id/sessions/:sessionId': ADMIN,
  'POST /api/staff/people/:id/reenrol': ADMIN,
  'GET /api/audit.csv': AUDIT,
}

/** The app's resources as `METHOD path` ('ALL' entries are middleware, not routes). */
function routesOf(app: { routes: readonly { method: string; path: string }[] }): string[] {
  return [
    ...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`)),
  ]
}

/** A concrete path for a pattern: parameters and wildcards get well-formed placeholder values. */
const concrete = (path: string) =>
  path
    .replace(/:id\b/, 'aaaaaaaaaaaa')
    .replace(/:[a-z]+/gi, 'x')
    .replace('*', '0/000')

type Actor =
  | { kind: 'anonymous' }
  | { kind: 'session'; roles: readonly Role[]; expired?: true }
  | { kind: 'token'; roles: readonly Role[]; revoked?: true }

const label = (a: Actor) =>
  a.kind === 'anonymous'
    ? 'anonymous'
    : a.kind === 'session'
      ? a.expired
        ? 'expired session'
        : `session ${a.roles.join('+')}`
      : a.revoked
        ? 'revoked token'
        : `token ${a.roles.join('+')}`

/** 401, 403, or 'pass' (the guard let it through: any status but 401/403, never 5xx). */
function expected(rule: Rule, actor: Actor): 401 | 403 | 'pass' {
  if (actor.kind === 'token' && actor.revoked) return 401
  if (rule === 'public') return 'pass'
  if (actor.kind === 'anonymous' || (actor.kind === 'session' && actor.expired)) return 401
  if (!actor.roles.some((r) => rule.roles.includes(r))) return 403
  if (rule.staffOnly && actor.kind === 'token') return 403
  return 'pass'
}

describe.each(ENGINES)('authorisation matrix on %s', (engine) => {
  let t: TestApp
  const people = new Map<string, string>()
  const tokens = new Map<string, string>()
  let revoked = ''
  const actors: Actor[] = [
    { kind: 'anonymous' },
    ...ROLES.map((r): Actor => ({ kind: 'session', roles: [r] })),
    ...ROLES.map((r): Actor => ({ kind: 'token', roles: [r] })),
    { kind: 'session', roles: ROLES, expired: true },
    { kind: 'token', roles: ROLES, revoked: true },
  ]

  beforeAll(async () => {
    t = await createTestApp(engine)
    for (const role of [...ROLES, 'all']) {
      const id = `person${role.slice(0, 6).padEnd(6, 'x')}`.replace(/[^a-z]/g, 'x').slice(0, 12)
      const roles = role === 'all' ? [...ROLES] : [role]
      await t.ctx.db
        .insert(users)
        .values({ id, name: `p ${role}`, roles, userHandle: t.ctx.random(32) })
      people.set(role, id)
    }
    for (const role of ROLES) tokens.set(role, await tokenFor(t, [role]))
    revoked = await tokenFor(t, [...ROLES])
    await revokeApiToken(t.ctx, revoked.slice(4, 16))
  })
  afterAll(() => t?.close())

  async function credentialsFor(actor: Actor): Promise<{ cookie?: string; token?: string }> {
    if (actor.kind === 'anonymous') return {}
    if (actor.kind === 'token')
      return { token: actor.revoked ? revoked : tokens.get(actor.roles[0] as string) }
    const userId = people.get(actor.expired ? 'all' : (actor.roles[0] as string)) as string
    const past = t.ctx.clock.now().getTime() - SESSION_ABSOLUTE_MS - 1000
    const ctx = actor.expired ? { ...t.ctx, clock: { now: () => new Date(past) } } : t.ctx
    const { token } = await createSession(ctx, { userId, passkeyId: null })
    return { cookie: `vigil_session=${token}` }
  }

  it('GET /api/staff/session answers 200 to anyone: signed in with a passkey session, or not', async () => {
    const anonymous = await call(t, 'GET', '/api/staff/session')
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toEqual({ signedIn: false })
    const byToken = await call(t, 'GET', '/api/staff/session', undefined, {
      token: tokens.get('admin') as string,
    })
    expect(await byToken.json()).toEqual({ signedIn: false })
    const bySession = await call(
      t,
      'GET',
      '/api/staff/session',
      undefined,
      await credentialsFor({ kind: 'session', roles: ['tracer'] }),
    )
    expect(await bySession.json()).toEqual({ signedIn: true, name: 'p tracer', roles: ['tracer'] })
  })

  it('every route of the app has a row, and every row a route', () => {
    const routes = routesOf(t.app)
    expect(routes.filter((r) => !(r in MATRIX))).toEqual([])
    expect(Object.keys(MATRIX).filter((r) => !routes.includes(r))).toEqual([])
  })

  it('every route × anonymous, each role (session and token), expired session, revoked token', {
    timeout: 120_000,
  }, async () => {
    const failures: string[] = []
    let checked = 0
    for (const route of routesOf(t.app)) {
      const rule = MATRIX[route]
      if (rule === undefined) continue
      const [method, path] = route.split(' ') as [string, string]
      const guardedActors =
        rule === 'public'
          ? actors.filter((a) => a.kind !== 'session' || a.expired || a.roles[0] === 'admin')
          : actors
      for (const actor of guardedActors) {
        const res = await call(t, method, concrete(path), undefined, await credentialsFor(actor))
        const want = expected(rule, actor)
        const ok =
          want === 'pass'
            ? res.status !== 401 && res.status !== 403 && res.status < 500
            : res.status === want
        if (!ok) failures.push(`${route} as ${label(actor)}: ${res.status}, expected ${want}`)
        await res.body?.cancel()
        checked++
      }
    }
    expect(failures).toEqual([])
    expect(checked).toBeGreaterThan(400)
  })

  it('a route added without a row is caught', () => {
    const grown = { routes: [...t.app.routes, { method: 'GET', path: '/api/unlisted' }] }
    expect(routesOf(grown).filter((r) => !(r in MATRIX))).toEqual(['GET /api/unlisted'])
  })
})
