/**
 * @module platform/audit-trail/audit-trail
 * The audit trail: `recordAudit(ctx, event)` is called once by every service verb that changes
 * state. Who acted and under which request comes from the context: the HTTP layer puts the actor,
 * the role the route was allowed under and the request id on the per-request context
 * (`AuditScope`); the CLI passes a system actor. The table is append-only (a trigger), and
 * `audit-digest.ts` commits each day's rows to the ledger.
 */
import type { Actor, Role, ServiceContext } from '../context/index.ts'
import { auditEvents } from '../db/index.ts'

/** Who acted: a person, an API token, or Vigil itself (the CLI, the first start). */
export interface AuditActor {
  kind: Actor['kind'] | 'system'
  id: string
  name: string
}

/** What the HTTP layer adds to a request's context (see http/middleware/auth.ts). */
export interface AuditScope {
  actor?: Actor | undefined
  /** The role `requireRole` let the request through with. */
  role?: Role | undefined
  requestId?: string | undefined
}

export interface AuditEvent {
  /** `<object>.<verb>`: credential.issue, token.revoke, session.sign-in, … */
  action: string
  targetId?: string | undefined
  /** Overrides the scope's actor (services that receive the actor as an argument). */
  actor?: AuditActor | undefined
  /** Overrides the scope's role (e.g. self-service actions record none). */
  role?: Role | null | undefined
  /** Small and non-personal: roles granted, a reason code, a count. */
  detail?: Record<string, unknown> | undefined
}

/** The actor of CLI commands run on the server (`vigil admin invite`, `vigil tokens create`). */
export const CLI_ACTOR: AuditActor = { kind: 'system', id: 'cli', name: 'vigil command line' }
export const ANONYMOUS_ACTOR: AuditActor = { kind: 'system', id: 'anonymous', name: 'anonymous' }

type AuditCtx = Pick<ServiceContext, 'db' | 'clock'> & AuditScope

/** The context's actor as the audit trail names it. */
export function scopeActor(ctx: AuditScope): AuditActor {
  const actor = ctx.actor
  if (actor !== undefined) return { kind: actor.kind, id: actor.id, name: actor.name }
  // An HTTP request has a request id; without one the caller is the command line.
  return ctx.requestId === undefined ? CLI_ACTOR : ANONYMOUS_ACTOR
}

/**
 * Appends one row. Call it inside the action's transaction when there is one (pass `{ ...ctx,
 * db: tx }`), so an action and its record commit together.
 * @example await recordAudit(ctx, { action: 'token.revoke', targetId: id })
 */
export async function recordAudit(ctx: AuditCtx, event: AuditEvent): Promise<void> {
  await ctx.db.insert(auditEvents).values(auditRow(ctx, event))
}

/** The row `recordAudit` writes, for services that insert many in one statement. */
export function auditRow(
  ctx: Pick<ServiceContext, 'clock'> & AuditScope,
  event: AuditEvent,
): typeof auditEvents.$inferInsert {
  const actor = event.actor ?? scopeActor(ctx)
  return {
    at: ctx.clock.now(),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    role: event.role === undefined ? (ctx.role ?? null) : event.role,
    action: event.action,
    targetId: event.targetId ?? null,
    requestId: ctx.requestId ?? null,
    detail: event.detail ?? null,
  }
}
