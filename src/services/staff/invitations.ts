/**
 * @module services/staff/invitations
 * One-time enrolment links. `vgi_<id>_<secret>` travels in the link's fragment
 * (`/enrol.html#vgi_…`), which browsers never send to a server or in a Referer; the table keeps
 * SHA-256 of the secret. An invitation expires (72 hours by default), is used once, and can be
 * revoked. A new installation without an administrator gets one at every start.
 */
import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import type {
  CreatedInvitation,
  InvitationStatus,
  InvitationView,
} from '../../core/api-types/index.ts'
import { equalBytes, fromBase64Url, sha256, toBase64Url } from '../../core/codec/index.ts'
import { auditActor, recordAudit } from '../../platform/audit-trail/index.ts'
import type { Actor, Role, ServiceContext } from '../../platform/context/index.ts'
import { invitations, passkeys, users } from '../../platform/db/index.ts'
import { ServiceError, validationError } from '../../platform/errors/index.ts'
import { displayName, roleList } from './fields.ts'
import { newTokenId } from './token-format.ts'

export const DEFAULT_INVITATION_HOURS = 72
export const MAX_INVITATION_HOURS = 14 * 24
const HOUR_MS = 3_600_000
const TOKEN = /^vgi_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/

/** The JSON the admin page reads: declared in core, where the page imports it too. */
export type { CreatedInvitation, InvitationStatus, InvitationView }

/** Who invites the first administrator of a new installation (docs/STAFF.md). */
const FIRST_START: Actor = {
  kind: 'system',
  id: 'first-start',
  name: 'Vigil first start',
  roles: [],
}

const inputSchema = z.object({
  name: displayName(100),
  roles: roleList,
  expiresInHours: z.number().int().min(1).max(MAX_INVITATION_HOURS),
})

export type InvitationInput = z.input<typeof inputSchema>

/** Attacker-controlled (a link): the shape is checked before any query. */
export function parseInvitationToken(token: string): { id: string; secret: Uint8Array } {
  const match = TOKEN.exec(token)
  if (match === null)
    throw new ServiceError('INVITATION_UNKNOWN', 'this is not an invitation link', {
      field: 'invitation',
    })
  return { id: match[1] as string, secret: fromBase64Url(match[2] as string) }
}

export const invitationLink = (ctx: ServiceContext, token: string) =>
  `${ctx.config.publicUrl}/enrol.html#${token}`

/**
 * The context's actor invites (and is named as `createdBy`).
 * @example
 * const { link } = await createInvitation(ctx, { name: 'Dr. A. Jansen', roles: ['issuer'],
 *   expiresInHours: 72 })
 */
export async function createInvitation(
  ctx: ServiceContext,
  input: InvitationInput,
): Promise<CreatedInvitation> {
  const actor = auditActor(ctx)
  const parsed = inputSchema.safeParse(input)
  if (!parsed.success) throw validationError(parsed.error.issues, 'invalid invitation')
  const { name, expiresInHours } = parsed.data
  const roles = [...new Set(parsed.data.roles)]
  const id = newTokenId(ctx.random)
  const secret = ctx.random(32)
  const now = ctx.clock.now()
  const expiresAt = new Date(now.getTime() + expiresInHours * HOUR_MS)
  await ctx.db.transaction(async (tx) => {
    await tx.insert(invitations).values({
      id,
      secretHash: await sha256(secret),
      name,
      roles,
      createdBy: `${actor.kind}:${actor.id}`,
      createdAt: now,
      expiresAt,
    })
    await recordAudit(
      { ...ctx, db: tx },
      { action: 'invitation.create', targetId: id, detail: { roles } },
    )
  })
  const token = `vgi_${id}_${toBase64Url(secret)}`
  return { id, name, roles, link: invitationLink(ctx, token), expiresAt: expiresAt.toISOString() }
}

/** The invitation a token names, if it is still usable; each other case has its own code. */
export async function checkInvitation(ctx: ServiceContext, token: string) {
  const { id, secret } = parseInvitationToken(token)
  const [row] = await ctx.db.select().from(invitations).where(eq(invitations.id, id))
  const field = 'invitation'
  if (row === undefined || !equalBytes(await sha256(secret), row.secretHash))
    throw new ServiceError('INVITATION_UNKNOWN', 'no such invitation', { field })
  if (row.usedAt !== null)
    throw new ServiceError('INVITATION_USED', 'this invitation was already used', { field })
  if (row.revokedAt !== null)
    throw new ServiceError('INVITATION_REVOKED', 'this invitation was revoked', { field })
  if (row.expiresAt.getTime() <= ctx.clock.now().getTime())
    throw new ServiceError('INVITATION_EXPIRED', 'this invitation expired; ask for a new one', {
      field,
    })
  return { ...row, roles: row.roles as Role[] }
}

export async function listInvitations(ctx: ServiceContext): Promise<InvitationView[]> {
  const rows = await ctx.db.select().from(invitations).orderBy(asc(invitations.createdAt))
  const now = ctx.clock.now().getTime()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    roles: r.roles as Role[],
    status:
      r.usedAt !== null
        ? 'used'
        : r.revokedAt !== null
          ? 'revoked'
          : r.expiresAt.getTime() <= now
            ? 'expired'
            : 'pending',
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    usedAt: r.usedAt?.toISOString() ?? null,
    usedBy: r.usedBy,
  }))
}

/** Idempotent for a pending or revoked invitation; CONFLICT once it was used. */
export async function revokeInvitation(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const revoked = await tx
      .update(invitations)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(invitations.id, id), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id })
    if (revoked.length > 0) {
      await recordAudit({ ...ctx, db: tx }, { action: 'invitation.revoke', targetId: id })
      return
    }
    const [row] = await tx.select().from(invitations).where(eq(invitations.id, id))
    if (row === undefined)
      throw new ServiceError('NOT_FOUND', `no invitation with id ${id}`, { field: 'id' })
    if (row.usedAt !== null)
      throw new ServiceError('CONFLICT', `invitation ${id} was already used`, { field: 'id' })
  })
}

/** True when an active person holds the admin role and has a passkey to sign in with. */
export async function hasAdministrator(ctx: ServiceContext): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .innerJoin(passkeys, eq(passkeys.userId, users.id))
    .where(
      and(isNull(users.disabledAt), sql`'admin' = any(${users.roles})`, isNotNull(passkeys.id)),
    )
    .limit(1)
  return row !== undefined
}

/**
 * First start (docs/STAFF.md, bootstrapping the first administrator): with no administrator, a
 * fresh 24-hour admin invitation, or undefined when there is one.
 */
export async function bootstrapInvitation(
  ctx: ServiceContext,
): Promise<CreatedInvitation | undefined> {
  if (await hasAdministrator(ctx)) return undefined
  return createInvitation(
    { ...ctx, actor: FIRST_START },
    { name: 'First administrator', roles: ['admin'], expiresInHours: 24 },
  )
}
