/**
 * @module services/staff/sessions
 * Sign-in sessions: the cookie carries 32 random bytes (base64url); the table keeps only their
 * SHA-256, so a copy of the database signs no one in. A session ends after 30 idle minutes or 12
 * hours at most, on sign-out, on "sign out everywhere", and when the person is disabled.
 */
import { eq, lt, or } from 'drizzle-orm'
import { fromBase64Url, sha256, toBase64Url } from '../../core/codec/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import { type Actor, requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { sessions, users } from '../../platform/db/index.ts'
import { knownRoles } from './fields.ts'

export const SESSION_IDLE_MS = 30 * 60_000
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000
/** `last_seen_at` is written at most once a minute per session. */
const TOUCH_MS = 60_000
const TOKEN = /^[A-Za-z0-9_-]{43}$/

export interface SessionInfo {
  actor: Actor
  createdAt: string
  /** The absolute end. */
  expiresAt: string
  /** When it ends if unused. */
  idleExpiresAt: string
}

/** Attacker-controlled (a cookie): anything but 43 base64url characters hashes nothing. */
async function hashToken(token: string): Promise<Uint8Array | undefined> {
  if (!TOKEN.test(token)) return undefined
  try {
    return await sha256(fromBase64Url(token))
  } catch {
    return undefined
  }
}

export interface NewSession {
  userId: string
  /** The passkey signed in with (null for sessions made by tests and tools). */
  passkeyId: string | null
}

/** @example const { token } = await createSession(ctx, { userId: user.id, passkeyId: passkey.id }) */
export async function createSession(
  ctx: ServiceContext,
  { userId, passkeyId }: NewSession,
): Promise<{ token: string; expiresAt: Date }> {
  const secret = ctx.random(32)
  const now = ctx.clock.now()
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS)
  // Expired rows go as new ones come, so the table holds live sessions only (roughly).
  await ctx.db
    .delete(sessions)
    .where(
      or(
        lt(sessions.expiresAt, now),
        lt(sessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS)),
      ),
    )
  await ctx.db.insert(sessions).values({
    idHash: await sha256(secret),
    userId,
    passkeyId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
  })
  return { token: toBase64Url(secret), expiresAt }
}

/** The session's person as an Actor, or undefined (unknown, expired, idle, disabled). */
export async function resolveSession(
  ctx: ServiceContext,
  token: string,
): Promise<SessionInfo | undefined> {
  const idHash = await hashToken(token)
  if (idHash === undefined) return undefined
  const [row] = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      roles: users.roles,
      disabledAt: users.disabledAt,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash))
    .limit(1)
  if (row === undefined) return undefined
  const now = ctx.clock.now().getTime()
  const idleEnd = row.lastSeenAt.getTime() + SESSION_IDLE_MS
  if (row.disabledAt !== null || row.expiresAt.getTime() <= now || idleEnd <= now) {
    await ctx.db.delete(sessions).where(eq(sessions.idHash, idHash))
    return undefined
  }
  let seen = row.lastSeenAt.getTime()
  if (now - seen >= TOUCH_MS) {
    seen = now
    try {
      await ctx.db
        .update(sessions)
        .set({ lastSeenAt: new Date(now) })
        .where(eq(sessions.idHash, idHash))
    } catch (err) {
      ctx.logger.warn('could not record session use', { error: String(err) })
    }
  }
  return {
    actor: { kind: 'staff', id: row.userId, name: row.name, roles: knownRoles(row.roles) },
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    idleExpiresAt: new Date(
      Math.min(seen + SESSION_IDLE_MS, row.expiresAt.getTime()),
    ).toISOString(),
  }
}

/** Sign-out: this session only. Idempotent. */
export async function endSession(ctx: ServiceContext, token: string): Promise<void> {
  const idHash = await hashToken(token)
  if (idHash === undefined) return
  await ctx.db.transaction(async (tx) => {
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.idHash, idHash))
      .returning({ userId: sessions.userId })
    const userId = ended[0]?.userId
    // Signing oneself out needs no role, so the trail records none.
    if (userId !== undefined)
      await recordAudit(
        { ...ctx, db: tx, role: undefined },
        { action: 'session.sign-out', targetId: userId },
      )
  })
}

/**
 * Sign out everywhere: every session of the signed-in person ends. Their own action, so the
 * trail records no role. Returns how many ended.
 */
export async function endAllSessions(ctx: ServiceContext): Promise<number> {
  return endSessionsOf({ ...ctx, role: undefined }, { userId: requireActor(ctx).id, audit: true })
}

/**
 * Ends every session of `userId`: for `endAllSessions`, an admin's sign-out of a person (the trail
 * records the admin's role) or, unaudited, a person being disabled (their update is the record).
 */
export async function endSessionsOf(
  ctx: ServiceContext,
  { userId, audit }: { userId: string; audit: boolean },
): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.userId, userId))
      .returning({ userId: sessions.userId })
    if (audit)
      await recordAudit(
        { ...ctx, db: tx },
        {
          action: 'session.sign-out-everywhere',
          targetId: userId,
          detail: { sessions: ended.length },
        },
      )
    return ended.length
  })
}
