/**
 * @module platform/db/schema/ledger
 * The transparency log's storage (docs/LEDGER.md): c2sp.org/tlog-tiles tiles and entry bundles
 * as bytea rows. Everything but
 * `log_pending` and `log_state` is append-only; a tile or bundle row only ever grows, and a
 * partial `.p/W` resource is the first W items of the stored row, so it never changes.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

/** Entries waiting for the sequencer, in arrival order (the identity id). */
export const logPending = pgTable('log_pending', {
  id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
  entry: bytea('entry').notNull(),
})

/** Integrated leaves. `pending_id` lets any process find where its entry landed. */
export const logEntries = pgTable(
  'log_entries',
  {
    idx: bigint('idx', { mode: 'bigint' }).primaryKey(),
    pendingId: bigint('pending_id', { mode: 'bigint' }).notNull(),
    leafHash: bytea('leaf_hash').notNull(),
    entry: bytea('entry').notNull(),
  },
  (t) => [
    uniqueIndex('log_entries_pending_id').on(t.pendingId),
    index('log_entries_leaf_hash').on(t.leafHash),
  ],
)

/** Hash tiles (c2sp.org/tlog-tiles, height 8): `hashes` is `width` × 32 bytes. */
export const logTiles = pgTable(
  'log_tiles',
  {
    level: smallint('level').notNull(),
    idx: bigint('idx', { mode: 'bigint' }).notNull(),
    width: smallint('width').notNull(),
    hashes: bytea('hashes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.idx] })],
)

/** Entry bundles: `data` is `width` entries, each a big-endian u16 length and the bytes. */
export const logBundles = pgTable('log_bundles', {
  idx: bigint('idx', { mode: 'bigint' }).primaryKey(),
  width: smallint('width').notNull(),
  data: bytea('data').notNull(),
})

/** Every signed checkpoint, one per tree size: the hash chain (each names its predecessor). */
export const logCheckpoints = pgTable('log_checkpoints', {
  size: bigint('size', { mode: 'bigint' }).primaryKey(),
  note: text('note').notNull(),
  /** SHA-256 of the signed note bytes: what the next checkpoint's `prev` line names. */
  noteHash: bytea('note_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/** The sequencer's single row: size and compact range of the right edge (O(1) appends). */
export const logState = pgTable('log_state', {
  id: smallint('id').primaryKey(),
  size: bigint('size', { mode: 'bigint' }).notNull(),
  compactRange: bytea('compact_range').notNull(),
  checkpointSize: bigint('checkpoint_size', { mode: 'bigint' }).notNull(),
})
