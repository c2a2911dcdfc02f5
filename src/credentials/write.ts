/**
 * @module credentials/write
 * The rows of an issuance (public row, sealed personal data, de-identified facts and their
 * rollup cells, audit row) in
 * one statement (data-modifying CTEs: one implicit transaction, one round trip). Issuances that
 * reach this point together share it: four multi-row inserts instead of six round trips each. While a transaction runs, the next
 * issuances queue and go in the next one, so batches grow with load and cost nothing when idle.
 * A failed shared transaction is retried one issuance at a time, so one bad row (say, an import
 * key another instance just used) fails only its own request. Nothing is kept between batches.
 */
import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { credentialPersonalData, credentials } from '../db/schema/index.ts'
import { auditEvents } from '../db/schema/people.ts'
import { insertFactsSql, rollupDeltas, upsertRollupsSql } from '../surveillance/facts.ts'
import type { FactRow } from '../surveillance/measures.ts'

export interface IssuanceRows {
  credential: typeof credentials.$inferInsert
  personal: typeof credentialPersonalData.$inferInsert
  /** De-identified facts; their rollup cells are added in the same statement. */
  facts: FactRow[]
  audit: typeof auditEvents.$inferInsert
}

interface Waiting {
  rows: IssuanceRows
  resolve(): void
  reject(error: unknown): void
}

/** Most issuances in one transaction (bounds statement size: ~10 parameters a row). */
const MAX_BATCH = 500

class Writer {
  readonly #db: Db
  #queue: Waiting[] = []
  #running = false

  constructor(db: Db) {
    this.#db = db
  }

  write(rows: IssuanceRows): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject })
      // Wait one timer tick so the issuances one ledger step completed arrive together.
      if (!this.#running && this.#queue.length === 1) setTimeout(() => void this.#run(), 0)
    })
  }

  async #run(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH)
        try {
          await insertAll(
            this.#db,
            batch.map((w) => w.rows),
          )
          for (const w of batch) w.resolve()
        } catch (error) {
          if (batch.length === 1) (batch[0] as Waiting).reject(error)
          else
            await Promise.all(
              batch.map((w) => insertAll(this.#db, [w.rows]).then(w.resolve, w.reject)),
            )
        }
      }
    } finally {
      this.#running = false
    }
  }
}

/**
 * The inserts (and the rollup upsert) as one statement: a statement is atomic, so all rows commit or none do, and
 * BEGIN, three more round trips and COMMIT go (each was a wait on a loaded machine). No table
 * reads another's new rows, so the CTEs' shared snapshot does not matter.
 */
async function insertAll(db: Db, all: IssuanceRows[]): Promise<void> {
  const factRows = all.flatMap((r) => r.facts)
  const inserts: SQL[] = [
    db
      .insert(credentials)
      .values(all.map((r) => r.credential))
      .getSQL(),
    db
      .insert(credentialPersonalData)
      .values(all.map((r) => r.personal))
      .getSQL(),
    ...(factRows.length > 0
      ? [insertFactsSql(factRows), upsertRollupsSql(rollupDeltas(factRows))]
      : []),
  ]
  const ctes = sql.join(
    inserts.map((q, i) => sql`${sql.raw(`w${i}`)} as (${q})`),
    sql`, `,
  )
  const audit = db
    .insert(auditEvents)
    .values(all.map((r) => r.audit))
    .getSQL()
  await db.execute(sql`with ${ctes} ${audit}`)
}

const writers = new WeakMap<Db, Writer>()

/** Resolves once the rows are committed; rejects if their transaction failed (nothing written). */
export function writeIssuance(db: Db, rows: IssuanceRows): Promise<void> {
  let writer = writers.get(db)
  if (writer === undefined) {
    writer = new Writer(db)
    writers.set(db, writer)
  }
  return writer.write(rows)
}
