/**
 * @module services/shl/manage
 * The holder's management of their links: list them with who opened them, re-label, deactivate.
 * A deactivated link answers 404 from then on (IG §Manifest Request); its sealed key (long-term
 * links) is deleted at once, so nothing on the server can open its files again.
 */
import { and, desc, eq } from 'drizzle-orm'
import type { ShlLinkView } from '../../core/api-types/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { shlLinks } from '../../platform/db/index.ts'
import { ServiceError, validationError } from '../../platform/errors/index.ts'
import { authorizeOwner, type Owner } from './holder.ts'
import { ShlLinkChange } from './input.ts'
import { linkViews } from './links.ts'

const MAX_LINKS = 200

export async function listShlLinks(ctx: ServiceContext, owner: Owner): Promise<ShlLinkView[]> {
  const holder = await authorizeOwner(ctx, owner)
  const links = await ctx.db
    .select()
    .from(shlLinks)
    .where(eq(shlLinks.ownerId, holder.id))
    .orderBy(desc(shlLinks.createdAt), desc(shlLinks.id))
    .limit(MAX_LINKS)
  return linkViews(ctx, links)
}

export async function changeShlLink(
  ctx: ServiceContext,
  { owner, linkId, change }: { owner: Owner; linkId: string; change: unknown },
): Promise<ShlLinkView> {
  const parsed = ShlLinkChange.safeParse(change)
  if (!parsed.success) throw validationError(parsed.error.issues, 'invalid change')
  const holder = await authorizeOwner(ctx, owner)
  const { label, active } = parsed.data
  const set = {
    ...(label === undefined ? {} : { label }),
    ...(active === false ? { active: false, deactivatedAt: ctx.clock.now(), keySealed: null } : {}),
  }
  const [row] = await ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(shlLinks)
      .set(set)
      .where(and(eq(shlLinks.id, linkId), eq(shlLinks.ownerId, holder.id)))
      .returning()
    if (updated.length > 0) {
      await recordAudit(
        { ...ctx, db: tx },
        { action: active === false ? 'shl.deactivate' : 'shl.relabel', targetId: linkId },
      )
    }
    return updated
  })
  // Another holder's link answers as an unknown one.
  if (row === undefined)
    throw new ServiceError('NOT_FOUND', `no link ${linkId}`, { field: 'linkId' })
  const [view] = await linkViews(ctx, [row])
  return view as ShlLinkView
}
