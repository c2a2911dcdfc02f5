/**
 * @module services/surveillance/budget
 * The per-person daily privacy budget: each differentially private query spends its ε from the
 * asker's allowance for the UTC day (`staff:<id>` or `token:<id>`), atomically, so two parallel
 * queries cannot both spend the last of it. Once spent, queries with noise are refused with
 * DP_BUDGET_EXHAUSTED until the next UTC day.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Budget } from '../../core/stats/index.ts'
import { type Actor, requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { type Db, dpBudget, rowsOf } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { toDay } from './periods.ts'

const TOLERANCE = 1e-9
export const actorKey = (actor: Actor) => `${actor.kind}:${actor.id}`

function secondsToMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)
  return Math.ceil((next - now.getTime()) / 1000)
}

/** The asker's budget for today (the context's actor: an epidemiologist or a token). */
export async function readBudget(ctx: ServiceContext): Promise<Budget> {
  const actor = requireActor(ctx)
  const day = toDay(ctx.clock.now().getTime())
  const daily = ctx.config.surveillance.dailyEpsilon
  const [row] = await ctx.db
    .select({ spent: dpBudget.spent })
    .from(dpBudget)
    .where(and(eq(dpBudget.actor, actorKey(actor)), eq(dpBudget.day, day)))
  const spent = row?.spent ?? 0
  return { daily, spent, remaining: Math.max(0, daily - spent), day }
}

/** The refusal of a query asking ε when `spent` of today's allowance is gone. */
export function budgetRefusal(ctx: ServiceContext, epsilon: number, spent: number): ServiceError {
  const now = ctx.clock.now()
  const daily = ctx.config.surveillance.dailyEpsilon
  return new ServiceError(
    'DP_BUDGET_EXHAUSTED',
    `today's privacy budget is spent: ε ${epsilon} asked, ${Math.max(0, daily - spent).toFixed(3)} of ${daily} left until 00:00 UTC`,
    { field: 'epsilon', retryAfter: secondsToMidnight(now) },
  )
}

/** Whether ε fits in what is left of `budget` (the tolerance the spend itself allows). */
export const fitsBudget = (budget: Budget, epsilon: number) =>
  budget.spent + epsilon <= budget.daily + TOLERANCE

/**
 * Spends ε of today's budget, or spends nothing and answers undefined when it does not fit. `db`
 * is a transaction when the spend must stand or fall with what it pays for (a view's release).
 */
export async function trySpendBudget(
  ctx: ServiceContext,
  epsilon: number,
  db: Db = ctx.db,
): Promise<Budget | undefined> {
  const actor = requireActor(ctx)
  const day = toDay(ctx.clock.now().getTime())
  const daily = ctx.config.surveillance.dailyEpsilon
  if (epsilon > daily + TOLERANCE) return undefined
  // The conditional upsert is the check and the spend in one statement.
  const result = await db.execute(sql`
    insert into ${dpBudget} (actor, day, spent) values (${actorKey(actor)}, ${day}, ${epsilon})
    on conflict (actor, day) do update set spent = ${dpBudget}.spent + excluded.spent
    where ${dpBudget}.spent + excluded.spent <= ${daily + TOLERANCE}
    returning spent`)
  const [row] = rowsOf<{ spent: number | string }>(result)
  if (row === undefined) return undefined
  const spent = Number(row.spent)
  return { daily, spent, remaining: Math.max(0, daily - spent), day }
}

/** Spends ε of today's budget or throws DP_BUDGET_EXHAUSTED (nothing is spent then). */
export async function spendBudget(ctx: ServiceContext, epsilon: number): Promise<Budget> {
  const spent = await trySpendBudget(ctx, epsilon)
  if (spent !== undefined) return spent
  throw budgetRefusal(ctx, epsilon, (await readBudget(ctx)).spent)
}
