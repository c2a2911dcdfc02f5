/**
 * @module services/credentials/reissue
 * Correction: a new credential from corrected input, the old one revoked ("superseded"), both
 * linked (`replaces` / `replaced_by`). Erasure: the sealed personal data is deleted; the public
 * row and the ledger commitment stay and link to nothing.
 */
import { eq } from 'drizzle-orm'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { credentials } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import type { CredentialInput } from './input.ts'
import { type IssuedCredential, issueWith } from './issue.ts'
import { erasePersonalData } from './personal-data.ts'
import { revokeCredential } from './revoke.ts'

/** Corrects credential `id`: a new one from the corrected `input`, the old one superseded. */
export async function reissueCredential(
  ctx: ServiceContext,
  { id, input }: { id: string; input: CredentialInput },
): Promise<IssuedCredential & { replaces: string }> {
  requireActor(ctx)
  const [old] = await ctx.db.select().from(credentials).where(eq(credentials.id, id))
  if (old === undefined) throw new ServiceError('NOT_FOUND', `no credential ${id}`, { field: 'id' })
  if (old.status !== 'active') {
    throw new ServiceError(
      'CONFLICT',
      `credential ${id} is ${old.status}: only an active one can be corrected`,
      { field: 'id' },
    )
  }
  const issued = await issueWith(ctx, input, { replaces: id })
  await revokeCredential(ctx, { id, reason: `superseded by ${issued.id}` })
  await ctx.db.update(credentials).set({ replacedBy: issued.id }).where(eq(credentials.id, id))
  return { ...issued, replaces: id }
}

/** Erases the sealed personal data of credential `id` (crypto-shredding, docs/PRIVACY.md). */
export async function eraseCredentialPersonalData(ctx: ServiceContext, id: string): Promise<void> {
  const [row] = await ctx.db
    .select({ id: credentials.id })
    .from(credentials)
    .where(eq(credentials.id, id))
  if (row === undefined) throw new ServiceError('NOT_FOUND', `no credential ${id}`, { field: 'id' })
  await ctx.db.transaction(async (tx) => {
    const erased = await erasePersonalData({ ...ctx, db: tx }, id)
    if (!erased)
      throw new ServiceError('CONFLICT', `the personal data of ${id} is already erased`, {
        field: 'id',
      })
    // The list's `erased` filter reads this (its index), not the missing record. The import key
    // is keyed by a row that held the person's data: it goes too (a re-run of the file issues
    // that row again, as the operator then supplies the data again).
    await tx
      .update(credentials)
      .set({ erasedAt: ctx.clock.now(), importKey: null })
      .where(eq(credentials.id, id))
    await recordAudit({ ...ctx, db: tx }, { action: 'credential.erase', targetId: id })
  })
}
