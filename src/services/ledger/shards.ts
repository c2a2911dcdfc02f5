/**
 * @module services/ledger/shards
 * Time-sharded logs (docs/LEDGER.md "Shards"), as Certificate Transparency shards its logs so
 * none grows without bound. `rotateShard` freezes the active shard with a final checkpoint (its
 * last tree, signed again by its key with a `final` line) and starts a new shard with a new
 * origin and a new log key, in one transaction under the log's advisory lock and the key store's:
 * no integration step runs meanwhile, and two rotations started together make one new shard and
 * one new key (the second finds the shard it meant to freeze frozen already).
 *
 * Storage: the active shard is always the `log_*` tables of the default schema, so the append
 * path, its caches and every query stay as they were. Rotation moves the frozen shard's tables
 * into the schema `log_shard_<id>` (ALTER TABLE … SET SCHEMA moves no rows) and creates empty
 * ones; a frozen shard is read inside a read-only transaction whose `search_path` names its schema
 * first, so the same read code serves it. log_pending stays: entries waiting at rotation go to
 * the new shard.
 */
import { asc, eq, sql } from 'drizzle-orm'
import { checkpointText, parseVigilCheckpoint } from '../../core/checkpoint/index.ts'
import { sha256, utf8 } from '../../core/codec/index.ts'
import { CompactRange, EMPTY_ROOT } from '../../core/merkle/index.ts'
import { parseNote, signNote } from '../../core/note/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { type Db, keys, logCheckpoints, logShards, logState } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { KEYS_LOCK, logVerifierKey, type SigningKey } from '../../platform/keys/index.ts'
import { logSigner } from './checkpoint.ts'
import { LOG_LOCK } from './integrate.ts'
import { forgetLog } from './memory.ts'
import { forgetNodes } from './storage.ts'

export type ShardRow = typeof logShards.$inferSelect

export interface Shard {
  id: number
  origin: string
  keyId: string
  state: 'active' | 'frozen'
  periodStart: Date
  periodEnd: Date | null
  finalSize: bigint | null
  /** The final checkpoint with the cosignatures collected for it. */
  finalNote: string | null
}

const toShard = (r: ShardRow): Shard => ({ ...r, state: r.state as Shard['state'] })

/** The Postgres schema a frozen shard's tables live in. */
export const shardSchema = (id: number) => `log_shard_${id}`

/** Shard n's origin: shard 1 keeps the deployment's log origin, later ones add `/<n>`. */
export const shardOrigin = (base: string, id: number) => (id === 1 ? base : `${base}/${id}`)

/** Every shard, oldest first (empty while the log was never rotated). */
export async function listShards(db: Db): Promise<Shard[]> {
  return (await db.select().from(logShards).orderBy(asc(logShards.id))).map(toShard)
}

export async function activeShard(db: Db): Promise<Shard | undefined> {
  const [row] = await db.select().from(logShards).where(eq(logShards.state, 'active'))
  return row === undefined ? undefined : toShard(row)
}

/**
 * Runs `read` against shard `shard`'s tables: the active shard's directly, a frozen one's inside
 * a read-only transaction whose search_path finds its schema's `log_*` tables first.
 */
export async function withShard<T>(
  db: Db,
  shard: Pick<Shard, 'id' | 'state'>,
  read: (db: Db) => Promise<T>,
): Promise<T> {
  if (shard.state === 'active') return read(db)
  if (!Number.isSafeInteger(shard.id) || shard.id < 1) throw new Error('bad shard id')
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw('set transaction read only'))
    await tx.execute(sql.raw(`set local search_path to ${shardSchema(shard.id)}, public`))
    return read(tx as unknown as Db)
  })
}

/**
 * The active shard's key and origin, read from the database (not from this process's
 * configuration or the key store's cached active key, which follow a rotation within seconds, or
 * never in a process that does not append, such as a Worker): what the log's vkey, the trust
 * material and its signature must name.
 */
export async function activeLogKey(
  ctx: Pick<ServiceContext, 'db' | 'keys' | 'config'>,
): Promise<{ key: SigningKey; origin: string }> {
  const shard = await activeShard(ctx.db)
  if (shard === undefined)
    return { key: await ctx.keys.active('log'), origin: ctx.config.logOrigin }
  return { key: await ctx.keys.load(shard.keyId), origin: shard.origin }
}

/** Records shard 1 (the log as it was) the first time shards are asked for; returns the active. */
export async function ensureShards(
  ctx: Pick<ServiceContext, 'db' | 'keys' | 'config' | 'clock'>,
): Promise<Shard> {
  const active = await activeShard(ctx.db)
  if (active !== undefined) return active
  const key = await ctx.keys.active('log')
  const [genesis] = await ctx.db
    .select({ at: logCheckpoints.createdAt })
    .from(logCheckpoints)
    .where(eq(logCheckpoints.size, 0n))
  await ctx.db
    .insert(logShards)
    .values({
      id: 1,
      origin: ctx.config.logOrigin,
      keyId: key.id,
      state: 'active',
      periodStart: genesis?.at ?? ctx.clock.now(),
    })
    .onConflictDoNothing()
  const now = await activeShard(ctx.db)
  if (now === undefined) throw new Error('log_shards: no active shard after recording shard 1')
  return now
}

/** Tables of one shard, moved on rotation (log_pending is shared: it is not a shard's). */
const SHARD_TABLES = [
  'log_entries',
  'log_tiles',
  'log_bundles',
  'log_checkpoints',
  'log_state',
  'log_cosignatures',
] as const

/**
 * The empty tables of a new shard: the DDL of migrations 0001 and 0006 (same names for tables,
 * keys and indexes, so later migrations of the active shard's tables keep applying).
 */
const NEW_SHARD_DDL = [
  `create table log_bundles ("idx" bigint primary key not null, "width" smallint not null, "data" bytea not null)`,
  `create table log_checkpoints ("size" bigint primary key not null, "note" text not null, "note_hash" bytea not null, "created_at" timestamp with time zone default now() not null)`,
  `create table log_entries ("idx" bigint primary key not null, "pending_id" bigint not null, "leaf_hash" bytea not null, "entry" bytea not null)`,
  `create table log_state ("id" smallint primary key not null, "size" bigint not null, "compact_range" bytea not null, "checkpoint_size" bigint not null)`,
  `create table log_tiles ("level" smallint not null, "idx" bigint not null, "width" smallint not null, "hashes" bytea not null, constraint "log_tiles_level_idx_pk" primary key("level","idx"))`,
  `create table log_cosignatures ("size" bigint not null, "witness" text not null, "line" text not null, "cosigned_at" bigint not null, "created_at" timestamp with time zone default now() not null, constraint "log_cosignatures_size_witness_pk" primary key("size","witness"))`,
  `create unique index "log_entries_pending_id" on log_entries using btree ("pending_id")`,
  `create index "log_entries_leaf_hash" on log_entries using btree ("leaf_hash")`,
  `create index "log_cosignatures_witness" on log_cosignatures using btree ("witness","size")`,
]

export type RotateResult =
  | { rotated: true; frozen: Shard; active: Shard }
  | {
      rotated: false
      /**
       * `rotated-meanwhile`: another rotation froze the shard first; `too-young`: the active
       * shard started less than `minAgeMs` ago. Nothing was done by this call.
       */
      reason: 'rotated-meanwhile' | 'too-young'
      active: Shard
    }

const seconds = (d: Date) => Math.floor(d.getTime() / 1000)

/**
 * `vigil log rotate`: freezes the active shard and starts the next one (see the module comment).
 * `base` is the deployment's log origin (shard 1's). The new key is generated before the
 * transaction (it takes a while) and only stored if this call is the one that rotates.
 */
export async function rotateShard(
  ctx: Pick<ServiceContext, 'db' | 'keys' | 'config' | 'clock'>,
  base: string,
  /**
   * A shard a rotation started less than this long ago is not rotated: two rotations started a
   * few seconds apart (a scheduled job run twice) make one shard, not two empty ones.
   */
  options: { minAgeMs?: number } = {},
): Promise<RotateResult> {
  const before = await ensureShards(ctx)
  const nextId = before.id + 1
  const origin = shardOrigin(base, nextId)
  const prepared = await ctx.keys.prepareLogKey(origin)
  const oldKey = await ctx.keys.load(before.keyId)
  const result = await ctx.db.transaction(async (tx): Promise<RotateResult> => {
    // Log first, then keys: the order every writer of both takes them in (an integration step
    // never takes the key lock), so no deadlock.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOG_LOCK})`)
    await tx.execute(sql`select pg_advisory_xact_lock(${KEYS_LOCK})`)
    const [current] = await tx
      .select()
      .from(logShards)
      .where(eq(logShards.state, 'active'))
      .for('update')
    if (current === undefined) throw new Error('log_shards: no active shard')
    if (current.id !== before.id)
      return { rotated: false, reason: 'rotated-meanwhile', active: toShard(current) }
    const now = ctx.clock.now()
    // Shard 1 was not started by a rotation, so a first rotation is never a repeated one.
    const age = now.getTime() - current.periodStart.getTime()
    if (current.id > 1 && age < (options.minAgeMs ?? 0))
      return { rotated: false, reason: 'too-young', active: toShard(current) }
    // The final checkpoint: the shard's last tree (integration signs one for every step, so the
    // latest checkpoint is the state's size), again, chained to it, with the `final` line.
    const [state] = await tx.select().from(logState).where(eq(logState.id, 1))
    if (state === undefined) throw new Error('the log is not initialised')
    const [last] = await tx
      .select()
      .from(logCheckpoints)
      .where(eq(logCheckpoints.size, state.checkpointSize))
    if (last === undefined || state.checkpointSize !== state.size)
      throw new Error('the log state is ahead of its latest checkpoint')
    const tree = parseVigilCheckpoint(parseNote(last.note).text)
    const finalNote = await signNote(
      checkpointText({
        origin: current.origin,
        size: tree.size,
        root: tree.root,
        time: Math.max(seconds(now), tree.time ?? 0),
        prev: last.noteHash,
        final: true,
      }),
      [logSigner(oldKey, current.origin)],
    )
    const [frozen] = await tx
      .update(logShards)
      .set({ state: 'frozen', periodEnd: now, finalSize: tree.size, finalNote })
      .where(eq(logShards.id, current.id))
      .returning()
    if (frozen === undefined) throw new Error('log_shards: the shard vanished')
    // Move the frozen shard's tables aside (no rows copied) and create the new shard's.
    const schema = shardSchema(current.id)
    await tx.execute(sql.raw(`create schema ${schema}`))
    for (const table of SHARD_TABLES)
      await tx.execute(sql.raw(`alter table public.${table} set schema ${schema}`))
    for (const ddl of NEW_SHARD_DDL) await tx.execute(sql.raw(ddl))
    // The new key: the old one is retired (kept: it verifies the frozen shard's checkpoints).
    await tx
      .update(keys)
      .set({ status: 'retired', retiredAt: now })
      .where(sql`${keys.purpose} = 'log' and ${keys.status} = 'active'`)
    await tx.insert(keys).values(prepared.row)
    const [active] = await tx
      .insert(logShards)
      .values({ id: nextId, origin, keyId: prepared.key.id, state: 'active', periodStart: now })
      .returning()
    if (active === undefined) throw new Error('log_shards: insert returned no row')
    // The new shard's genesis checkpoint and state (initLog's, inside this transaction).
    const genesis = await signNote(
      checkpointText({ origin, size: 0n, root: EMPTY_ROOT, time: seconds(now) }),
      [logSigner(prepared.key, origin)],
    )
    await tx
      .insert(logCheckpoints)
      .values({ size: 0n, note: genesis, noteHash: await sha256(utf8(genesis)) })
    await tx
      .insert(logState)
      .values({ id: 1, size: 0n, compactRange: CompactRange.empty().encode(), checkpointSize: 0n })
    return { rotated: true, frozen: toShard(frozen), active: toShard(active) }
  })
  if (result.rotated) {
    // What this process held in memory was the frozen shard's.
    forgetLog(ctx.db)
    forgetNodes(ctx.db)
  }
  return result
}

/**
 * Every shard as the public sees it (`/log/shards`, the trust material's `shards`): its key as a
 * signed-note vkey named for its origin, its period in POSIX seconds, a frozen one's final size
 * and final checkpoint.
 */
export async function shardViews(ctx: Pick<ServiceContext, 'db' | 'keys'>) {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000)
  return Promise.all(
    (await listShards(ctx.db)).map(async (s) => ({
      id: s.id,
      origin: s.origin,
      vkey: logVerifierKey(await ctx.keys.load(s.keyId), s.origin),
      state: s.state,
      periodStart: seconds(s.periodStart),
      periodEnd: s.periodEnd === null ? null : seconds(s.periodEnd),
      finalSize: s.finalSize === null ? null : String(s.finalSize),
      ...(s.finalNote === null ? {} : { checkpoint: s.finalNote }),
    })),
  )
}

/** Stores the final checkpoint with the cosignature lines witnesses returned for it. */
export async function storeFinalNote(db: Db, id: number, note: string): Promise<void> {
  await db.update(logShards).set({ finalNote: note }).where(eq(logShards.id, id))
}

/** Shard `id`, or LOG_SHARD_UNKNOWN. */
export async function shardById(db: Db, id: number): Promise<Shard> {
  const [row] = await db.select().from(logShards).where(eq(logShards.id, id))
  if (row === undefined) throw new ServiceError('LOG_SHARD_UNKNOWN', `no log shard ${id}`)
  return toShard(row)
}
