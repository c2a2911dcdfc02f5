/**
 * @module surveillance/ledger-totals
 * The ledger's own public totals: credentials issued and revoked per day, counted from the log's
 * entries (leaf kind and hour-rounded time, core/entry), so anyone holding the log can recount
 * them. Counted incrementally: a watermark row remembers the next index to read, and each call
 * reads only the entries integrated since, under that row's lock.
 */
import { and, asc, eq, gte, sql } from 'drizzle-orm'
import type { LedgerDay, PublicStats } from '../core/stats/index.ts'
import type { Db } from '../db/client.ts'
import { ledgerDailyTotals, ledgerTotalsState } from '../db/schema/index.ts'
import { listEntries } from '../ledger/read.ts'

const PAGE = 5000
/** Entries read per call, so that the first call on a large log stays bounded. */
const MAX_PER_CALL = 200_000

const COUNTED = new Set(['credential', 'revocation'])

/** Counts the entries integrated since the last call; returns the next index to count. */
export async function refreshLedgerTotals(db: Db): Promise<bigint> {
  return db.transaction(async (tx) => {
    await tx.insert(ledgerTotalsState).values({ id: 1, nextIndex: 0n }).onConflictDoNothing()
    const [state] = await tx
      .select()
      .from(ledgerTotalsState)
      .where(eq(ledgerTotalsState.id, 1))
      .for('update')
    let next = state?.nextIndex ?? 0n
    const start = next
    const counts = new Map<string, number>()
    while (next - start < BigInt(MAX_PER_CALL)) {
      const entries = await listEntries(tx as unknown as Db, { start: next, limit: PAGE })
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

export async function ledgerTotals(db: Db, since: string): Promise<PublicStats['ledger']> {
  const countedThrough = await refreshLedgerTotals(db)
  const rows = await db
    .select()
    .from(ledgerDailyTotals)
    .where(and(gte(ledgerDailyTotals.day, since)))
    .orderBy(asc(ledgerDailyTotals.day))
  const all = await db
    .select({ kind: ledgerDailyTotals.kind, n: sql<string>`sum(${ledgerDailyTotals.n})` })
    .from(ledgerDailyTotals)
    .groupBy(ledgerDailyTotals.kind)
  const days = new Map<string, LedgerDay>()
  for (const r of rows) {
    const d = days.get(r.day) ?? { day: r.day, issued: 0, revoked: 0 }
    if (r.kind === 'credential') d.issued += r.n
    else d.revoked += r.n
    days.set(r.day, d)
  }
  const total = (kind: string) => Number(all.find((a) => a.kind === kind)?.n ?? 0)
  return {
    days: [...days.values()],
    total: { issued: total('credential'), revoked: total('revocation') },
    entriesCounted: Number(countedThrough),
  }
}
