/**
 * @module ledger/integrate
 * One integration step (reference/tlog.md §9.2): under a transaction-scoped advisory lock, take
 * the oldest pending entries, give them the next indices, write leaves, tiles, entry bundles and a
 * signed checkpoint, and advance the state, all in one transaction. A crash at any point rolls
 * the whole step back: the entries stay pending and nothing is duplicated.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm'
import { CompactRange, EMPTY_ROOT, hashLeaf } from '../core/merkle/index.ts'
import type { Signer } from '../core/note/index.ts'
import type { Db } from '../db/client.ts'
import { logCheckpoints, logEntries, logPending, logState } from '../db/schema/index.ts'
import { signCheckpoint } from './checkpoint.ts'
import { growBundles, growTiles } from './storage.ts'

/** "vlog": one sequencer per database at a time, whichever process it runs in. */
export const LOG_LOCK = 0x766c_6f67
/** Postgres allows 65,535 bind parameters per statement; entries take 4 each. */
const INSERT_CHUNK = 8000

export interface IntegrateDeps {
  db: Db
  signer: Signer
  origin: string
  now: () => Date
}

export interface IntegrateResult {
  /** pending id → leaf index, for the entries this step integrated. */
  placed: Map<bigint, bigint>
  size: bigint
  count: number
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

export async function integrate(deps: IntegrateDeps, maxBatch: number): Promise<IntegrateResult> {
  return deps.db.transaction(async (tx) => {
    await lock(tx)
    const [state] = await tx.select().from(logState).where(eq(logState.id, 1))
    if (state === undefined) throw new Error('the log is not initialised (initLog)')
    const oldest = tx
      .select({ id: logPending.id })
      .from(logPending)
      .orderBy(asc(logPending.id))
      .limit(maxBatch)
    const pending = await tx.delete(logPending).where(inArray(logPending.id, oldest)).returning()
    if (pending.length === 0) return { placed: new Map(), size: state.size, count: 0 }
    pending.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

    const from = state.size
    const leafHashes = pending.map((p) => hashLeaf(p.entry))
    const appended = CompactRange.decode(state.compactRange).append(leafHashes)
    const size = from + BigInt(pending.length)
    const placed = new Map<bigint, bigint>()
    const rows = pending.map((p, i) => {
      const idx = from + BigInt(i)
      placed.set(p.id, idx)
      return { idx, pendingId: p.id, leafHash: leafHashes[i] as Uint8Array, entry: p.entry }
    })
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await tx.insert(logEntries).values(rows.slice(i, i + INSERT_CHUNK))
    }
    await growTiles(tx, appended.stored)
    await growBundles(
      tx,
      from,
      pending.map((p) => p.entry),
    )

    const [previous] = await tx
      .select({ noteHash: logCheckpoints.noteHash })
      .from(logCheckpoints)
      .where(eq(logCheckpoints.size, state.checkpointSize))
    const c = {
      origin: deps.origin,
      size,
      root: appended.root,
      time: seconds(deps.now()),
      prev: previous?.noteHash,
    }
    const { note, noteHash } = await signCheckpoint(deps.signer, c)
    await tx.insert(logCheckpoints).values({ size, note, noteHash })
    await tx
      .update(logState)
      .set({ size, compactRange: appended.range.encode(), checkpointSize: size })
      .where(eq(logState.id, 1))
    return { placed, size, count: pending.length }
  })
}
