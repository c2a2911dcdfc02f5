/**
 * @module platform/db/schema/shards
 * The log's time shards (docs/LEDGER.md "Shards"), as Certificate Transparency shards its logs so
 * none grows without bound. Each shard is its own log (c2sp.org/tlog-checkpoint: another origin
 * is another log) with its own key. The active shard's tiles, entries and checkpoints are the
 * `log_*` tables in the default schema, so the append path is unchanged; `vigil log rotate` moves
 * a frozen shard's tables into the Postgres schema `log_shard_<id>` (ALTER TABLE … SET SCHEMA:
 * no copy, the rows stay where they are) and reads them from there with `search_path`. No row
 * while the log was never rotated: the one log is shard 1.
 */
import { sql } from 'drizzle-orm'
import { bigint, check, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

export const logShards = pgTable(
  'log_shards',
  {
    /** 1, 2, …: also the path segment of its read routes (`/log/<id>/…`). */
    id: smallint('id').primaryKey(),
    /** The checkpoint origin line (and the signed-note name of its key). */
    origin: text('origin').notNull(),
    /** The log key's id in `keys` (kept, retired, after the shard is frozen). */
    keyId: text('key_id').notNull(),
    /** `active` (appends go here; exactly one) or `frozen` (read-only, final size recorded). */
    state: text('state').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }),
    finalSize: bigint('final_size', { mode: 'bigint' }),
    /** The final checkpoint (with its `final` line), with the witness cosignatures collected. */
    finalNote: text('final_note'),
  },
  (t) => [
    uniqueIndex('log_shards_origin').on(t.origin),
    // One active shard: two racing rotations cannot both leave theirs active.
    uniqueIndex('log_shards_one_active').on(t.state).where(sql`${t.state} = 'active'`),
    check('log_shards_state', sql`${t.state} in ('active', 'frozen')`),
    check(
      'log_shards_final',
      sql`(${t.state} = 'active') = (${t.finalSize} is null and ${t.finalNote} is null)`,
    ),
  ],
)
