/**
 * @module services/staff/revoke-token
 * `revokeApiToken`: the token stops working at once (verification reads the row on every request,
 * with no cache). The row stays, so the audit trail can still name it.
 */
import { and, eq, isNull } from 'drizzle-orm'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { apiTokens } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface RevokedToken {
  id: string
  revokedAt: string
}

/**
 * Idempotent: revoking a revoked token keeps its first revocation time. NOT_FOUND for an unknown id.
 * @example await revokeApiToken(ctx, 'k3v7q2m4x5za')
 */
export async function revokeApiToken(ctx: ServiceContext, id: string): Promise<RevokedToken> {
  const revoked = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, revokedAt: apiTokens.revokedAt })
    if (row !== undefined)
      await recordAudit({ ...ctx, db: tx }, { action: 'token.revoke', targetId: id })
    return row
  })
  if (revoked?.revokedAt) {
    ctx.logger.info('api token revoked', { tokenId: id })
    return { id, revokedAt: revoked.revokedAt.toISOString() }
  }
  const [existing] = await ctx.db
    .select({ revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(eq(apiTokens.id, id))
  if (existing?.revokedAt) return { id, revokedAt: existing.revokedAt.toISOString() }
  throw new ServiceError('NOT_FOUND', `no API token with id ${id}`, { field: 'id' })
}
