/**
 * Re-enrolment and the audit export on each engine: an admin issues a single-use link for a
 * person who lost their passkey; enrolling through it adds a passkey to the same person (id,
 * roles and history kept), ends their old sessions and is in the trail with who did it; a
 * person's sessions can be seen; the CSV export holds exactly the trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { parseCsv } from '../../helpers/csv.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import {
  call,
  enrol,
  enrolOptions,
  expectProblem,
  newAuthenticator,
  personWith,
  signIn,
} from './helpers.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

interface AuditEvent {
  id: number
  at: string
  action: string
  actor: { kind: string; id: string; name: string }
  role: string | null
  targetId: string | null
  requestId: string | null
  detail: Record<string, unknown> | null
}

describe.each(ENGINES)('re-enrolment and the audit export on %s', (engine) => {
  let t: TestApp
  let admin: Awaited<ReturnType<typeof personWith>>
  let person: Awaited<ReturnType<typeof personWith>>
  beforeAll(async () => {
    t = await createTestApp(engine)
    admin = await personWith(t, ['admin'])
    person = await personWith(t, ['issuer', 'tracer'])
  })
  afterAll(() => t?.close())

  const asAdmin = (method: string, path: string, body?: unknown) =>
    call(t, method, path, body, { cookie: admin.cookie })

  it('adds a passkey to the same person, ends their old sessions, and records who did it', async () => {
    // A second session (another device) that must end too.
    const other = await signIn(t, person.authenticator)
    expect(other.res.status).toBe(200)
    const seen = await asAdmin('GET', `/api/staff/people/${person.id}/sessions`)
    expect(seen.status).toBe(200)
    expect(((await seen.json()) as { sessions: unknown[] }).sessions).toHaveLength(2)

    const created = await asAdmin('POST', `/api/staff/people/${person.id}/reenrol`, {})
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const link = (await created.json()) as { id: string; link: string; roles: string[] }
    expect(link.roles).toEqual(['issuer', 'tracer'])
    const token = link.link.split('#')[1] as string

    // The lost passkey is gone; a new authenticator enrols through the link.
    const fresh = newAuthenticator()
    const started = await enrolOptions(t, token)
    const { invitation } = (await started.json()) as { invitation: { reenrol: boolean } }
    expect(invitation.reenrol).toBe(true)
    const { res, cookie } = await enrol(t, fresh, token)
    expect(res.status).toBe(201)
    const { user } = (await res.json()) as { user: { id: string; roles: string[] } }
    expect(user).toMatchObject({ id: person.id, roles: ['issuer', 'tracer'] })

    // Old sessions ended; the new one works; the new passkey signs in as the same person.
    for (const old of [person.cookie, other.cookie as string])
      await expectProblem(
        await call(t, 'GET', '/api/staff/me', undefined, { cookie: old }),
        401,
        'UNAUTHENTICATED',
      )
    const me = await call(t, 'GET', '/api/staff/me', undefined, { cookie })
    expect(((await me.json()) as { id: string }).id).toBe(person.id)
    const again = await signIn(t, fresh)
    expect(again.res.status).toBe(200)
    const people = (await (await asAdmin('GET', `/api/staff/people/${person.id}`)).json()) as {
      passkeys: number
    }
    expect(people.passkeys).toBe(2)

    // Single use.
    await expectProblem(await enrolOptions(t, token), 409, 'INVITATION_USED')

    const trail = (await (await asAdmin('GET', `/api/audit?target=${person.id}`)).json()) as {
      events: AuditEvent[]
    }
    const issued = trail.events.find((e) => e.action === 'person.reenrol-link')
    expect(issued).toMatchObject({ actor: { id: admin.id }, role: 'admin' })
    expect(issued?.detail).toEqual({ invitation: link.id })
    const done = trail.events.find((e) => e.action === 'staff.reenrol')
    expect(done).toMatchObject({ actor: { id: person.id } })
    expect(done?.detail).toMatchObject({ invitation: link.id, sessions: 2 })
  })

  it('refuses an unknown or disabled person, and non-admins', async () => {
    await expectProblem(
      await asAdmin('POST', '/api/staff/people/aaaaaaaaaaaa/reenrol', {}),
      404,
      'NOT_FOUND',
    )
    const other = await personWith(t, ['auditor'])
    const refused = await call(
      t,
      'POST',
      `/api/staff/people/${person.id}/reenrol`,
      {},
      {
        cookie: other.cookie,
      },
    )
    expect(refused.status).toBe(403)
    expect(
      (await asAdmin('PATCH', `/api/staff/people/${other.id}`, { disabled: true })).status,
    ).toBe(200)
    await expectProblem(
      await asAdmin('POST', `/api/staff/people/${other.id}/reenrol`, {}),
      409,
      'CONFLICT',
    )
  })

  it('ends one of a person’s sessions by its listed id, leaving the others', async () => {
    const someone = await personWith(t, ['tracer'])
    const second = await signIn(t, someone.authenticator)
    const listed = (await (
      await asAdmin('GET', `/api/staff/people/${someone.id}/sessions`)
    ).json()) as { sessions: { id: string }[] }
    expect(listed.sessions).toHaveLength(2)
    for (const s of listed.sessions) expect(s.id).toMatch(/^[0-9a-f]{24}$/)
    const newest = listed.sessions[0]?.id as string
    expect(
      (await asAdmin('DELETE', `/api/staff/people/${someone.id}/sessions/${newest}`)).status,
    ).toBe(204)
    // Exactly one of the two devices is signed out (the test clock may give both one time).
    const statuses = await Promise.all(
      [someone.cookie, second.cookie as string].map(
        async (cookie) => (await call(t, 'GET', '/api/staff/me', undefined, { cookie })).status,
      ),
    )
    expect(statuses.sort()).toEqual([200, 401])
    const left = (await (
      await asAdmin('GET', `/api/staff/people/${someone.id}/sessions`)
    ).json()) as { sessions: { id: string }[] }
    expect(left.sessions.map((s) => s.id)).toEqual([listed.sessions[1]?.id])
    // Gone, another person's, or not a handle at all.
    await expectProblem(
      await asAdmin('DELETE', `/api/staff/people/${someone.id}/sessions/${newest}`),
      404,
      'NOT_FOUND',
    )
    const remaining = listed.sessions[1]?.id as string
    await expectProblem(
      await asAdmin('DELETE', `/api/staff/people/${admin.id}/sessions/${remaining}`),
      404,
      'NOT_FOUND',
    )
    await expectProblem(
      await asAdmin('DELETE', `/api/staff/people/${someone.id}/sessions/XYZ`),
      400,
      'VALIDATION',
    )
    const trail = (await (await asAdmin('GET', `/api/audit?action=session.end`)).json()) as {
      events: AuditEvent[]
    }
    expect(trail.events).toHaveLength(1)
    expect(trail.events[0]).toMatchObject({
      actor: { id: admin.id },
      role: 'admin',
      targetId: someone.id,
      detail: { session: newest },
    })
  })

  it('the CSV export equals the trail, with RFC 4180 quoting', async () => {
    // A name with a comma, a quote and a formula-looking start lands in the trail's actor name.
    const odd = await personWith(t, ['auditor'])
    expect(
      (await asAdmin('PATCH', `/api/staff/people/${odd.id}`, { name: '=Ruiz, "Ana"' })).status,
    ).toBe(200)
    expect(
      (await call(t, 'POST', '/api/staff/sign-out-everywhere', undefined, { cookie: odd.cookie }))
        .status,
    ).toBeLessThan(300)

    const events: AuditEvent[] = []
    let before = ''
    for (;;) {
      const page = (await (await asAdmin('GET', `/api/audit?limit=7${before}`)).json()) as {
        events: AuditEvent[]
        next: number | null
      }
      events.push(...page.events)
      if (page.next === null) break
      before = `&before=${page.next}`
    }
    const res = await asAdmin('GET', '/api/audit.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present')
    const text = await res.text()
    const [header, ...rows] = parseCsv(text)
    expect(header).toEqual([
      'id',
      'at',
      'actor_kind',
      'actor_id',
      'actor_name',
      'role',
      'action',
      'target_id',
      'request_id',
      'detail',
    ])
    const unformula = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s)
    expect(
      rows.map((r) => ({
        id: Number(r[0]),
        at: r[1],
        actor: { kind: r[2], id: r[3], name: unformula(r[4] as string) },
        role: r[5] === '' ? null : r[5],
        action: r[6],
        targetId: r[7] === '' ? null : r[7],
        requestId: r[8] === '' ? null : r[8],
        detail: r[9] === '' ? null : JSON.parse(r[9] as string),
      })),
    ).toEqual(events)
    expect(events.some((e) => e.actor.name === '=Ruiz, "Ana"')).toBe(true)
    expect(text).toContain(`"'=Ruiz, ""Ana"""`)
    // Filters apply; an auditor may export, an issuer may not.
    const filtered = parseCsv(
      await (await asAdmin('GET', '/api/audit.csv?action=staff.reenrol')).text(),
    )
    expect(filtered.slice(1).map((r) => r[6])).toEqual(['staff.reenrol'])
    const auditor = await personWith(t, ['auditor'])
    expect(
      (await call(t, 'GET', '/api/audit.csv', undefined, { cookie: auditor.cookie })).status,
    ).toBe(200)
    const issuer = await personWith(t, ['issuer'])
    expect(
      (await call(t, 'GET', '/api/audit.csv', undefined, { cookie: issuer.cookie })).status,
    ).toBe(403)
  })
})
