/**
 * @module services/staff/verify-token
 * `verifyApiToken`: bearer token → the Actor it stands for, or undefined. Every failure (malformed,
 * unknown, wrong secret, revoked, expired) is the same undefined, so a caller cannot tell which.
 */
import { and, eq, inArray, isNull, lte, or } from 'drizzle-orm'
import { equalBytes } from '../../core/codec/index.ts'
import type { Actor, ServiceContext } from '../../platform/context/index.ts'
import type { Db } from '../../platform/db/index.ts'
import { apiTokens, perDb, ReadBatcher } from '../../platform/db/index.ts'
import { knownRoles } from './fields.ts'
import { hashSecret, parseToken } from './token-format.ts'

/** `last_used_at` is for humans ("is this token still in use?"): a minute's precision is enough. */
const TOUCH_INTERVAL_MS = 60_000

const TOKEN_COLUMNS = {
  id: apiTokens.id,
  name: apiTokens.name,
  roles: apiTokens.roles,
  secretHash: apiTokens.secretHash,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
  lastUsedAt: apiTokens.lastUsedAt,
}

/** Token rows by id; concurrent requests share one query (see db/read-batch.ts). */
const tokenReader = perDb(
  (db: Db) =>
    new ReadBatcher(async (ids: string[]) => {
      const rows = await db.select(TOKEN_COLUMNS).from(apiTokens).where(inArray(apiTokens.id, ids))
      return new Map(rows.map((r) => [r.id, r]))
    }),
)

/**
 * @example
 * const actor = await verifyApiToken(ctx, header.slice('Bearer '.length))
 * if (actor?.roles.includes('issuer')) …
 */
export async function verifyApiToken(
  ctx: ServiceContext,
  token: string,
): Promise<Actor | undefined> {
  const parsed = parseToken(token)
  if (parsed === undefined) return undefined
  const row = await tokenReader(ctx.db).get(parsed.id)
  // The id is public (shown in lists and logs), so answering faster for an unknown id leaks nothing.
  if (row === undefined) return undefined
  // Constant time over the hash, as hono's bearerAuth does, so timing reveals no prefix.
  if (!equalBytes(await hashSecret(parsed.secret), row.secretHash)) return undefined
  const now = ctx.clock.now()
  if (row.revokedAt !== null || row.expiresAt.getTime() <= now.getTime()) return undefined
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS)
    await touch(ctx, row.id, now)
  // A role dropped from ROLES after the token was made grants nothing.
  return { kind: 'token', id: row.id, name: row.name, roles: knownRoles(row.roles) }
}

/**
 * At most one write a minute per token. The condition is repeated in SQL so that instances racing
 * on the same token write once; a failed write is logged, never a failed request.
 */
async function touch(ctx: ServiceContext, id: string, now: Date): Promise<void> {
  const stale = new Date(now.getTime() - TOUCH_INTERVAL_MS)
  try {
    await ctx.db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, id),
          or(isNull(apiTokens.lastUsedAt), lte(apiTokens.lastUsedAt, stale)),
        ),
      )
  } catch (err) {
    ctx.logger.warn('could not record api token use', { tokenId: id, error: String(err) })
  }
}
