/**
 * @module services/staff/challenges
 * WebAuthn challenges: 32 random bytes, stored with their ceremony and binding (an invitation or a
 * person), single use and expiring. Any presentation burns a challenge, so a response can be
 * tried once; used rows stay an hour past expiry so a replay is told apart from a made-up value.
 */
import { and, eq, isNull, lt } from 'drizzle-orm'
import { toBase64Url } from '../../core/codec/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { webauthnChallenges } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { CEREMONY_TIMEOUT_MS } from './webauthn.ts'

export type Purpose = 'enrol' | 'sign-in' | 'add-passkey'

export interface Binding {
  invitationId?: string | undefined
  userId?: string | undefined
  userHandle?: Uint8Array | undefined
}

const PURGE_AFTER_MS = 60 * 60_000

/** Stores a fresh challenge and returns it (base64url), with the bytes for the options. */
export async function issueChallenge(
  ctx: ServiceContext,
  purpose: Purpose,
  binding: Binding = {},
): Promise<{ challenge: string; bytes: Uint8Array }> {
  const bytes = ctx.random(32)
  const challenge = toBase64Url(bytes)
  const now = ctx.clock.now()
  await ctx.db
    .delete(webauthnChallenges)
    .where(lt(webauthnChallenges.expiresAt, new Date(now.getTime() - PURGE_AFTER_MS)))
  await ctx.db.insert(webauthnChallenges).values({
    challenge,
    purpose,
    invitationId: binding.invitationId ?? null,
    userId: binding.userId ?? null,
    userHandle: binding.userHandle ?? null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CEREMONY_TIMEOUT_MS),
  })
  return { challenge, bytes }
}

export interface ConsumedChallenge {
  challenge: string
  userHandle: Uint8Array | null
  userId: string | null
  invitationId: string | null
}

/**
 * Burns `challenge` (attacker-controlled: it comes from clientDataJSON) and checks it was issued
 * for this ceremony and binding. Throws UNKNOWN, REPLAYED, EXPIRED or MISMATCH.
 */
export async function consumeChallenge(
  ctx: ServiceContext,
  challenge: string,
  purpose: Purpose,
  binding: Omit<Binding, 'userHandle'> = {},
): Promise<ConsumedChallenge> {
  const field = 'response.clientDataJSON'
  if (challenge.length !== 43)
    throw new ServiceError('WEBAUTHN_CHALLENGE_UNKNOWN', 'this challenge was never issued', {
      field,
    })
  const now = ctx.clock.now()
  const [row] = await ctx.db
    .update(webauthnChallenges)
    .set({ usedAt: now })
    .where(and(eq(webauthnChallenges.challenge, challenge), isNull(webauthnChallenges.usedAt)))
    .returning()
  if (row === undefined) {
    const [seen] = await ctx.db
      .select({ usedAt: webauthnChallenges.usedAt })
      .from(webauthnChallenges)
      .where(eq(webauthnChallenges.challenge, challenge))
    throw seen === undefined
      ? new ServiceError('WEBAUTHN_CHALLENGE_UNKNOWN', 'this challenge was never issued', { field })
      : new ServiceError('WEBAUTHN_CHALLENGE_REPLAYED', 'this challenge was already used', {
          field,
        })
  }
  if (row.expiresAt.getTime() <= now.getTime())
    throw new ServiceError('WEBAUTHN_CHALLENGE_EXPIRED', 'the challenge expired; start again', {
      field,
    })
  if (
    row.purpose !== purpose ||
    (binding.invitationId !== undefined && row.invitationId !== binding.invitationId) ||
    (binding.userId !== undefined && row.userId !== binding.userId)
  )
    throw new ServiceError(
      'WEBAUTHN_CHALLENGE_MISMATCH',
      `the challenge was not issued for this ${purpose}`,
      {
        field,
      },
    )
  return {
    challenge: row.challenge,
    userHandle: row.userHandle,
    userId: row.userId,
    invitationId: row.invitationId,
  }
}
