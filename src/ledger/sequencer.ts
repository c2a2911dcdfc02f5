/**
 * @module ledger/sequencer
 * `append(entries)`: durable first (the pending table), then resolved once integrated and
 * covered by a signed checkpoint, with each entry's index and a c2sp.org/tlog-proof receipt.
 *
 * Within a process, concurrent appends share integration steps (batching is what makes the log
 * fast). Across processes the advisory lock is the truth: an entry integrated by another process
 * is found through `log_entries.pending_id`. Nothing here depends on memory for correctness.
 */
import { inArray } from 'drizzle-orm'
import { type EntryKind, encodeEntry, type LogEntry } from '../core/entry/index.ts'
import { hashLeaf } from '../core/merkle/index.ts'
import type { Db } from '../db/client.ts'
import { logEntries, logPending } from '../db/schema/index.ts'
import { type IntegrateDeps, integrate } from './integrate.ts'
import { receiptsFor } from './proofs.ts'

export interface Appended {
  index: bigint
  kind: EntryKind
  leafHash: Uint8Array
  /** The signed checkpoint the receipt proves against. */
  checkpoint: string
  /** c2sp.org/tlog-proof@v1: index, inclusion proof and the checkpoint, verifiable offline. */
  receipt: string
}

interface Waiter {
  resolve(index: bigint): void
  reject(error: unknown): void
}

export interface SequencerOptions {
  /** Most entries per integration step (one transaction, one checkpoint). */
  maxBatch?: number
}

export class Sequencer {
  readonly #deps: IntegrateDeps
  readonly #maxBatch: number
  readonly #waiters = new Map<bigint, Waiter>()
  #running = false
  #again = false

  constructor(deps: IntegrateDeps, options: SequencerOptions = {}) {
    this.#deps = deps
    this.#maxBatch = options.maxBatch ?? 10_000
  }

  get db(): Db {
    return this.#deps.db
  }

  async append(entries: readonly LogEntry[]): Promise<Appended[]> {
    if (entries.length === 0) return []
    const encoded = entries.map(encodeEntry)
    const rows = await this.#deps.db
      .insert(logPending)
      .values(encoded.map((entry) => ({ entry })))
      .returning({ id: logPending.id })
    const indices = await Promise.all(rows.map((r) => this.#wait(r.id)))
    const receipts = await receiptsFor(this.#deps.db, indices)
    return entries.map((e, i) => ({
      index: indices[i] as bigint,
      kind: e.kind,
      leafHash: hashLeaf(encoded[i] as Uint8Array),
      checkpoint: receipts.checkpoint,
      receipt: receipts.receipts[i] as string,
    }))
  }

  /** Integrates whatever is pending now (a timer or a CLI may call it). */
  async flush(): Promise<void> {
    await integrate(this.#deps, this.#maxBatch)
  }

  #wait(id: bigint): Promise<bigint> {
    return new Promise<bigint>((resolve, reject) => {
      this.#waiters.set(id, { resolve, reject })
      this.#kick()
    })
  }

  #kick(): void {
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    void this.#loop().finally(() => {
      this.#running = false
      if (this.#waiters.size > 0) this.#kick()
    })
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false
      try {
        const result = await integrate(this.#deps, this.#maxBatch)
        this.#settle(result.placed)
        if (result.count === this.#maxBatch) this.#again = true
        // Ours may have been integrated by another process while we waited for the lock.
        else if (this.#waiters.size > 0) this.#settle(await this.#lookup([...this.#waiters.keys()]))
      } catch (error) {
        // The entries stay pending in the database and will be integrated by a later step;
        // the callers learn that their append did not complete.
        for (const w of this.#waiters.values()) w.reject(error)
        this.#waiters.clear()
        return
      }
    } while (this.#again)
  }

  #settle(placed: Map<bigint, bigint>): void {
    for (const [id, index] of placed) {
      const w = this.#waiters.get(id)
      if (w === undefined) continue
      this.#waiters.delete(id)
      w.resolve(index)
    }
  }

  async #lookup(ids: bigint[]): Promise<Map<bigint, bigint>> {
    const rows = await this.#deps.db
      .select({ idx: logEntries.idx, pendingId: logEntries.pendingId })
      .from(logEntries)
      .where(inArray(logEntries.pendingId, ids))
    return new Map(rows.map((r) => [r.pendingId, r.idx]))
  }
}
