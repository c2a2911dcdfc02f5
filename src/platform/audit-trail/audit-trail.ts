/**
 * @module platform/audit-trail/audit-trail
 * The audit trail: `recordAudit(ctx, event)` is called once by every service verb that changes
 * state. Who acted, under which role and in which request all come from the context: the HTTP
 * layer puts the actor, the role the route let it through with and the request id on each
 * request's copy; the CLI's context carries the command line as its actor. A verb that acts for
 * someone else (a new person enrolling, a self-service action that needs no role) passes a
 * context saying so. The table is append-only (a trigger), and the staff service's audit digest
 * commits each day's rows to the ledger.
 */
import { type Actor, COMMAND_LINE, type ServiceContext } from '../context/index.ts'
import { auditEvents } from '../db/index.ts'

export interface AuditEvent {
  /** `<object>.<verb>`: credential.issue, token.revoke, session.sign-in, … */
  action: string
  targetId?: string | undefined
  /** Small and non-personal: roles granted, a reason code, a count. */
  detail?: Record<string, unknown> | undefined
}

const ANONYMOUS: Actor = { kind: 'system', id: 'anonymous', name: 'anonymous', roles: [] }

/**
 * Who the trail names for a context: its actor; without one, an anonymous client inside a request
 * and the operator outside one (a timer or a test on the server acts as the command line does).
 */
export function auditActor(ctx: ServiceContext): Actor {
  return ctx.actor ?? (ctx.requestId === undefined ? COMMAND_LINE : ANONYMOUS)
}

/**
 * Appends one row. Call it inside the action's transaction when there is one (pass `{ ...ctx,
 * db: tx }`), so an action and its record commit together.
 * @example await recordAudit(ctx, { action: 'token.revoke', targetId: id })
 */
export async function recordAudit(ctx: ServiceContext, event: AuditEvent): Promise<void> {
  await ctx.db.insert(auditEvents).values(auditRow(ctx, event))
}

/** The row `recordAudit` writes, for services that insert many in one statement. */
export function auditRow(ctx: ServiceContext, event: AuditEvent): typeof auditEvents.$inferInsert {
  const actor = auditActor(ctx)
  return {
    at: ctx.clock.now(),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    role: ctx.role ?? null,
    action: event.action,
    targetId: event.targetId ?? null,
    requestId: ctx.requestId ?? null,
    detail: event.detail ?? null,
  }
}
