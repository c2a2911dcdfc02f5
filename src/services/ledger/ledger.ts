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
import { forgetLog } from './memory.ts'
import { Sequencer, type SequencerOptions } from './sequencer.ts'
import { activeShard } from './shards.ts'
import { forgetNodes, insertPending } from './storage.ts'

export interface LedgerOptions extends SequencerOptions {
  /** Collect witness cosignatures when the config names witnesses (default true). */
  witnesses?: boolean
  /**
   * Follow `vigil log rotate` to the new shard (default true). False pins the ledger to the
   * shard active when it opened: once that shard is frozen its appends are refused with
   * LOG_SHARD_FROZEN and nothing is queued.
   */
  follow?: boolean
}

const silent = { debug() {}, info() {}, warn() {}, error() {} }

export class Ledger implements LedgerPort {
  readonly sequencer: Sequencer
  readonly #deps: IntegrateDeps
  readonly #pinned: boolean
  /** Present when witnesses are configured: collects cosignatures after each checkpoint. */
  readonly witnesses: WitnessCollector | undefined

  private constructor(
    deps: IntegrateDeps,
    options: SequencerOptions,
    witnesses: WitnessCollector | undefined,
    pinned: boolean,
  ) {
    this.#deps = deps
    this.#pinned = pinned
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

  /** The active shard's origin (it changes when this ledger follows a rotation). */
  get origin(): string {
    return this.#deps.origin
  }

  /**
   * Loads the log key and makes sure the log has its genesis checkpoint. After a rotation the
   * key and origin are the active shard's (the configuration's origin is set to it).
   */
  static async open(
    ctx: Pick<ServiceContext, 'db' | 'keys' | 'config' | 'clock'> &
      Partial<Pick<ServiceContext, 'logger'>>,
    options: LedgerOptions = {},
  ) {
    const signerFor = async () => {
      const shard = await activeShard(ctx.db)
      if (shard === undefined) {
        const key = await ctx.keys.active('log')
        return { signer: logSigner(key, ctx.config.logOrigin), origin: ctx.config.logOrigin }
      }
      // The shard's own key, not the key store's active one (cached for up to a second).
      const key = await ctx.keys.load(shard.keyId)
      ctx.config.logOrigin = shard.origin
      return { signer: logSigner(key, shard.origin), origin: shard.origin }
    }
    const pinned = options.follow === false
    const deps: IntegrateDeps = {
      db: ctx.db,
      ...(await signerFor()),
      now: () => ctx.clock.now(),
    }
    let moved = () => {}
    if (!pinned)
      deps.follow = async () => {
        const next = await signerFor()
        if (next.origin === deps.origin) return
        deps.signer = next.signer
        deps.origin = next.origin
        // Tiles, nodes and checkpoints held in memory were the frozen shard's.
        forgetLog(ctx.db)
        forgetNodes(ctx.db)
        moved()
        ctx.logger?.warn(`the log shard is now ${next.origin}: new entries go there`)
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
    moved = () => witnesses?.forget()
    const bounded: SequencerOptions = { maxPending: config.ledgerMaxPending, ...options }
    const sequencerOptions: SequencerOptions =
      witnesses !== undefined && config.witnessWait
        ? { ...bounded, checkpointFor: (size) => witnesses.checkpointFor(size) }
        : bounded
    const ledger = new Ledger(deps, sequencerOptions, witnesses, pinned)
    await initLog(deps)
    return ledger
  }

  /** Moves to the active shard if `vigil log rotate` started another (the server polls this). */
  async follow(): Promise<void> {
    await this.#deps.follow?.()
  }

  /** A pinned ledger whose shard is frozen refuses before anything is queued. */
  async #refuseFrozen(db: Db = this.#deps.db): Promise<void> {
    if (!this.#pinned) return
    const shard = await activeShard(db)
    if (shard !== undefined && shard.origin !== this.#deps.origin)
      throw new ServiceError(
        'LOG_SHARD_FROZEN',
        `the log shard ${this.#deps.origin} is frozen; appends go to ${shard.origin}`,
      )
  }

  /** Waits for a witness round in flight (before closing the database). */
  async close(): Promise<void> {
    this.sequencer.close()
    await this.witnesses?.idle()
  }

  async append(entries: readonly LogEntry[]) {
    await this.#refuseFrozen()
    return this.sequencer.append(entries)
  }

  async queue(tx: Db, entries: readonly LogEntry[]): Promise<bigint[]> {
    await this.#refuseFrozen(tx)
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
