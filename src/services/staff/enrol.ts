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
import { type AuditScope, recordAudit } from '../../platform/audit-trail/index.ts'
import type { Role, ServiceContext } from '../../platform/context/index.ts'
import { invitations, passkeys, users } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { ENROL_LIMIT, hitRateLimit, INVITATION_LIMIT } from '../../platform/rate-limit/index.ts'
import { checkInvitation, parseInvitationToken } from './invitations.ts'
import { registrationOptions, verifyRegistration } from './register.ts'
import { createSession } from './sessions.ts'
import { newTokenId } from './token-format.ts'

type Ctx = Pick<ServiceContext, 'db' | 'clock' | 'random' | 'config' | 'logger'> & AuditScope

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

/**
 * Step 1: check the invitation and hand out registration options.
 * @example const { options } = await beginEnrolment(ctx, 'vgi_…', clientKey)
 */
export async function beginEnrolment(
  ctx: Ctx,
  token: string,
  clientKey: string,
): Promise<EnrolmentStart> {
  await hitRateLimit(ctx, ENROL_LIMIT, clientKey)
  await hitRateLimit(ctx, INVITATION_LIMIT, parseInvitationToken(token).id)
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

/** Step 2: verify the new passkey, create the person, spend the invitation, sign in. */
export async function finishEnrolment(
  ctx: Ctx,
  token: string,
  response: RegistrationResponseJSON,
  passkeyName: string,
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
    await recordAudit(
      { ...ctx, db: tx },
      {
        action: 'staff.enrol',
        targetId: userId,
        actor: { kind: 'staff', id: userId, name: invitation.name },
        role: null,
        detail: { roles: invitation.roles, invitation: invitation.id, passkey: passkeyId },
      },
    )
  })
  const session = await createSession(ctx, userId, passkeyId)
  ctx.logger.info('staff member enrolled', { userId, roles: invitation.roles })
  return {
    user: { id: userId, name: invitation.name, roles: invitation.roles },
    passkeyId,
    session,
  }
}
