/**
 * @module platform/db/schema/witness
 * Witnessing, both sides (docs/WITNESSES.md). A witness (`vigil witness`) keeps, per log it
 * follows, the latest checkpoint it cosigned (the check-and-update locks that row), and the
 * evidence of every inconsistency it was shown. A log keeps the cosignatures its witnesses
 * returned, by checkpoint size, so any instance can serve the cosigned checkpoint.
 */
import { sql } from 'drizzle-orm'
import { bigint, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

/** Witness side: one row per followed origin, created at start with size 0 and the empty root. */
export const witnessLogs = pgTable('witness_logs', {
  origin: text('origin').primaryKey(),
  size: bigint('size', { mode: 'bigint' }).notNull(),
  root: bytea('root').notNull(),
  /** The log-signed checkpoint note last cosigned, with this witness's cosignature line. */
  note: text('note'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/** Witness side: two checkpoints the log signed that cannot both hold, and the failing proof. */
export const witnessEvidence = pgTable(
  'witness_evidence',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    origin: text('origin').notNull(),
    /** The refusal code (WITNESS_INCONSISTENT). */
    reason: text('reason').notNull(),
    message: text('message').notNull(),
    oldSize: bigint('old_size', { mode: 'bigint' }).notNull(),
    /** The cosigned checkpoint the new one contradicts. */
    oldNote: text('old_note').notNull(),
    newNote: text('new_note').notNull(),
    /** The consistency proof offered, one standard-base64 hash per line. */
    proof: text('proof').notNull(),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('witness_evidence_origin').on(t.origin)],
)

/** Log side: each witness's cosignature line on a checkpoint, as the witness returned it. */
export const logCosignatures = pgTable(
  'log_cosignatures',
  {
    size: bigint('size', { mode: 'bigint' }).notNull(),
    /** The witness's name in this log's policy. */
    witness: text('witness').notNull(),
    /** The note signature line (`— name base64`), verified against the witness key. */
    line: text('line').notNull(),
    /** The cosignature's own timestamp (POSIX seconds). */
    cosignedAt: bigint('cosigned_at', { mode: 'bigint' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.size, t.witness] }),
    index('log_cosignatures_witness').on(t.witness, t.size),
  ],
)
