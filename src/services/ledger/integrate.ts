/**
 * @module services/ledger/integrate
 * One integration step (docs/LEDGER.md, how appends work): under a transaction-scoped advisory
 * lock, take the oldest pending entries, give them the next indices, write leaves, tiles, entry
 * bundles and a signed checkpoint, and advance the state, all in one transaction. A crash at any
 * point rolls the whole step back: the entries stay pending and nothing is duplicated.
 */
import { eq, sql } from 'drizzle-orm'
import { equalBytes } from '../../core/codec/index.ts'
import {
  CompactRange,
  EMPTY_ROOT,
  HASH_SIZE,
  hashLeaf,
  type StoredHash,
} from '../../core/merkle/index.ts'
import type { Signer } from '../../core/note/index.ts'
import {
  type Db,
  logCheckpoints,
  logEntries,
  logPending,
  logState,
  rowsOf,
} from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { signCheckpoint } from './checkpoint.ts'
import { checkpointCommitted } from './memory.ts'
import { forgetNodes, growBundleStream, growTiles, rememberNodes } from './storage.ts'

/** "vlog": one sequencer per database at a time, whichever process it runs in. */
export const LOG_LOCK = 0x766c_6f67

export interface IntegrateDeps {
  db: Db
  signer: Signer
  origin: string
  now: () => Date
  /**
   * Called when the active log shard is no longer `origin` (`vigil log rotate` ran): loads the
   * new shard's origin and key into these deps, and the step is run again. Without it, the step
   * is refused with LOG_SHARD_FROZEN (a writer pinned to its shard).
   */
  follow?: () => Promise<void>
}

/** The step met another active shard than its deps' origin (rolled back, nothing written). */
class ShardMoved extends Error {
  readonly active: string
  constructor(active: string) {
    super(`the active log shard is ${active}`)
    this.active = active
  }
}

export interface IntegrateResult {
  /** pending id → leaf index, for the entries this step integrated. */
  placed: Map<bigint, bigint>
  /** pending id → leaf hash, for the same entries. */
  leafHashes: Map<bigint, Uint8Array>
  size: bigint
  count: number
  /** The signed checkpoint of `size` (absent when the step integrated nothing). */
  note?: string
}

/**
 * Promise.all that waits for every promise before rejecting: statements pipelined on a
 * transaction must all be done before it ends, or a late one would run outside it.
 */
async function settleAll<T extends readonly unknown[]>(
  promises: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const results = await Promise.allSettled(promises)
  for (const r of results) if (r.status === 'rejected') throw r.reason
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

async function lock(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOG_LOCK})`)
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000)

/** Creates the state row and the signed empty-tree checkpoint, once. */
export async function initLog(deps: IntegrateDeps): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await lock(tx)
    const [state] = await tx.select({ id: logState.id }).from(logState).where(eq(logState.id, 1))
    if (state !== undefined) return
    const c = { origin: deps.origin, size: 0n, root: EMPTY_ROOT, time: seconds(deps.now()) }
    const { note, noteHash } = await signCheckpoint(deps.signer, c)
    await tx.insert(logCheckpoints).values({ size: 0n, note, noteHash })
    await tx
      .insert(logState)
      .values({ id: 1, size: 0n, compactRange: CompactRange.empty().encode(), checkpointSize: 0n })
  })
}

/** bytea from either driver (postgres.js: a Buffer) as a plain Uint8Array over the same bytes. */
function plainBytes(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError('expected bytea')
  return new Uint8Array(value.buffer, value.byteOffset, value.length)
}

/**
 * One step: BEGIN; the lock, then the state and the move in one statement; tiles, bundles and the
 * checkpoint (with the state update); COMMIT. The statements within each of the two middle
 * groups are sent together (pipelined on the transaction's connection, which runs them in the
 * order sent), so a step costs four round trips, not eight: each one waits for the event loop
 * of a busy server, which made them most of a step's time.
 */
export async function integrate(deps: IntegrateDeps, maxBatch: number): Promise<IntegrateResult> {
  try {
    return await integrateStep(deps, maxBatch)
  } catch (err) {
    if (!(err instanceof ShardMoved)) throw err
    if (deps.follow === undefined)
      throw new ServiceError(
        'LOG_SHARD_FROZEN',
        `the log shard ${deps.origin} is frozen; appends go to ${err.active}`,
      )
    await deps.follow()
    return integrateStep(deps, maxBatch)
  }
}

async function integrateStep(deps: IntegrateDeps, maxBatch: number): Promise<IntegrateResult> {
  let stored: readonly StoredHash[] = []
  const result = await deps.db.transaction(async (tx) => {
    // Sent first, so the next statement's snapshot is taken with the lock held (READ COMMITTED:
    // one snapshot per statement).
    const locked = lock(tx)
    // The state, and the oldest pending entries moved into log_entries: indices follow the
    // state's size in pending order, and the database computes each leaf hash,
    // SHA-256(0x00 ‖ entry). One row back: pending ids, leaf hashes (32 bytes each) and the
    // entries as an entry-bundle stream (u16 length ‖ bytes), all in index order.
    const moving = tx.execute(sql`
        with state as (
          select s.size, s.compact_range, c.note_hash as previous,
            (select origin from log_shards where state = 'active') as active_origin
          from ${logState} s
          left join ${logCheckpoints} c on c.size = s.checkpoint_size
          where s.id = 1
        ), moved as (
          -- The oldest maxBatch visible entries: every id up to the maxBatch-th smallest (one
          -- index range scan rather than a lookup per id).
          delete from ${logPending}
          where ${logPending.id} <= (
            select max(id) from (
              select ${logPending.id} as id from ${logPending}
              order by ${logPending.id} limit ${maxBatch}
            ) oldest
          )
          returning ${logPending.id} as id, ${logPending.entry} as entry
        ), placed as (
          insert into ${logEntries} (idx, pending_id, leaf_hash, entry)
          select (select size from state) + row_number() over (order by id) - 1, id,
            sha256(decode('00', 'hex') || entry), entry
          from moved
          returning idx, pending_id, leaf_hash, entry
        )
        select state.size::text as size, state.compact_range, state.previous,
          state.active_origin, p.*
        from state left join (
          select count(*)::int4 as count,
            string_agg(pending_id::text, ',' order by idx) as ids,
            string_agg(leaf_hash, ''::bytea order by idx) as leaves,
            string_agg(substring(int4send(length(entry)) from 3 for 2) || entry, ''::bytea
              order by idx) as stream
          from placed
        ) p on true`)
    const [, movedResult] = await settleAll([locked, moving])
    const [moved] = rowsOf<{
      size: string
      compact_range: unknown
      previous: unknown
      active_origin: string | null
      count: unknown
      ids: unknown
      leaves: unknown
      stream: unknown
    }>(movedResult)
    if (moved === undefined) throw new Error('the log is not initialised (initLog)')
    // Rotated under us: this step's key and origin are the frozen shard's (rolled back whole).
    if (moved.active_origin != null && moved.active_origin !== deps.origin)
      throw new ShardMoved(moved.active_origin)

    const from = BigInt(moved.size)
    const count = Number(moved.count ?? 0)
    if (count === 0) return { placed: new Map(), leafHashes: new Map(), size: from, count: 0 }

    const ids = String(moved.ids).split(',')
    const leaves = plainBytes(moved.leaves)
    if (ids.length !== count || leaves.length !== count * HASH_SIZE) {
      throw new Error('integration step returned inconsistent rows')
    }
    const stream = plainBytes(moved.stream)
    // The database computed the leaf hashes: check its hashing against ours on the first entry.
    const firstEntry = stream.subarray(2, 2 + (((stream[0] ?? 0) << 8) | (stream[1] ?? 0)))
    if (!equalBytes(hashLeaf(firstEntry), leaves.subarray(0, HASH_SIZE))) {
      throw new Error('the database computed a leaf hash that differs from hashLeaf')
    }
    const leafHashes = new Array<Uint8Array>(count)
    const placed = new Map<bigint, bigint>()
    const leafHashMap = new Map<bigint, Uint8Array>()
    for (let i = 0; i < count; i++) {
      const pendingId = BigInt(ids[i] as string)
      const leafHash = leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)
      leafHashes[i] = leafHash
      placed.set(pendingId, from + BigInt(i))
      leafHashMap.set(pendingId, leafHash.slice())
    }
    const appended = CompactRange.decode(plainBytes(moved.compact_range)).append(leafHashes)
    stored = appended.stored
    const size = from + BigInt(count)
    // Tiles and bundles go on the wire while the checkpoint is signed.
    const tiles = growTiles(tx, appended.stored)
    const bundles = growBundleStream(tx, from, stream, count)
    const previous = moved.previous == null ? undefined : plainBytes(moved.previous)
    const c = {
      origin: deps.origin,
      size,
      root: appended.root,
      time: seconds(deps.now()),
      prev: previous,
    }
    const signed = signCheckpoint(deps.signer, c).then(({ note, noteHash }) =>
      tx
        .execute(sql`
      with checkpoint as (
        insert into ${logCheckpoints} (size, note, note_hash)
        values (${String(size)}::int8, ${note}, ${noteHash})
      )
      update ${logState}
      set size = ${String(size)}::int8, compact_range = ${appended.range.encode()},
        checkpoint_size = ${String(size)}::int8
      where id = 1`)
        .then(() => note),
    )
    // All three settle before the transaction ends (a failure in one rolls the step back).
    const [note] = await settleAll([signed, tiles, bundles])
    return { placed, leafHashes: leafHashMap, size, count, note }
  })
  // Committed: these node hashes are now the log's for good (receipts read them first), and the
  // step's checkpoint is what /log/checkpoint serves from now on (no query per request).
  if (result.note !== undefined) {
    const latest = { size: result.size, note: result.note }
    if (checkpointCommitted(deps.db, latest, result.size - BigInt(result.count)))
      forgetNodes(deps.db)
  }
  rememberNodes(deps.db, stored)
  return result
}
