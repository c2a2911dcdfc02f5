/**
 * @module services/staff/people
 * People as administrators see them (list; change roles, name; disable and enable) and as each
 * person sees themself. Vigil never leaves itself without an administrator: removing the admin
 * role from, or disabling, the last active admin is refused with LAST_ADMIN.
 */
import { and, asc, count, desc, eq, gt, isNull, max, ne, sql } from 'drizzle-orm'
import type { PersonSessionView, PersonView } from '../../core/api-types/index.ts'
import { toHex } from '../../core/codec/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { Role, ServiceContext } from '../../platform/context/index.ts'
import { passkeys, sessions, users } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { knownRoles } from './fields.ts'
import { endSessionsOf, SESSION_IDLE_MS } from './sessions.ts'

/** The JSON the admin page reads: declared in core, where the page imports it too. */
export type { PersonSessionView, PersonView }

/** Everyone, oldest first. */
export function listPeople(ctx: ServiceContext): Promise<PersonView[]> {
  return peopleWhere(ctx, undefined)
}

async function peopleWhere(ctx: ServiceContext, id: string | undefined): Promise<PersonView[]> {
  const rows = await ctx.db
    .select({
      id: users.id,
      name: users.name,
      roles: users.roles,
      createdAt: users.createdAt,
      disabledAt: users.disabledAt,
      passkeys: count(passkeys.id),
      lastSignInAt: max(passkeys.lastUsedAt),
    })
    .from(users)
    .leftJoin(passkeys, eq(passkeys.userId, users.id))
    .where(id === undefined ? undefined : eq(users.id, id))
    .groupBy(users.id)
    .orderBy(asc(users.createdAt), asc(users.id))
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    roles: knownRoles(r.roles),
    createdAt: r.createdAt.toISOString(),
    disabledAt: r.disabledAt?.toISOString() ?? null,
    passkeys: Number(r.passkeys),
    lastSignInAt: r.lastSignInAt === null ? null : new Date(r.lastSignInAt).toISOString(),
  }))
}

export async function getPerson(ctx: ServiceContext, id: string): Promise<PersonView> {
  const [person] = await peopleWhere(ctx, id)
  if (person === undefined)
    throw new ServiceError('NOT_FOUND', `no person with id ${id}`, { field: 'id' })
  return person
}

/** Whom to change (`id`) and what: each field left out stays as it is. */
export interface PersonChange {
  id: string
  name?: string | undefined
  roles?: Role[] | undefined
  disabled?: boolean | undefined
}

/** @example await updatePerson(ctx, { id, roles: ['issuer', 'auditor'] }) */
export async function updatePerson(ctx: ServiceContext, change: PersonChange): Promise<PersonView> {
  const { id } = change
  const roles = change.roles === undefined ? undefined : [...new Set(change.roles)]
  if (roles !== undefined && roles.length === 0)
    throw new ServiceError('VALIDATION', 'at least one role is needed', { field: 'roles' })
  const now = ctx.clock.now()
  let ended = false
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, id))
    if (before === undefined)
      throw new ServiceError('NOT_FOUND', `no person with id ${id}`, { field: 'id' })
    const wasAdmin = before.disabledAt === null && before.roles.includes('admin')
    const staysAdmin =
      !(change.disabled ?? before.disabledAt !== null) && (roles ?? before.roles).includes('admin')
    if (wasAdmin && !staysAdmin) {
      const [{ n } = { n: 0 }] = await tx
        .select({ n: count() })
        .from(users)
        .where(and(ne(users.id, id), isNull(users.disabledAt), sql`'admin' = any(${users.roles})`))
      if (n === 0)
        throw new ServiceError(
          'LAST_ADMIN',
          'this is the last administrator; appoint another first',
          {
            field: change.disabled === true ? 'disabled' : 'roles',
          },
        )
    }
    const disabledAt =
      change.disabled === undefined
        ? before.disabledAt
        : change.disabled
          ? (before.disabledAt ?? now)
          : null
    await tx
      .update(users)
      .set({ name: change.name ?? before.name, roles: roles ?? before.roles, disabledAt })
      .where(eq(users.id, id))
    ended = disabledAt !== null && before.disabledAt === null
    await recordAudit(
      { ...ctx, db: tx },
      {
        action: 'person.update',
        targetId: id,
        detail: {
          ...(roles === undefined ? {} : { roles }),
          ...(change.disabled === undefined ? {} : { disabled: change.disabled }),
          ...(change.name === undefined ? {} : { renamed: true }),
        },
      },
    )
  })
  // A disabled person's sessions end at once (resolveSession refuses them anyway).
  if (ended) await endSessionsOf(ctx, { userId: id, audit: false })
  return getPerson(ctx, id)
}

/** An admin signs a person out on every device. NOT_FOUND for an unknown id. */
export async function signOutPerson(ctx: ServiceContext, id: string): Promise<number> {
  await getPerson(ctx, id)
  return endSessionsOf(ctx, { userId: id, audit: true })
}

/** A person's live sessions (not expired, not idle past the limit), newest first. */
export async function listSessionsOf(
  ctx: ServiceContext,
  id: string,
): Promise<PersonSessionView[]> {
  await getPerson(ctx, id)
  const now = ctx.clock.now().getTime()
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, id),
        gt(sessions.expiresAt, new Date(now)),
        gt(sessions.lastSeenAt, new Date(now - SESSION_IDLE_MS)),
      ),
    )
    .orderBy(desc(sessions.createdAt))
  return rows.map((r) => ({
    id: sessionHandle(r.idHash),
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    passkeyId: r.passkeyId,
  }))
}

/**
 * A session's handle for the admin page: the first 12 bytes of the stored hash, in hex. Enough to
 * name one of a person's few sessions; a hash prefix cannot be turned back into the cookie.
 */
function sessionHandle(idHash: Uint8Array): string {
  return toHex(idHash.subarray(0, 12))
}

/**
 * An admin ends one of a person's sessions (say, on a lost phone), leaving the others. NOT_FOUND
 * when the person has no live session with that handle.
 */
export async function endSessionOf(
  ctx: ServiceContext,
  input: { personId: string; sessionId: string },
): Promise<void> {
  const live = await ctx.db
    .select({ idHash: sessions.idHash })
    .from(sessions)
    .where(eq(sessions.userId, input.personId))
  const found = live.find((s) => sessionHandle(s.idHash) === input.sessionId)
  if (found === undefined)
    throw new ServiceError(
      'NOT_FOUND',
      `no session ${input.sessionId} of person ${input.personId}`,
      {
        field: 'sessionId',
      },
    )
  await ctx.db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.idHash, found.idHash))
    await recordAudit(
      { ...ctx, db: tx },
      { action: 'session.end', targetId: input.personId, detail: { session: input.sessionId } },
    )
  })
}
