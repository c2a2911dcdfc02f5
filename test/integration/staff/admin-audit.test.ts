/**
 * Administration and the audit trail on each engine: the first-start invitation, invitations and
 * people over HTTP (roles apply at once, LAST_ADMIN), every state-changing action in the
 * append-only trail with actor, role and request id, paging and filters, the daily digest in the
 * ledger (and a backdated row caught by it), and `vigil admin`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordAudit } from '../../../src/platform/audit-trail/index.ts'
import { COMMAND_LINE, type LedgerPort } from '../../../src/platform/context/index.ts'
import { listEntries } from '../../../src/services/ledger/index.ts'
import {
  bootstrapInvitation,
  createInvitation,
  listAuditEvents,
  listInvitations,
  runAuditDigests,
  verifyAuditDigests,
} from '../../../src/services/staff/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { runVigil } from '../../helpers/cli.ts'
import { immunization, tokenFor } from '../../helpers/credentials.ts'
import { createTestDatabase, ENGINES, POSTGRES_SKIP_REASON, seedDataDir } from '../../helpers/db.ts'
import { call, enrol, expectProblem, newAuthenticator, personWith, signIn } from './helpers.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const DAY = 86_400_000

interface AuditPage {
  events: {
    id: number
    action: string
    actor: { kind: string; id: string; name: string }
    role: string | null
    targetId: string | null
    requestId: string | null
    detail: Record<string, unknown> | null
  }[]
  next: number | null
}

describe.each(ENGINES)('administration and audit on %s', (engine) => {
  let t: TestApp
  let admin: Awaited<ReturnType<typeof personWith>>
  beforeAll(async () => {
    t = await createTestApp(engine)
  })
  afterAll(() => t?.close())

  const audit = async (query: string, cookie = admin.cookie) => {
    const res = await call(t, 'GET', `/api/audit${query}`, undefined, { cookie })
    expect(res.status).toBe(200)
    return (await res.json()) as AuditPage
  }

  it('a new installation gets a first-administrator invitation, until an admin enrols', async () => {
    const first = await bootstrapInvitation(t.ctx)
    expect(first?.roles).toEqual(['admin'])
    expect(first?.link).toMatch(/^http:\/\/localhost:8787\/enrol\.html#vgi_[a-z2-7]{12}_[\w-]{43}$/)
    const token = first?.link.split('#')[1] as string
    const { res, cookie } = await enrol(t, newAuthenticator(), token)
    expect(res.status).toBe(201)
    admin = {
      cookie: cookie as string,
      id: ((await res.json()) as { user: { id: string } }).user.id,
      authenticator: newAuthenticator(),
    }
    expect(await bootstrapInvitation(t.ctx)).toBeUndefined()
    const { events } = await listAuditEvents(t.ctx, { action: 'invitation.create' })
    expect(events[0]).toMatchObject({ actor: { kind: 'system', id: 'first-start' } })
  })

  it('an admin invites (the link once), lists and revokes invitations', async () => {
    const body = { name: 'Tracer T', roles: ['tracer'], expiresInHours: 48 }
    const created = await call(t, 'POST', '/api/staff/invitations', body, { cookie: admin.cookie })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const invitation = (await created.json()) as { id: string; link: string; expiresAt: string }
    expect(invitation.expiresAt).toBe('2026-11-26T12:00:00.000Z')
    const list = await call(t, 'GET', '/api/staff/invitations', undefined, { cookie: admin.cookie })
    const text = await list.text()
    expect(text).not.toContain(invitation.link.split('#')[1])
    const { invitations } = JSON.parse(text) as { invitations: { id: string; status: string }[] }
    expect(invitations.find((i) => i.id === invitation.id)?.status).toBe('pending')

    const del = (id: string) =>
      call(t, 'DELETE', `/api/staff/invitations/${id}`, undefined, { cookie: admin.cookie })
    expect((await del(invitation.id)).status).toBe(204)
    expect((await del(invitation.id)).status).toBe(204)
    await expectProblem(await del('aaaaaaaaaaaa'), 404, 'NOT_FOUND')
    const bad = await call(
      t,
      'POST',
      '/api/staff/invitations',
      { name: 'x', roles: ['wizard'] },
      {
        cookie: admin.cookie,
      },
    )
    await expectProblem(bad, 400, 'VALIDATION')
  })

  it('roles change at once; the last administrator cannot be removed (LAST_ADMIN)', async () => {
    const person = await personWith(t, ['tracer'])
    const tokens = () => call(t, 'GET', '/api/tokens', undefined, { cookie: person.cookie })
    await expectProblem(await tokens(), 403, 'FORBIDDEN')
    const patch = (id: string, body: unknown) =>
      call(t, 'PATCH', `/api/staff/people/${id}`, body, { cookie: admin.cookie })
    const updated = await patch(person.id, { roles: ['tracer', 'admin'] })
    expect(await updated.json()).toMatchObject({ roles: ['tracer', 'admin'], passkeys: 1 })
    expect((await tokens()).status).toBe(200)

    const { people } = (await (
      await call(t, 'GET', '/api/staff/people', undefined, { cookie: admin.cookie })
    ).json()) as { people: { id: string }[] }
    expect(people.map((p) => p.id)).toContain(person.id)

    // Two admins: one may step down; then the other is the last.
    expect((await patch(person.id, { roles: ['tracer'] })).status).toBe(200)
    await expectProblem(await patch(admin.id, { roles: ['auditor'] }), 409, 'LAST_ADMIN')
    await expectProblem(await patch(admin.id, { disabled: true }), 409, 'LAST_ADMIN')
    await expectProblem(await patch('aaaaaaaaaaaa', { roles: ['tracer'] }), 404, 'NOT_FOUND')

    const out = await call(t, 'DELETE', `/api/staff/people/${person.id}/sessions`, undefined, {
      cookie: admin.cookie,
    })
    expect(out.status).toBe(204)
    expect(
      (await call(t, 'GET', '/api/staff/me', undefined, { cookie: person.cookie })).status,
    ).toBe(401)
  })

  it('records every state-changing action: who, which role, what, target, when, request id', async () => {
    const res = await call(
      t,
      'POST',
      '/api/tokens',
      { name: 'lab', roles: ['issuer'] },
      {
        cookie: admin.cookie,
      },
    )
    expect(res.status).toBe(201)
    const requestId = res.headers.get('x-request-id')
    const { id: tokenId, token } = (await res.json()) as { id: string; token: string }

    const issued = await call(t, 'POST', '/api/credentials', immunization(), { token })
    expect(issued.status).toBe(201)
    const credentialId = ((await issued.json()) as { id: string }).id
    const erase = await call(
      t,
      'DELETE',
      `/api/credentials/${credentialId}/personal-data`,
      undefined,
      {
        token,
      },
    )
    expect(erase.status).toBe(204)
    await call(t, 'DELETE', `/api/tokens/${tokenId}`, undefined, { cookie: admin.cookie })

    const { events } = await audit('?limit=10')
    const byAction = (action: string) => events.find((e) => e.action === action)
    expect(byAction('token.create')).toMatchObject({
      actor: { kind: 'staff', id: admin.id, name: 'First administrator' },
      role: 'admin',
      targetId: tokenId,
      requestId,
      detail: { roles: ['issuer'] },
    })
    expect(byAction('credential.issue')).toMatchObject({
      actor: { kind: 'token', id: tokenId, name: 'lab' },
      role: 'issuer',
      targetId: credentialId,
    })
    expect(byAction('credential.erase')).toMatchObject({ role: 'issuer', targetId: credentialId })
    expect(byAction('token.revoke')).toMatchObject({ role: 'admin', targetId: tokenId })
    // Newest first.
    expect(events.map((e) => e.action).slice(0, 4)).toEqual([
      'token.revoke',
      'credential.erase',
      'credential.issue',
      'token.create',
    ])
  })

  it('sign-in, sign-out and passkey changes are in the trail too, without a role', async () => {
    const person = await personWith(t, ['auditor'])
    const signed = await signIn(t, person.authenticator)
    await call(t, 'POST', '/api/staff/sign-out', undefined, { cookie: signed.cookie })
    const { events } = await audit(`?actor=${person.id}`)
    expect(events.map((e) => [e.action, e.role])).toEqual([
      ['session.sign-out', null],
      ['session.sign-in', null],
      ['staff.enrol', null],
    ])
    expect(events[2]?.detail).toMatchObject({ roles: ['auditor'] })
  })

  it('pages with a keyset cursor and filters; auditors read it, others may not', async () => {
    const first = await audit('?limit=2')
    expect(first.events).toHaveLength(2)
    const second = await audit(`?limit=2&before=${first.next}`)
    expect(second.events[0]?.id).toBeLessThan(first.events[1]?.id as number)
    const filtered = await audit('?action=token.create')
    expect(filtered.events.every((e) => e.action === 'token.create')).toBe(true)
    const none = await audit('?from=2030-01-01T00:00:00Z')
    expect(none).toEqual({ events: [], next: null })
    const badLimit = await call(t, 'GET', '/api/audit?limit=0', undefined, { cookie: admin.cookie })
    await expectProblem(badLimit, 400, 'VALIDATION')

    const auditor = await personWith(t, ['auditor'])
    expect((await audit('?limit=1', auditor.cookie)).events).toHaveLength(1)
    const issuer = await tokenFor(t, ['issuer'])
    await expectProblem(
      await call(t, 'GET', '/api/audit', undefined, { token: issuer }),
      403,
      'FORBIDDEN',
    )
  })

  it('names the command line as the actor of CLI commands, and an anonymous request as anonymous', async () => {
    const cli = await createInvitation(
      { ...t.ctx, actor: COMMAND_LINE },
      { name: 'From the shell', roles: ['tracer'], expiresInHours: 1 },
    )
    const listed = (await listInvitations(t.ctx)).find((i) => i.id === cli.id)
    expect(listed?.createdBy).toBe('system:cli')
    await recordAudit({ ...t.ctx, requestId: 'req-anonymous' }, { action: 'test.anonymous' })
    const rows = async (action: string) => (await listAuditEvents(t.ctx, { action })).events
    expect(await rows('invitation.create')).toContainEqual(
      expect.objectContaining({
        actor: { kind: 'system', id: 'cli', name: 'vigil command line' },
        role: null,
        targetId: cli.id,
        requestId: null,
      }),
    )
    expect((await rows('test.anonymous'))[0]).toMatchObject({
      actor: { kind: 'system', id: 'anonymous', name: 'anonymous' },
      role: null,
      requestId: 'req-anonymous',
    })
  })

  it('the table is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    for (const statement of [
      sql`update audit_events set action = 'nothing'`,
      sql`delete from audit_events`,
      sql`truncate audit_events`,
    ])
      await expect(t.ctx.db.execute(statement)).rejects.toThrow()
    expect((await listAuditEvents(t.ctx, { limit: 1 })).events).toHaveLength(1)
  })

  it('each complete day is digested into the ledger; a backdated row is caught', async () => {
    const at = (ms: number) => ({
      ...t.ctx,
      clock: { now: () => new Date(t.ctx.clock.now().getTime() + ms) },
    })
    // The day is not over yet: nothing to digest.
    expect(await runAuditDigests(t.ctx)).toEqual([])
    const [digest] = await runAuditDigests(at(DAY + 6 * 60_000))
    expect(digest).toMatchObject({ day: '2026-11-24' })
    expect(digest?.events).toBeGreaterThan(10)
    const [entry] = await listEntries(t.ctx, { start: BigInt(digest?.leafIndex ?? 0), limit: 1 })
    expect(entry).toMatchObject({
      kind: 'audit-digest',
      keyId: 'audit:2026-11-24',
      artefactHash: digest?.digest,
    })
    // Empty days are digested too, chained.
    const later = await runAuditDigests(at(3 * DAY + 6 * 60_000))
    expect(later.map((d) => [d.day, d.events])).toEqual([
      ['2026-11-25', 0],
      ['2026-11-26', 0],
    ])
    expect(await verifyAuditDigests(t.ctx)).toEqual({ days: 3, firstMismatch: null })

    const res = await call(t, 'GET', '/api/audit/digests?verify=true', undefined, {
      cookie: admin.cookie,
    })
    expect(await res.json()).toMatchObject({
      digests: [{ day: '2026-11-24' }, { day: '2026-11-25' }, { day: '2026-11-26' }],
      check: { days: 3, firstMismatch: null },
    })

    // Someone with database access slips a row into a digested day.
    await recordAudit(at(DAY), { action: 'credential.issue', targetId: 'forged' })
    expect(await verifyAuditDigests(t.ctx)).toEqual({ days: 3, firstMismatch: '2026-11-25' })
  })

  it('a day is logged once: after a stop between queuing and bookkeeping, and with two instances', async () => {
    const at = (ms: number) => ({
      ...t.ctx,
      clock: { now: () => new Date(t.ctx.clock.now().getTime() + ms) },
    })
    // The process stops right after the day's entry is queued (its integration never runs here).
    const ledger = t.ctx.ledger
    const stopped: LedgerPort = {
      origin: ledger.origin,
      append: (entries) => ledger.append(entries),
      queue: (tx, entries) => ledger.queue(tx, entries),
      flush: async () => {
        throw new Error('stopped')
      },
    }
    await expect(runAuditDigests({ ...at(4 * DAY + 6 * 60_000), ledger: stopped })).rejects.toThrow(
      'stopped',
    )
    // The next run, and a second instance at the same time, log nothing twice.
    const [first, second] = await Promise.all([
      runAuditDigests(at(4 * DAY + 7 * 60_000)),
      runAuditDigests(at(4 * DAY + 7 * 60_000)),
    ])
    expect([...(first ?? []), ...(second ?? [])].map((d) => d.day)).toContain('2026-11-27')
    const entries = await listEntries(t.ctx, { start: 0n, limit: 1000 })
    const days = entries.filter((e) => e.kind === 'audit-digest').map((e) => e.keyId)
    expect(days.filter((d) => d === 'audit:2026-11-27')).toHaveLength(1)
    expect(new Set(days).size).toBe(days.length)
  })
})

describe.each(ENGINES)('vigil admin on %s', (engine) => {
  const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-admin-')))
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
    const { status, stdout, stderr } = await runVigil(['admin', ...args], env)
    return { code: status, stdout, stderr }
  }

  it('invite prints the link alone on stdout; digest runs; bad input exits 2', {
    timeout: 120_000,
  }, async () => {
    const invited = await vigil(
      'invite',
      '--name',
      'Ada Admin',
      '--role',
      'admin',
      '--role',
      'auditor',
    )
    expect(invited.code).toBe(0)
    expect(invited.stdout.trim()).toMatch(
      /^http:\/\/localhost:8787\/enrol\.html#vgi_[a-z2-7]{12}_[\w-]{43}$/,
    )
    expect(invited.stderr).toContain('"Ada Admin" (admin, auditor), single use')
    const digest = await vigil('digest', '--verify')
    expect(digest.code).toBe(0)
    expect(digest.stderr).toContain('matches its 0 daily digests')
    const bad = await vigil('invite', '--name', 'x', '--role', 'wizard')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown role "wizard"')
    expect((await vigil('invite', '--name', 'x', '--role', 'admin', '--hours', '999')).code).toBe(2)
  })
})
