/**
 * @module surveillance/facts
 * Writing facts: the rows, and in the same transaction their rollups (one upsert per touched
 * cell, summed in memory first), so a query never sees a fact without its counts or the reverse.
 * Cells are upserted in key order, so two writers never wait on each other in a cycle.
 */
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { facts, surveillanceRollups } from '../db/schema/index.ts'
import { dimensionsOf, type FactRow, measuresOf } from './measures.ts'
import { GRAINS, periodStart } from './periods.ts'

type Writer = Pick<Db, 'insert'>

/** Rows per INSERT: 11 parameters a fact and 7 a rollup cell stay under Postgres's 65,535. */
const FACT_CHUNK = 5000
const CELL_CHUNK = 8000

export interface RollupCell {
  grain: string
  measure: string
  dim: string
  period: string
  region: string
  value: string
  n: number
}

/** The rollup deltas of a set of facts, one entry per cell, in key order. */
export function rollupDeltas(rows: readonly FactRow[]): RollupCell[] {
  const cells = new Map<string, RollupCell>()
  for (const f of rows) {
    const region = f.region ?? ''
    const dims = dimensionsOf(f)
    for (const grain of GRAINS) {
      const period = periodStart(grain, f.day)
      for (const measure of measuresOf(f)) {
        for (const [dim, value] of dims) {
          const key = `${grain}\u0000${measure}\u0000${dim}\u0000${period}\u0000${region}\u0000${value}`
          const cell = cells.get(key)
          if (cell === undefined)
            cells.set(key, { grain, measure, dim, period, region, value, n: 1 })
          else cell.n++
        }
      }
    }
  }
  return [...cells.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c)
}

/** Inserts facts and adds them to the rollups; call inside the writer's transaction. */
export async function recordFacts(db: Writer, rows: readonly FactRow[]): Promise<void> {
  if (rows.length === 0) return
  for (let i = 0; i < rows.length; i += FACT_CHUNK)
    await db.insert(facts).values(rows.slice(i, i + FACT_CHUNK).map((f) => ({ ...f })))
  await addToRollups(db, rollupDeltas(rows))
}

export async function addToRollups(db: Writer, cells: readonly RollupCell[]): Promise<void> {
  for (let i = 0; i < cells.length; i += CELL_CHUNK) {
    await db
      .insert(surveillanceRollups)
      .values(cells.slice(i, i + CELL_CHUNK) as RollupCell[])
      .onConflictDoUpdate({
        target: [
          surveillanceRollups.grain,
          surveillanceRollups.measure,
          surveillanceRollups.dim,
          surveillanceRollups.period,
          surveillanceRollups.region,
          surveillanceRollups.value,
        ],
        set: { n: sql`${surveillanceRollups.n} + excluded.n` },
      })
  }
}

/**
 * Bulk ingest (demo, benchmark, imports): facts gathered into chunks of about `chunk` rows, each
 * written with its rollups in one transaction. Facts in date order touch few rollup cells per
 * chunk, which is what makes this fast. Returns the number of facts written.
 */
export async function ingestFacts(
  db: Db,
  batches: Iterable<readonly FactRow[]>,
  options: { chunk?: number; onProgress?: (written: number) => void } = {},
): Promise<number> {
  const chunk = options.chunk ?? 20_000
  let pending: FactRow[] = []
  let written = 0
  const flush = async () => {
    if (pending.length === 0) return
    const rows = pending
    pending = []
    await db.transaction((tx) => recordFacts(tx, rows))
    written += rows.length
    options.onProgress?.(written)
  }
  for (const batch of batches) {
    for (const f of batch) pending.push(f)
    if (pending.length >= chunk) await flush()
  }
  await flush()
  return written
}

/** An exposure fact: day, region when the code named one, kind, test or report type. Nothing else. */
export function exposureFact(
  kind: 'code-issued' | 'code-redeemed' | 'upload',
  day: string,
  fields: { region?: string | null; testType?: string | null; reportType?: string | null },
): FactRow {
  return {
    day,
    region: fields.region ?? null,
    kind,
    product: '',
    dose: null,
    ageBand: null,
    result: null,
    testType: fields.testType ?? null,
    reportType: fields.reportType ?? null,
    seriesComplete: false,
  }
}
