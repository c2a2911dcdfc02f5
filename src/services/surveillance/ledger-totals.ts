/**
 * @module services/surveillance/ledger-totals
 * The ledger's own public totals: credentials issued and revoked per day, counted from the log's
 * entries (leaf kind and hour-rounded time, core/leaf), so anyone holding the log can recount
 * them. Counted incrementally: a watermark row remembers the next index to read, and each call
 * reads only the entries integrated since, under that row's lock. The totals change only with
 * the watermark, so a process may keep the totals it read for as long as the watermark stands.
 */
import { eq, sql } from 'drizzle-orm'
import type { LedgerDay, PublicStats } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { ledgerDailyTotals, ledgerTotalsState, rowsOf } from '../../platform/db/index.ts'
import { listEntries } from '../ledger/index.ts'

const PAGE = 5000
/** Entries read per call, so that the first call on a large log stays bounded. */
const MAX_PER_CALL = 200_000

const COUNTED = new Set(['credential', 'revocation'])

/**
 * Counts the entries integrated since the last call; returns the next index to count, or null
 * when another request is counting right now. That one holds the watermark row: waiting for it
 * would hold a pooled connection idle and make every public request queue behind one counter,
 * so this request answers with the totals committed so far (and says how far they go).
 */
export async function refreshLedgerTotals(ctx: ServiceContext): Promise<bigint | null> {
  return ctx.db.transaction(async (tx) => {
    let [state] = await tx
      .select()
      .from(ledgerTotalsState)
      .where(eq(ledgerTotalsState.id, 1))
      .for('update', { skipLocked: true })
    if (state === undefined) {
      // No row yet, or one locked by another counter: only the request that creates it counts.
      ;[state] = await tx
        .insert(ledgerTotalsState)
        .values({ id: 1, nextIndex: 0n })
        .onConflictDoNothing()
        .returning()
      if (state === undefined) return null
    }
    let next = state.nextIndex
    const start = next
    const counts = new Map<string, number>()
    while (next - start < BigInt(MAX_PER_CALL)) {
      const entries = await listEntries({ ...ctx, db: tx }, { start: next, limit: PAGE })
      for (const e of entries) {
        if (!COUNTED.has(e.kind)) continue
        const key = `${e.time.slice(0, 10)} ${e.kind}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
      next += BigInt(entries.length)
      if (entries.length < PAGE) break
    }
    if (counts.size > 0)
      await tx
        .insert(ledgerDailyTotals)
        .values(
          [...counts].map(([key, n]) => {
            const [day, kind] = key.split(' ') as [string, string]
            return { day, kind, n }
          }),
        )
        .onConflictDoUpdate({
          target: [ledgerDailyTotals.day, ledgerDailyTotals.kind],
          set: { n: sql`${ledgerDailyTotals.n} + excluded.n` },
        })
    if (next !== start)
      await tx.update(ledgerTotalsState).set({ nextIndex: next }).where(eq(ledgerTotalsState.id, 1))
    return next
  })
}

/**
 * The totals as committed, with the watermark they go with: one statement, so one snapshot
 * (the totals and the watermark change together, in refreshLedgerTotals's transaction).
 */
export async function readLedgerTotals(
  ctx: ServiceContext,
  since: string,
): Promise<PublicStats['ledger']> {
  const [row] = rowsOf<{ counted: unknown; days: unknown; issued: unknown; revoked: unknown }>(
    await ctx.db.execute(sql`
      select
        (select next_index from ledger_totals_state where id = 1) as counted,
        (select coalesce(json_agg(json_build_object('day', day::text, 'kind', kind, 'n', n)
           order by day, kind), '[]'::json)
         from ledger_daily_totals where day >= ${since}) as days,
        (select coalesce(sum(n), 0) from ledger_daily_totals where kind = 'credential') as issued,
        (select coalesce(sum(n), 0) from ledger_daily_totals where kind = 'revocation') as revoked`),
  )
  const rows = parseJson(row?.days) as { day: string; kind: string; n: number }[]
  const days = new Map<string, LedgerDay>()
  for (const r of rows) {
    const d = days.get(r.day) ?? { day: r.day, issued: 0, revoked: 0 }
    if (r.kind === 'credential') d.issued += r.n
    else d.revoked += r.n
    days.set(r.day, d)
  }
  return {
    days: [...days.values()],
    total: { issued: Number(row?.issued ?? 0), revoked: Number(row?.revoked ?? 0) },
    entriesCounted: row?.counted === null || row?.counted === undefined ? 0 : Number(row.counted),
  }
}

/** A json column: postgres.js and PGlite parse it; a driver that does not gives the text. */
export const parseJson = (value: unknown): unknown =>
  typeof value === 'string' ? JSON.parse(value) : value
