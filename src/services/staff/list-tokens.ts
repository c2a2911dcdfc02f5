/**
 * @module services/staff/list-tokens
 * `listApiTokens`: what an administrator reviews. The secret hash is never selected, so no view
 * of a token can carry it.
 */
import { asc } from 'drizzle-orm'
import type { TokenStatus, TokenView } from '../../core/api-types/index.ts'
import type { Role, ServiceContext } from '../../platform/context/index.ts'
import { apiTokens } from '../../platform/db/index.ts'

/** The JSON the admin page reads: declared in core, where the page imports it too. */
export type { TokenStatus, TokenView }

/** @example for (const t of await listApiTokens(ctx)) console.log(t.id, t.status) */
export async function listApiTokens(ctx: ServiceContext): Promise<TokenView[]> {
  const rows = await ctx.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      roles: apiTokens.roles,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id))
  const now = ctx.clock.now().getTime()
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    roles: row.roles as Role[],
    status:
      row.revokedAt !== null ? 'revoked' : row.expiresAt.getTime() <= now ? 'expired' : 'active',
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  }))
}
