/**
 * @module services/credentials/revoke
 * Revocation (SHC 1.4 §Revocation): the card's `rid` joins the CRL of its key (counter bumped),
 * and a revocation entry — the SHA-256 of the revoked JWS — goes into the ledger, so a verifier
 * can prove the revocation was published too.
 */
import { and, eq, sql } from 'drizzle-orm'
import { roundToHour } from '../../core/leaf/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { credentials, crlState } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface RevokedCredential {
  id: string
  revokedAt: Date
  reason: string
  leafIndex: bigint
  receipt: string
}

/** Revokes credential `id` for the context's actor, recording `reason` with it. */
export async function revokeCredential(
  ctx: ServiceContext,
  { id, reason }: { id: string; reason: string },
): Promise<RevokedCredential> {
  requireActor(ctx)
  const [row] = await ctx.db.select().from(credentials).where(eq(credentials.id, id))
  if (row === undefined) throw new ServiceError('NOT_FOUND', `no credential ${id}`, { field: 'id' })
  if (row.status === 'revoked') {
    throw new ServiceError('CONFLICT', `credential ${id} is already revoked`, { field: 'id' })
  }
  const now = ctx.clock.now()
  const [logged] = await ctx.ledger.append([
    {
      kind: 'revocation',
      artefactHash: row.jwsHash,
      keyId: row.issuerKid,
      time: roundToHour(Math.floor(now.getTime() / 1000)),
    },
  ])
  if (logged === undefined) throw new Error('ledger returned no entry')
  await ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(credentials)
      .set({
        status: 'revoked',
        revokedAt: now,
        revocationReason: reason,
        revocationLeafIndex: logged.index,
      })
      .where(and(eq(credentials.id, id), eq(credentials.status, 'active')))
      .returning({ id: credentials.id })
    if (updated.length === 0)
      throw new ServiceError('CONFLICT', `credential ${id} was revoked meanwhile`)
    await tx
      .insert(crlState)
      // A key's CRL starts at ctr 1 (empty); the first revocation publishes ctr 2.
      .values({ kid: row.issuerKid, ctr: 2, updatedAt: now })
      .onConflictDoUpdate({
        target: crlState.kid,
        set: { ctr: sql`${crlState.ctr} + 1`, updatedAt: now },
      })
    // The reason is free text (it may name someone), so the trail keeps only the action.
    await recordAudit({ ...ctx, db: tx }, { action: 'credential.revoke', targetId: id })
  })
  return { id, revokedAt: now, reason, leafIndex: logged.index, receipt: logged.receipt }
}
