/**
 * @module services/staff/list-audit
 * `listAuditEvents`: newest first, filtered, paged by id (a keyset cursor, so pages stay stable
 * while new rows arrive). For admins and auditors.
 */
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm'
import type { AuditEventView, AuditPage } from '../../core/api-types/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { auditEvents } from '../../platform/db/index.ts'

export interface AuditQuery {
  /** Rows with an id below this (the previous page's `next`). */
  before?: number | undefined
  limit?: number | undefined
  action?: string | undefined
  actorId?: string | undefined
  targetId?: string | undefined
  requestId?: string | undefined
  from?: Date | undefined
  to?: Date | undefined
}

/** The JSON the staff console reads: declared in core, where the page imports it too. */
export type { AuditEventView, AuditPage }

export const MAX_AUDIT_PAGE = 200

/** @example const { events, next } = await listAuditEvents(ctx, { action: 'token.create' }) */
export async function listAuditEvents(
  ctx: ServiceContext,
  query: AuditQuery = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_AUDIT_PAGE)
  const where: SQL[] = []
  if (query.before !== undefined) where.push(lt(auditEvents.id, query.before))
  if (query.action !== undefined) where.push(eq(auditEvents.action, query.action))
  if (query.actorId !== undefined) where.push(eq(auditEvents.actorId, query.actorId))
  if (query.targetId !== undefined) where.push(eq(auditEvents.targetId, query.targetId))
  if (query.requestId !== undefined) where.push(eq(auditEvents.requestId, query.requestId))
  if (query.from !== undefined) where.push(gte(auditEvents.at, query.from))
  if (query.to !== undefined) where.push(lt(auditEvents.at, query.to))
  const rows = await ctx.db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  return {
    events: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: { kind: r.actorKind, id: r.actorId, name: r.actorName },
      role: r.role,
      action: r.action,
      targetId: r.targetId,
      requestId: r.requestId,
      detail: r.detail ?? null,
    })),
    next: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  }
}
