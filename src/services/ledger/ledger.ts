/**
 * @module services/ledger/ledger
 * The log service as the app sees it: one per process (its sequencer batches concurrent appends),
 * built from the service context's database, clock and log key.
 */
import { encodeEntry, type LogEntry } from '../../core/leaf/index.ts'
import type { LedgerPort, ServiceContext } from '../../platform/context/index.ts'
import type { Db } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { logSigner } from './checkpoint.ts'
import { WitnessCollector } from './cosignatures.ts'
import { type IntegrateDeps, initLog } from './integrate.ts'
import { Sequencer, type SequencerOptions } from './sequencer.ts'
import { insertPending } from './storage.ts'

export interface LedgerOptions extends SequencerOptions {
  /** Collect witness cosignatures when the config names witnesses (default true). */
  witnesses?: boolean
}

const silent = { debug() {}, info() {}, warn() {}, error() {} }

export class Ledger implements LedgerPort {
  readonly sequencer: Sequencer
  readonly origin: string
  /** Present when witnesses are configured: collects cosignatures after each checkpoint. */
  readonly witnesses: WitnessCollector | undefined

  private constructor(
    deps: IntegrateDeps,
    options: SequencerOptions,
    witnesses: WitnessCollector | undefined,
  ) {
    this.origin = deps.origin
    this.witnesses = witnesses
    this.sequencer = new Sequencer(deps, {
      ...options,
      ...(witnesses === undefined
        ? {}
        : {
            onCheckpoint: (size) => {
              options.onCheckpoint?.(size)
              witnesses.notify()
            },
          }),
    })
  }

  /** Loads the log key and makes sure the log has its genesis checkpoint. */
  static async open(
    ctx: Pick<ServiceContext, 'db' | 'keys' | 'config' | 'clock'> &
      Partial<Pick<ServiceContext, 'logger'>>,
    options: LedgerOptions = {},
  ) {
    const key = await ctx.keys.active('log')
    const deps: IntegrateDeps = {
      db: ctx.db,
      signer: logSigner(key, ctx.config.logOrigin),
      origin: ctx.config.logOrigin,
      now: () => ctx.clock.now(),
    }
    const { config } = ctx
    const witnesses =
      options.witnesses === false || config.witnesses.length === 0
        ? undefined
        : new WitnessCollector({
            db: ctx.db,
            witnesses: config.witnesses,
            quorum: config.witnessQuorum,
            timeoutMs: config.witnessTimeoutMs,
            logger: ctx.logger ?? silent,
            now: () => performance.now(),
          })
    const bounded: SequencerOptions = { maxPending: config.ledgerMaxPending, ...options }
    const sequencerOptions: SequencerOptions =
      witnesses !== undefined && config.witnessWait
        ? { ...bounded, checkpointFor: (size) => witnesses.checkpointFor(size) }
        : bounded
    const ledger = new Ledger(deps, sequencerOptions, witnesses)
    await initLog(deps)
    return ledger
  }

  /** Waits for a witness round in flight (before closing the database). */
  async close(): Promise<void> {
    this.sequencer.close()
    await this.witnesses?.idle()
  }

  append(entries: readonly LogEntry[]) {
    return this.sequencer.append(entries)
  }

  queue(tx: Db, entries: readonly LogEntry[]): Promise<bigint[]> {
    return this.sequencer.queue(tx, entries)
  }

  flush(): Promise<void> {
    return this.sequencer.flush()
  }
}

/**
 * Queues entries in the caller's transaction `tx`, with no back-pressure bound: for the key
 * store's announcement of a new issuer key, written in the transaction that creates the key while
 * the context (and so the Ledger) is still being built. A key is never refused for a busy log.
 */
export function queueEntries(
  tx: Pick<Db, 'select' | 'insert' | 'execute'>,
  entries: readonly LogEntry[],
): Promise<bigint[]> {
  return insertPending(tx, entries.map(encodeEntry))
}

/**
 * The ledger of a context that must not write the log (a Worker's context before its own writer,
 * entry/worker-ledger.ts, replaces it). Appends are refused; reads go through the database.
 */
export function refusingLedger(origin: string): LedgerPort {
  const refuse = (): never => {
    throw new ServiceError('LEDGER_UNAVAILABLE', 'this instance cannot append to the ledger')
  }
  return {
    origin,
    append: async () => refuse(),
    queue: async () => refuse(),
    flush: async () => {},
  }
}
