/**
 * @module services/ledger/sequencer
 * `append(entries)`: durable first (the pending table), then resolved once integrated and
 * covered by a signed checkpoint, with each entry's index and a c2sp.org/tlog-proof receipt.
 *
 * Within a process, concurrent appends share integration steps (batching is what makes the log
 * fast): appends made in the same turn of the event loop share one pending insert, and every
 * append a step completes gets its receipt from one batched proof computation. Across processes
 * the advisory lock is the truth: an entry integrated by another process is found through
 * `log_entries.pending_id`. Nothing here depends on memory for correctness.
 */
import { sql } from 'drizzle-orm'
import { encodeEntry, type LogEntry } from '../../core/leaf/index.ts'
import { hashLeaf } from '../../core/merkle/index.ts'
import type { Appended } from '../../platform/context/index.ts'
import type { Db } from '../../platform/db/index.ts'
import { isDatabaseUnavailable, logEntries } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { type IntegrateDeps, integrate } from './integrate.ts'
import { receiptsFor } from './proofs.ts'
import { insertPending } from './storage.ts'

export type { Appended }

/** One `append` call: its entries, their pending ids, and the indices found so far. */
interface Group {
  readonly entries: readonly LogEntry[]
  readonly encoded: readonly Uint8Array[]
  readonly indices: bigint[]
  /** Leaf hashes as the integration step computed them (absent: found by lookup). */
  readonly leafHashes: (Uint8Array | undefined)[]
  remaining: number
  resolve(appended: Appended[]): void
  reject(error: unknown): void
}

/** After a step failed on an unreachable database: first and longest wait before the next one. */
const RETRY_FIRST_MS = 1000
const RETRY_MAX_MS = 30_000

/** Most entries in one coalesced log_pending insert (a larger single append goes alone). */
const INSERT_LIMIT = 10_000

export interface SequencerOptions {
  /** Most entries per integration step (one transaction, one checkpoint). */
  maxBatch?: number
  /**
   * Back-pressure: appends and queued entries are refused with LEDGER_BUSY while this many or
   * more are waiting for integration (default: no bound).
   */
  maxPending?: number
  /** Told after each step that signed a new checkpoint (the witness collector). */
  onCheckpoint?: (size: bigint) => void
  /**
   * When set, receipts wait for it: a checkpoint covering `size` entries to prove against (the
   * cosigned one that meets the witness policy); a throw rejects the appends.
   */
  checkpointFor?: (size: bigint) => Promise<{ size: bigint; note: string }>
}

export class Sequencer {
  readonly #deps: IntegrateDeps
  readonly #maxBatch: number
  readonly #options: SequencerOptions
  /**
   * pending id → the append waiting for it, the entry's position there, and how many steps had
   * started when its pending row was committed.
   */
  readonly #waiters = new Map<bigint, { group: Group; at: number; steps: number }>()
  /** Integration steps started by this sequencer. */
  #steps = 0
  /** Appends waiting for their pending insert. */
  #inserts: Group[] = []
  #running = false
  #again = false
  /** The wait before the next retry of a step that failed on an unreachable database. */
  #retryMs = RETRY_FIRST_MS
  #retry: ReturnType<typeof setTimeout> | undefined

  constructor(deps: IntegrateDeps, options: SequencerOptions = {}) {
    this.#deps = deps
    this.#maxBatch = options.maxBatch ?? 10_000
    this.#options = options
  }

  /**
   * Inserts entries pending in the caller's transaction `tx` (so a record and its entry commit
   * together); a later step integrates them. Refused with LEDGER_BUSY when the queue is full.
   */
  async queue(tx: Db, entries: readonly LogEntry[]): Promise<bigint[]> {
    try {
      return await insertPending(tx, entries.map(encodeEntry), this.#options.maxPending)
    } catch (error) {
      this.#drainIfBusy(error)
      throw error
    }
  }

  /**
   * A refused append inserts nothing, so nothing else would start a step: the refusal itself
   * starts one, or a backlog left by a crash would be refused for ever instead of integrated.
   */
  #drainIfBusy(error: unknown): void {
    if (error instanceof ServiceError && error.code === 'LEDGER_BUSY') this.#kick()
  }

  get db(): Db {
    return this.#deps.db
  }

  async append(entries: readonly LogEntry[]): Promise<Appended[]> {
    if (entries.length === 0) return []
    const encoded = entries.map(encodeEntry)
    return new Promise<Appended[]>((resolve, reject) => {
      this.#inserts.push({
        entries,
        encoded,
        indices: new Array<bigint>(entries.length),
        leafHashes: new Array<Uint8Array | undefined>(entries.length),
        remaining: entries.length,
        resolve,
        reject,
      })
      if (this.#inserts.length === 1) setTimeout(() => void this.#flushInserts(), 0)
    })
  }

  /**
   * Durable first: entries are committed to log_pending before their append waits for a step.
   * Appends made in the same turn of the event loop share an insert (one statement, one commit),
   * up to INSERT_LIMIT entries a statement.
   */
  async #flushInserts(): Promise<void> {
    const chunks: Group[][] = []
    let size = Number.POSITIVE_INFINITY
    for (const group of this.#inserts) {
      if (size + group.entries.length > INSERT_LIMIT) {
        chunks.push([])
        size = 0
      }
      chunks.at(-1)?.push(group)
      size += group.entries.length
    }
    this.#inserts = []
    await Promise.all(chunks.map((chunk) => this.#insert(chunk)))
  }

  async #insert(groups: Group[]): Promise<void> {
    let ids: bigint[]
    try {
      ids = await insertPending(
        this.#deps.db,
        groups.flatMap((g) => g.encoded),
        this.#options.maxPending,
      )
    } catch (error) {
      for (const g of groups) g.reject(error)
      this.#drainIfBusy(error)
      return
    }
    let next = 0
    for (const group of groups) {
      for (let at = 0; at < group.entries.length; at++) {
        this.#waiters.set(ids[next++] as bigint, { group, at, steps: this.#steps })
      }
    }
    this.#kick()
  }

  /** Integrates whatever is pending now (a timer or a CLI may call it). */
  async flush(): Promise<void> {
    await integrate(this.#deps, this.#maxBatch)
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
        const step = ++this.#steps
        const result = await integrate(this.#deps, this.#maxBatch)
        this.#retryMs = RETRY_FIRST_MS
        if (result.count > 0) this.#options.onCheckpoint?.(result.size)
        const checkpoint =
          result.note === undefined ? undefined : { size: result.size, note: result.note }
        this.#settle(result.placed, result.leafHashes, checkpoint)
        if (result.count === this.#maxBatch) this.#again = true
        else {
          // An entry committed before this step began was visible to its move: if the step did
          // not place it, another process integrated it while we waited for the lock. Entries
          // committed since wait for the next step (no lookup for them: one query less a step).
          const missed = [...this.#waiters].filter(([, w]) => w.steps < step).map(([id]) => id)
          if (missed.length > 0) this.#settle(await this.#lookup(missed))
        }
      } catch (error) {
        // The entries stay pending in the database and will be integrated by a later step;
        // the callers learn that their append did not complete.
        const groups = new Set([...this.#waiters.values()].map((w) => w.group))
        this.#waiters.clear()
        for (const g of groups) g.reject(error)
        if (isDatabaseUnavailable(error)) this.#retryLater()
        return
      }
    } while (this.#again)
  }

  /**
   * The database went away during a step: entries committed to log_pending are still there and
   * nothing else may append to integrate them, so try again later, waiting longer each time.
   */
  #retryLater(): void {
    if (this.#retry !== undefined) return
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      this.#kick()
    }, this.#retryMs)
    this.#retry.unref?.()
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS)
  }

  /** Stops a pending retry (the process is closing). */
  close(): void {
    clearTimeout(this.#retry)
    this.#retry = undefined
  }

  #settle(
    placed: Map<bigint, bigint>,
    leafHashes?: Map<bigint, Uint8Array>,
    /** The step's own signed checkpoint, which covers every entry it placed. */
    checkpoint?: { size: bigint; note: string },
  ): void {
    const done: Group[] = []
    for (const [id, index] of placed) {
      const w = this.#waiters.get(id)
      if (w === undefined) continue
      this.#waiters.delete(id)
      w.group.indices[w.at] = index
      w.group.leafHashes[w.at] = leafHashes?.get(id)
      if (--w.group.remaining === 0) done.push(w.group)
    }
    // Receipts for every append this step completed, in one call against the latest checkpoint,
    // while the loop goes on with the next step.
    if (done.length > 0) void this.#deliver(done, checkpoint)
  }

  async #deliver(groups: Group[], checkpoint?: { size: bigint; note: string }): Promise<void> {
    try {
      const indices = groups.flatMap((g) => g.indices)
      const wait = this.#options.checkpointFor
      const needed = indices.reduce((max, i) => (i + 1n > max ? i + 1n : max), 0n)
      const cosigned = wait === undefined ? undefined : await wait(needed)
      const receipts = await receiptsFor(this.#deps, { indices, at: cosigned ?? checkpoint })
      let at = 0
      for (const g of groups) {
        g.resolve(
          g.entries.map((e, i) => ({
            index: g.indices[i] as bigint,
            kind: e.kind,
            leafHash: g.leafHashes[i] ?? hashLeaf(g.encoded[i] as Uint8Array),
            checkpoint: receipts.checkpoint,
            receipt: receipts.receipts[at + i] as string,
          })),
        )
        at += g.entries.length
      }
    } catch (error) {
      for (const g of groups) g.reject(error)
    }
  }

  async #lookup(ids: bigint[]): Promise<Map<bigint, bigint>> {
    const rows = await this.#deps.db
      .select({ idx: logEntries.idx, pendingId: logEntries.pendingId })
      .from(logEntries)
      .where(sql`${logEntries.pendingId} = any(${`{${ids.join(',')}}`}::int8[])`)
    return new Map(rows.map((r) => [r.pendingId, r.idx]))
  }
}
