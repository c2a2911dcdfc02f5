/**
 * @module entry/worker-ledger
 * The log writer of one Worker request (docs/WORKERS.md, sequencing). The same truth as on Node:
 * an append is durable first in log_pending, then integrated by one integration step (one
 * transaction under the Postgres advisory lock, services/ledger/integrate.ts) — run by the
 * appending request itself, before it answers, or by whichever process holds the lock meanwhile.
 *
 * Group commit across requests: a Worker request has no in-process batch to join, so instead of
 * queueing on the lock (every waiter then runs a step of its own, one after another, most of them
 * empty), it checks whether the lock is free. Free: it runs a step, which takes every entry
 * pending, its own and other requests'. Held: the step in progress, or the next one, takes its
 * entries; it polls log_entries.pending_id until they are placed. So many concurrent requests
 * share few steps, and none waits in a queue of empty ones.
 *
 * Nothing outlives the request: the poll is bounded (APPEND_BUDGET_MS); past it the request
 * answers 503 and its entries stay pending for the next append or the cron (the pending row is
 * the truth). No witness round trip either: receipts prove against the signed checkpoint; the
 * cron collects cosignatures.
 *
 * The writer is opened on the first append or flush, so read requests never touch the log key.
 * `queue(tx, …)` inserts in the caller's transaction without opening it: a Worker's pool has one
 * connection, held by that transaction; the service's `flush()` integrates after the commit.
 */
import { sql } from 'drizzle-orm'
import { encodeEntry, type LogEntry } from '../core/leaf/index.ts'
import type { Appended, LedgerPort, ServiceContext } from '../platform/context/index.ts'
import { type Db, logEntries, rowsOf } from '../platform/db/index.ts'
import { ServiceError } from '../platform/errors/index.ts'
import {
  activeLogKey,
  type IntegrateDeps,
  initLog,
  insertPending,
  integrate,
  LOG_LOCK,
  logSigner,
  receiptsFor,
} from '../services/ledger/index.ts'

/**
 * Longest an append waits for its entries to be integrated before answering 503 (default; the
 * Worker's VIGIL_APPEND_BUDGET_MS sets another, e.g. for tests).
 */
export const APPEND_BUDGET_MS = 20_000
/** Wait between two looks while another process holds the lock: first, and longest. */
const POLL_FIRST_MS = 5
const POLL_MAX_MS = 50
const MAX_BATCH = 10_000

/**
 * Logs this isolate has seen initialised. Once a log has its state row it keeps it, so later
 * requests skip initLog and its lock; a plain value, no I/O object, is safe across requests.
 */
const initialised = new Set<string>()

export type WorkerLedgerContext = Pick<ServiceContext, 'db' | 'keys' | 'config' | 'clock'>

/** Whether no step holds the log's lock now (taken and released in one autocommit statement). */
async function lockFree(db: Db): Promise<boolean> {
  const [row] = rowsOf<{ free: boolean }>(
    await db.execute(sql`select pg_try_advisory_xact_lock(${LOG_LOCK}) as free`),
  )
  return row?.free === true
}

/** pending id → [index, leaf hash] for those of `ids` that are in the log. */
async function placedOf(db: Db, ids: readonly bigint[]) {
  const rows = await db
    .select({ idx: logEntries.idx, pendingId: logEntries.pendingId, leafHash: logEntries.leafHash })
    .from(logEntries)
    .where(sql`${logEntries.pendingId} = any(${`{${ids.join(',')}}`}::int8[])`)
  return new Map(rows.map((r) => [r.pendingId, { index: r.idx, leafHash: r.leafHash }]))
}

export function workerLedger(
  ctx: WorkerLedgerContext,
  budgetMs: number = APPEND_BUDGET_MS,
): LedgerPort {
  const { config } = ctx
  let opening: Promise<IntegrateDeps> | undefined
  const open = () => {
    opening ??= (async () => {
      // The active log shard's key and origin (docs/LEDGER.md "Shards"); after `vigil log
      // rotate` a step finds the new shard, loads it here and runs again.
      const { key, origin } = await activeLogKey(ctx)
      const deps: IntegrateDeps = {
        db: ctx.db,
        signer: logSigner(key, origin),
        origin,
        now: () => ctx.clock.now(),
        follow: async () => {
          const next = await activeLogKey(ctx)
          deps.signer = logSigner(next.key, next.origin)
          deps.origin = next.origin
        },
      }
      const memo = `${config.databaseUrl ?? ''} ${config.logOrigin}`
      if (!initialised.has(memo)) {
        await initLog(deps)
        initialised.add(memo)
      }
      return deps
    })()
    // A failed open (database unreachable) is not remembered: the caller sees the error.
    opening.catch(() => {
      opening = undefined
    })
    return opening
  }

  async function append(entries: readonly LogEntry[]): Promise<Appended[]> {
    if (entries.length === 0) return []
    const deps = await open()
    const encoded = entries.map(encodeEntry)
    const ids = await insertPending(ctx.db, encoded, config.ledgerMaxPending)
    const placed = new Map<bigint, { index: bigint; leafHash: Uint8Array }>()
    const deadline = Date.now() + budgetMs
    let wait = POLL_FIRST_MS
    for (;;) {
      if (await lockFree(ctx.db)) {
        const step = await integrate(deps, MAX_BATCH)
        for (const id of ids) {
          const index = step.placed.get(id)
          const leafHash = step.leafHashes.get(id)
          if (index !== undefined && leafHash !== undefined) placed.set(id, { index, leafHash })
        }
      }
      // Entries the step did not place were placed by another process's step, or are still
      // waiting for one (a full batch ahead of them, or a step that began before their insert).
      const missing = ids.filter((id) => !placed.has(id))
      if (missing.length > 0)
        for (const [id, p] of await placedOf(ctx.db, missing)) placed.set(id, p)
      if (placed.size === ids.length) break
      if (Date.now() > deadline)
        throw new ServiceError(
          'UNAVAILABLE',
          'the log did not integrate the entry in time; it is pending and will be integrated',
          { retryAfter: 1 },
        )
      await new Promise((r) => setTimeout(r, wait))
      wait = Math.min(wait * 2, POLL_MAX_MS)
    }
    const found = ids.map((id) => placed.get(id) as { index: bigint; leafHash: Uint8Array })
    const receipts = await receiptsFor(ctx, { indices: found.map((p) => p.index) })
    return entries.map((e, i) => ({
      index: (found[i] as { index: bigint }).index,
      kind: e.kind,
      leafHash: new Uint8Array((found[i] as { leafHash: Uint8Array }).leafHash),
      checkpoint: receipts.checkpoint,
      receipt: receipts.receipts[i] as string,
    }))
  }

  return {
    origin: config.logOrigin,
    append,
    queue: (tx: Db, entries: readonly LogEntry[]) =>
      insertPending(tx, entries.map(encodeEntry), config.ledgerMaxPending),
    flush: async () => {
      await integrate(await open(), MAX_BATCH)
    },
  }
}
