/**
 * @module services/staff/reenrol
 * Re-enrolment for a person who lost their passkeys: an admin issues a single-use link (an
 * invitation row bound to the person's id) and, through it, the person registers a new passkey
 * on the SAME account — id, roles and audit history kept — while their old sessions end.
 * The link travels and expires like an invitation (./invitations.ts).
 */
import { eq } from 'drizzle-orm'
import type { CreatedInvitation } from '../../core/api-types/index.ts'
import { sha256, toBase64Url } from '../../core/codec/index.ts'
import { auditActor, recordAudit } from '../../platform/audit-trail/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { invitations, users } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { knownRoles } from './fields.ts'
import { invitationLink, MAX_INVITATION_HOURS } from './invitations.ts'
import { newTokenId } from './token-format.ts'

/** Shorter than an invitation's default: the person is known and waiting for it. */
export const DEFAULT_REENROL_HOURS = 24
const HOUR_MS = 3_600_000

export interface ReenrolmentInput {
  /** The existing person's id. */
  personId: string
  expiresInHours?: number | undefined
}

/**
 * The context's actor (an admin) issues the link; the audit trail names them and the person.
 * @example const { link } = await createReenrolment(ctx, { personId: 'k3v7q2m4x5za' })
 */
export async function createReenrolment(
  ctx: ServiceContext,
  input: ReenrolmentInput,
): Promise<CreatedInvitation> {
  const actor = auditActor(ctx)
  const hours = input.expiresInHours ?? DEFAULT_REENROL_HOURS
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_INVITATION_HOURS)
    throw new ServiceError('VALIDATION', `between 1 and ${MAX_INVITATION_HOURS} hours`, {
      field: 'expiresInHours',
    })
  const id = newTokenId(ctx.random)
  const secret = ctx.random(32)
  const now = ctx.clock.now()
  const expiresAt = new Date(now.getTime() + hours * HOUR_MS)
  const person = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(users).where(eq(users.id, input.personId))
    if (row === undefined)
      throw new ServiceError('NOT_FOUND', `no person with id ${input.personId}`, { field: 'id' })
    if (row.disabledAt !== null)
      throw new ServiceError('CONFLICT', `${row.name} is disabled; enable them first`, {
        field: 'id',
      })
    const roles = knownRoles(row.roles)
    await tx.insert(invitations).values({
      id,
      secretHash: await sha256(secret),
      name: row.name,
      roles,
      createdBy: `${actor.kind}:${actor.id}`,
      createdAt: now,
      expiresAt,
      userId: row.id,
    })
    await recordAudit(
      { ...ctx, db: tx },
      { action: 'person.reenrol-link', targetId: row.id, detail: { invitation: id } },
    )
    return { name: row.name, roles }
  })
  const token = `vgi_${id}_${toBase64Url(secret)}`
  return {
    id,
    name: person.name,
    roles: person.roles,
    link: invitationLink(ctx, token),
    expiresAt: expiresAt.toISOString(),
  }
}
