/**
 * @module services/staff/enrol
 * Enrolment from an invitation: the invitation becomes a person with its roles and a first
 * passkey, the invitation is spent (in the same transaction, so it can be used once even when two
 * tabs race), and the new person is signed in.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { and, eq, isNull } from 'drizzle-orm'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { Actor, Role, ServiceContext } from '../../platform/context/index.ts'
import { invitations, passkeys, users } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { ENROL_LIMIT, hitRateLimit, INVITATION_LIMIT } from '../../platform/rate-limit/index.ts'
import { checkInvitation, parseInvitationToken } from './invitations.ts'
import { registrationOptions, verifyRegistration } from './register.ts'
import { createSession } from './sessions.ts'
import { newTokenId } from './token-format.ts'

export interface EnrolmentStart {
  invitation: { name: string; roles: Role[]; expiresAt: string }
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
  const userHandle = ctx.random(32)
  const options = await registrationOptions(
    ctx,
    'enrol',
    { name: invitation.name, userHandle },
    { invitationId: invitation.id },
  )
  return {
    invitation: {
      name: invitation.name,
      roles: invitation.roles,
      expiresAt: invitation.expiresAt.toISOString(),
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
  const userId = newTokenId(ctx.random)
  const passkeyId = newTokenId(ctx.random)
  const now = ctx.clock.now()
  await ctx.db.transaction(async (tx) => {
    const spent = await tx
      .update(invitations)
      .set({ usedAt: now, usedBy: userId })
      .where(
        and(
          eq(invitations.id, invitation.id),
          isNull(invitations.usedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning({ id: invitations.id })
    if (spent.length === 0)
      throw new ServiceError('INVITATION_USED', 'this invitation was already used', {
        field: 'invitation',
      })
    await tx.insert(users).values({
      id: userId,
      name: invitation.name,
      roles: invitation.roles,
      userHandle,
      createdAt: now,
    })
    await tx.insert(passkeys).values({
      id: passkeyId,
      userId,
      credentialId: passkey.credentialId,
      publicKey: passkey.publicKey,
      counter: passkey.counter,
      transports: passkey.transports,
      name: passkeyName,
      deviceType: passkey.deviceType,
      backedUp: passkey.backedUp,
      createdAt: now,
      lastUsedAt: now,
    })
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
