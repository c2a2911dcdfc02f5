/**
 * @module platform/rate-limit/rate-limit
 * Fixed-window attempt counters in the database (so every instance shares them). A bucket is
 * SHA-256(day salt ‖ scope ‖ key ‖ window start): the client address that may be part of the key
 * is never stored, and once a day's random salt is deleted (after two days) no bucket can be
 * linked back to an address, not even by someone holding the database and the master key.
 */
import { eq, lt, sql } from 'drizzle-orm'
import { concatBytes, sha256, utf8 } from '../../core/codec/index.ts'
import type { ServiceContext } from '../context/index.ts'
import { rateLimitHits, rateLimitSalts } from '../db/index.ts'
import { ServiceError } from '../errors/index.ts'

export interface RateLimit {
  /** Names the counter (and the error's field): 'sign-in', 'enrol', 'enrol-invitation'. */
  scope: string
  limit: number
  windowMs: number
}

export const SIGN_IN_LIMIT: RateLimit = { scope: 'sign-in', limit: 30, windowMs: 10 * 60_000 }
export const ENROL_LIMIT: RateLimit = { scope: 'enrol', limit: 20, windowMs: 60 * 60_000 }
/** Per invitation, whoever tries it. */
export const INVITATION_LIMIT: RateLimit = {
  scope: 'enrol-invitation',
  limit: 10,
  windowMs: 60 * 60_000,
}

const DAY_MS = 86_400_000

async function saltOf(ctx: ServiceContext, day: string): Promise<Uint8Array> {
  const [created] = await ctx.db
    .insert(rateLimitSalts)
    .values({ day, salt: ctx.random(32) })
    .onConflictDoNothing()
    .returning({ salt: rateLimitSalts.salt })
  if (created !== undefined) {
    // A new day: forget the salts (and the counters) older than yesterday.
    const old = new Date(ctx.clock.now().getTime() - 2 * DAY_MS).toISOString().slice(0, 10)
    await ctx.db.delete(rateLimitSalts).where(lt(rateLimitSalts.day, old))
    await ctx.db
      .delete(rateLimitHits)
      .where(lt(rateLimitHits.windowStart, new Date(ctx.clock.now().getTime() - DAY_MS)))
    return created.salt
  }
  const [row] = await ctx.db
    .select({ salt: rateLimitSalts.salt })
    .from(rateLimitSalts)
    .where(eq(rateLimitSalts.day, day))
  if (row === undefined) throw new Error('rate limit salt vanished')
  return row.salt
}

/** One attempt: which counter, and whose (a client key, an invitation id, …). */
export interface RateLimitHit {
  rule: RateLimit
  key: string
}

/**
 * Counts one attempt; throws RATE_LIMITED (with the seconds until the window ends) past the limit.
 * @example await hitRateLimit(ctx, { rule: SIGN_IN_LIMIT, key: clientKey })
 */
export async function hitRateLimit(
  ctx: ServiceContext,
  { rule, key }: RateLimitHit,
): Promise<void> {
  const now = ctx.clock.now().getTime()
  const windowStart = now - (now % rule.windowMs)
  const salt = await saltOf(ctx, new Date(now).toISOString().slice(0, 10))
  const bucket = await sha256(concatBytes(salt, utf8(`${rule.scope}\n${key}\n${windowStart}`)))
  const [row] = await ctx.db
    .insert(rateLimitHits)
    .values({ bucket, windowStart: new Date(windowStart), hits: 1 })
    .onConflictDoUpdate({
      target: rateLimitHits.bucket,
      set: { hits: sql`${rateLimitHits.hits} + 1` },
    })
    .returning({ hits: rateLimitHits.hits })
  if ((row?.hits ?? 0) > rule.limit) {
    const retryAfter = Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000))
    throw new ServiceError('RATE_LIMITED', `too many ${rule.scope} attempts; try again later`, {
      field: rule.scope,
      retryAfter,
    })
  }
}
