/**
 * @module services/staff/enrol
 * Enrolment from an invitation: the invitation becomes a person with its roles and a first
 * passkey, the invitation is spent (in the same transaction, so it can be used once even when two
 * tabs race), and the new person is signed in. A re-enrolment link (./reenrol.ts) adds the passkey
 * to the existing person it names instead, and ends that person's other sessions.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { and, eq, isNull } from 'drizzle-orm'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { Actor, Role, ServiceContext } from '../../platform/context/index.ts'
import { type Db, invitations, passkeys, sessions, users } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { ENROL_LIMIT, hitRateLimit, INVITATION_LIMIT } from '../../platform/rate-limit/index.ts'
import { knownRoles } from './fields.ts'
import { checkInvitation, parseInvitationToken } from './invitations.ts'
import { type NewPasskey, registrationOptions, verifyRegistration } from './register.ts'
import { createSession } from './sessions.ts'
import { newTokenId } from './token-format.ts'

export interface EnrolmentStart {
  /** `reenrol`: a new passkey for an existing person, who keeps their roles and history. */
  invitation: { name: string; roles: Role[]; expiresAt: string; reenrol: boolean }
  options: PublicKeyCredentialCreationOptionsJSON
}

export interface Enrolled {
  user: { id: string; name: string; roles: Role[] }
  passkeyId: string
  /** The new session's cookie value. */
  session: { token: string; expiresAt: Date }
}

export interface EnrolmentRequest {
  /** The invitation token, `vgi_<id>_<secret>` (from the link's fragment). */
  invitation: string
  /** Names the client for the rate limit (never stored; see platform/rate-limit). */
  clientKey: string
}

/**
 * Step 1: check the invitation and hand out registration options.
 * @example const { options } = await beginEnrolment(ctx, { invitation: 'vgi_…', clientKey })
 */
export async function beginEnrolment(
  ctx: ServiceContext,
  { invitation: token, clientKey }: EnrolmentRequest,
): Promise<EnrolmentStart> {
  await hitRateLimit(ctx, { rule: ENROL_LIMIT, key: clientKey })
  await hitRateLimit(ctx, { rule: INVITATION_LIMIT, key: parseInvitationToken(token).id })
  const invitation = await checkInvitation(ctx, token)
  const person = invitation.userId === null ? undefined : await reenrolled(ctx, invitation.userId)
  // The same WebAuthn user handle for a returning person, so their authenticators see one account.
  const userHandle = person?.userHandle ?? ctx.random(32)
  const exclude =
    person === undefined
      ? []
      : await ctx.db
          .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
          .from(passkeys)
          .where(eq(passkeys.userId, person.id))
  const options = await registrationOptions(
    ctx,
    'enrol',
    { name: person?.name ?? invitation.name, userHandle },
    { invitationId: invitation.id },
    exclude,
  )
  return {
    invitation: {
      name: person?.name ?? invitation.name,
      roles: person === undefined ? invitation.roles : knownRoles(person.roles),
      expiresAt: invitation.expiresAt.toISOString(),
      reenrol: person !== undefined,
    },
    options,
  }
}

export interface EnrolmentResponse {
  /** The same invitation token as step 1. */
  invitation: string
  response: RegistrationResponseJSON
  passkeyName: string
}

/** Step 2: verify the new passkey, create the person, spend the invitation, sign in. */
export async function finishEnrolment(
  ctx: ServiceContext,
  { invitation: token, response, passkeyName }: EnrolmentResponse,
): Promise<Enrolled> {
  const invitation = await checkInvitation(ctx, token)
  const passkey = await verifyRegistration(ctx, response, 'enrol', { invitationId: invitation.id })
  const userHandle = passkey.challenge.userHandle
  if (userHandle === null) throw new Error('enrolment challenge without a user handle')
  if (invitation.userId !== null)
    return finishReenrolment(
      ctx,
      { invitationId: invitation.id, userId: invitation.userId },
      {
        passkey,
        passkeyName,
      },
    )
  const userId = newTokenId(ctx.random)
  const passkeyId = newTokenId(ctx.random)
  const now = ctx.clock.now()
  await ctx.db.transaction(async (tx) => {
    await spendInvitation(tx, invitation.id, userId, now)
    await tx.insert(users).values({
      id: userId,
      name: invitation.name,
      roles: invitation.roles,
      userHandle,
      createdAt: now,
    })
    await tx.insert(passkeys).values(passkeyRow(passkeyId, userId, passkey, passkeyName, now))
    // The new person acts (the request was anonymous until now), by invitation, not by a role.
    const person: Actor = {
      kind: 'staff',
      id: userId,
      name: invitation.name,
      roles: invitation.roles,
    }
    await recordAudit(
      { ...ctx, db: tx, actor: person, role: undefined },
      {
        action: 'staff.enrol',
        targetId: userId,
        detail: { roles: invitation.roles, invitation: invitation.id, passkey: passkeyId },
      },
    )
  })
  const session = await createSession(ctx, { userId, passkeyId })
  ctx.logger.info('staff member enrolled', { userId, roles: invitation.roles })
  return {
    user: { id: userId, name: invitation.name, roles: invitation.roles },
    passkeyId,
    session,
  }
}

/** Spends a single-use link inside `tx`; a link already used or revoked is refused. */
async function spendInvitation(tx: Db, id: string, usedBy: string, now: Date): Promise<void> {
  const spent = await tx
    .update(invitations)
    .set({ usedAt: now, usedBy })
    .where(and(eq(invitations.id, id), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id })
  if (spent.length === 0)
    throw new ServiceError('INVITATION_USED', 'this invitation was already used', {
      field: 'invitation',
    })
}

/** The stored passkey of a verified registration (W3C WebAuthn §7.1). */
function passkeyRow(id: string, userId: string, passkey: NewPasskey, name: string, now: Date) {
  return {
    id,
    userId,
    credentialId: passkey.credentialId,
    publicKey: passkey.publicKey,
    counter: passkey.counter,
    transports: passkey.transports,
    name,
    deviceType: passkey.deviceType,
    backedUp: passkey.backedUp,
    createdAt: now,
    lastUsedAt: now,
  }
}

/** The person a re-enrolment link names, while they may still sign in. */
async function reenrolled(ctx: ServiceContext, userId: string) {
  const [person] = await ctx.db.select().from(users).where(eq(users.id, userId))
  if (person === undefined || person.disabledAt !== null)
    throw new ServiceError('INVITATION_REVOKED', 'this person can no longer sign in', {
      field: 'invitation',
    })
  return person
}

/**
 * A new passkey for an existing person: the link is spent, the passkey added, their old sessions
 * end (whoever held them, a lost device included), and a fresh session starts here.
 */
async function finishReenrolment(
  ctx: ServiceContext,
  link: { invitationId: string; userId: string },
  { passkey, passkeyName }: { passkey: NewPasskey; passkeyName: string },
): Promise<Enrolled> {
  const person = await reenrolled(ctx, link.userId)
  const roles = knownRoles(person.roles)
  const passkeyId = newTokenId(ctx.random)
  const now = ctx.clock.now()
  await ctx.db.transaction(async (tx) => {
    await spendInvitation(tx, link.invitationId, person.id, now)
    await tx.insert(passkeys).values(passkeyRow(passkeyId, person.id, passkey, passkeyName, now))
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.userId, person.id))
      .returning({ userId: sessions.userId })
    const actor: Actor = { kind: 'staff', id: person.id, name: person.name, roles }
    await recordAudit(
      { ...ctx, db: tx, actor, role: undefined },
      {
        action: 'staff.reenrol',
        targetId: person.id,
        detail: { invitation: link.invitationId, passkey: passkeyId, sessions: ended.length },
      },
    )
  })
  const session = await createSession(ctx, { userId: person.id, passkeyId })
  ctx.logger.info('staff member re-enrolled', { userId: person.id })
  return { user: { id: person.id, name: person.name, roles }, passkeyId, session }
}
