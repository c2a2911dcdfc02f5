/**
 * @module entry/worker-ledger
 * The log writer of one Worker request (docs/WORKERS.md, sequencing). The same design as Node: an
 * append is durable first in log_pending, then integrated under the Postgres advisory lock by the
 * appending request itself, before it answers; an entry integrated meanwhile by another process
 * (Node or another Worker) is found through log_entries.pending_id. Nothing outlives the request:
 * no retry timer (the pending row is the truth, and the next append or the cron integrates it),
 * and no wait on a witness round trip (receipts prove against the signed checkpoint; the cron
 * collects cosignatures).
 *
 * The writer is opened on the first append or flush, so read requests never touch the lock.
 * `queue(tx, …)` inserts in the caller's transaction without opening it: a Worker's pool has one
 * connection, held by that transaction.
 */
import { encodeEntry, type LogEntry } from '../core/leaf/index.ts'
import type { LedgerPort, ServiceContext } from '../platform/context/index.ts'
import type { Db } from '../platform/db/index.ts'
import { logSigner } from '../services/ledger/checkpoint.ts'
import { type IntegrateDeps, initLog } from '../services/ledger/integrate.ts'
import { Sequencer } from '../services/ledger/sequencer.ts'
import { insertPending } from '../services/ledger/storage.ts'

/**
 * Logs this isolate has seen initialised (origin → true). Once a log has its state row it keeps
 * it, so later requests skip initLog and its lock; a plain value, no I/O object, is safe to keep
 * across requests in workerd.
 */
const initialised = new Set<string>()

export type WorkerLedgerContext = Pick<ServiceContext, 'db' | 'keys' | 'config' | 'clock'>

export function workerLedger(ctx: WorkerLedgerContext): LedgerPort {
  const { config } = ctx
  let opening: Promise<Sequencer> | undefined
  const open = () => {
    opening ??= (async () => {
      const key = await ctx.keys.active('log')
      const deps: IntegrateDeps = {
        db: ctx.db,
        signer: logSigner(key, config.logOrigin),
        origin: config.logOrigin,
        now: () => ctx.clock.now(),
      }
      const memo = `${config.databaseUrl ?? ''} ${config.logOrigin}`
      if (!initialised.has(memo)) {
        await initLog(deps)
        initialised.add(memo)
      }
      return new Sequencer(deps, {
        maxPending: config.ledgerMaxPending,
        retryUnavailable: false,
      })
    })()
    // A failed open (database unreachable) is not remembered: the caller sees the error.
    opening.catch(() => {
      opening = undefined
    })
    return opening
  }
  return {
    origin: config.logOrigin,
    append: async (entries: readonly LogEntry[]) => (await open()).append(entries),
    queue: (tx: Db, entries: readonly LogEntry[]) =>
      insertPending(tx, entries.map(encodeEntry), config.ledgerMaxPending),
    flush: async () => (await open()).flush(),
  }
}
