/**
 * @module services/surveillance/facts
 * Writing facts: the rows, and in the same transaction their rollups (one upsert per touched
 * cell, summed in memory first), so a query never sees a fact without its counts or the reverse.
 * Cells are upserted in key order, so two writers never wait on each other in a cycle.
 */
import { type SQL, sql } from 'drizzle-orm'
import { GRAINS } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { facts, surveillanceRollups } from '../../platform/db/index.ts'
import { dimensionsOf, type FactRow, measuresOf } from './measures.ts'
import { periodStart } from './periods.ts'

/** Rows per statement. */
const FACT_CHUNK = 20_000
const CELL_CHUNK = 20_000

export interface RollupCell {
  grain: string
  measure: string
  dim: string
  period: string
  region: string
  value: string
  n: number
}

/**
 * The rollup deltas of a set of facts, one entry per cell, in key order. Identical facts are
 * counted first (a day's facts have a few thousand distinct shapes), then each shape is spread
 * over its grains, measures and dimensions once.
 */
export function rollupDeltas(rows: readonly FactRow[]): RollupCell[] {
  const shapes = new Map<string, { fact: FactRow; n: number }>()
  for (const f of rows) {
    const key = `${f.day}\u0001${f.region}\u0001${f.kind}\u0001${f.product}\u0001${f.dose}\u0001${f.ageBand}\u0001${f.result}\u0001${f.testType}\u0001${f.reportType}\u0001${f.seriesComplete}`
    const shape = shapes.get(key)
    if (shape === undefined) shapes.set(key, { fact: f, n: 1 })
    else shape.n++
  }
  const cells = new Map<string, RollupCell>()
  for (const { fact: f, n } of shapes.values()) {
    const region = f.region ?? ''
    const dims = dimensionsOf(f)
    for (const grain of GRAINS) {
      const period = periodStart(grain, f.day)
      for (const measure of measuresOf(f)) {
        for (const [dim, value] of dims) {
          const key = `${grain}\u0000${measure}\u0000${dim}\u0000${period}\u0000${region}\u0000${value}`
          const cell = cells.get(key)
          if (cell === undefined) cells.set(key, { grain, measure, dim, period, region, value, n })
          else cell.n += n
        }
      }
    }
  }
  return [...cells.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c)
}

/**
 * The INSERT of a chunk of facts. Rows travel as one JSON parameter (`json_to_recordset`): one
 * bind value instead of tens of thousands, several times faster than a multi-row VALUES list on
 * both engines. A statement, so the issuing path can put it in its one-statement write.
 */
export function insertFactsSql(rows: readonly FactRow[]): SQL {
  const json = JSON.stringify(
    rows.map((f) => ({
      day: f.day,
      region: f.region,
      kind: f.kind,
      product: f.product,
      dose: f.dose,
      age_band: f.ageBand,
      result: f.result,
      test_type: f.testType,
      report_type: f.reportType,
      series_complete: f.seriesComplete,
    })),
  )
  return sql`
    insert into ${facts} (day, region, kind, product, dose, age_band, result, test_type,
      report_type, series_complete)
    select day, region, kind, product, dose, age_band, result, test_type, report_type,
      series_complete
    from json_to_recordset(${json}::json) as t(day date, region text, kind text, product text,
      dose smallint, age_band text, result text, test_type text, report_type text,
      series_complete boolean)`
}

/**
 * The upsert adding a chunk of cells to the rollups. Each cell appears once (rollupDeltas sums
 * them), as ON CONFLICT DO UPDATE may touch a row only once per statement.
 */
export function upsertRollupsSql(cells: readonly RollupCell[]): SQL {
  const json = JSON.stringify(cells)
  return sql`
    insert into ${surveillanceRollups} (grain, measure, dim, period, region, value, n)
    select grain, measure, dim, period, region, value, n
    from json_to_recordset(${json}::json) as t(grain text, measure text, dim text, period date,
      region text, value text, n bigint)
    on conflict (grain, measure, dim, period, region, value)
    do update set n = ${surveillanceRollups}.n + excluded.n`
}

/**
 * Inserts facts and adds them to the rollups. Call it inside the writer's transaction (pass
 * `{ ...ctx, db: tx }`), so the facts and their counts commit together.
 */
export async function recordFacts(ctx: ServiceContext, rows: readonly FactRow[]): Promise<void> {
  if (rows.length === 0) return
  for (let i = 0; i < rows.length; i += FACT_CHUNK)
    await ctx.db.execute(insertFactsSql(rows.slice(i, i + FACT_CHUNK)))
  const cells = rollupDeltas(rows)
  for (let i = 0; i < cells.length; i += CELL_CHUNK)
    await ctx.db.execute(upsertRollupsSql(cells.slice(i, i + CELL_CHUNK)))
}

export interface IngestInput {
  /** Facts in batches (a day's at a time, say), best in date order. */
  facts: Iterable<readonly FactRow[]>
  /** Facts per transaction (default 20,000). */
  chunk?: number | undefined
  onProgress?: ((written: number) => void) | undefined
}

/**
 * Bulk ingest (demo, benchmark, imports): facts gathered into chunks of about `chunk` rows, each
 * written with its rollups in one transaction. Facts in date order touch few rollup cells per
 * chunk, which is what makes this fast. Returns the number of facts written.
 */
export async function ingestFacts(ctx: ServiceContext, input: IngestInput): Promise<number> {
  const chunk = input.chunk ?? 20_000
  let pending: FactRow[] = []
  let written = 0
  const flush = async () => {
    if (pending.length === 0) return
    const rows = pending
    pending = []
    await ctx.db.transaction((tx) => recordFacts({ ...ctx, db: tx }, rows))
    written += rows.length
    input.onProgress?.(written)
  }
  for (const batch of input.facts) {
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
