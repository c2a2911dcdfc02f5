/**
 * @module platform/db/batch-queue
 * Group commit for writes that one statement can take many of: items that arrive while a
 * statement runs queue and go together in the next, so batches grow with load and cost nothing
 * when idle. Each item's promise settles only after its statement has (a 2xx is sent after its
 * commit). Used by the issuance writer and the SMART Health Link manifest batch.
 */

/** After the I/O callbacks of this turn (setImmediate on Node; a timer where there is none). */
export const nextTurn: (fn: () => void) => void =
  typeof setImmediate === 'function'
    ? (fn) => void setImmediate(fn)
    : (fn) => void setTimeout(fn, 0)

/** One timer tick: what one event-loop step completed (a ledger step's callers) arrives together. */
export const nextTick: (fn: () => void) => void = (fn) => void setTimeout(fn, 0)

interface Waiting<I, O> {
  item: I
  resolve(value: O): void
  reject(error: unknown): void
}

export interface BatchQueueOptions {
  /** Most items in one statement (bounds its size). */
  readonly max: number
  /** When the first item of an idle queue is sent. */
  readonly schedule: (fn: () => void) => void
  /**
   * When a shared statement fails, run its items one at a time, so one bad item (say, a key
   * another instance just used) fails only its own caller. Otherwise all fail together.
   */
  readonly retryAlone?: boolean
}

export class BatchQueue<I, O> {
  readonly #run: (items: I[]) => Promise<O[]>
  readonly #options: BatchQueueOptions
  #queue: Waiting<I, O>[] = []
  #running = false

  /** `run` answers one result per item, in order. */
  constructor(run: (items: I[]) => Promise<O[]>, options: BatchQueueOptions) {
    this.#run = run
    this.#options = options
  }

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject })
      if (!this.#running && this.#queue.length === 1)
        this.#options.schedule(() => void this.#drain())
    })
  }

  async #drain(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#options.max)
        try {
          const results = await this.#run(batch.map((w) => w.item))
          for (const [i, w] of batch.entries()) w.resolve(results[i] as O)
        } catch (error) {
          if (this.#options.retryAlone !== true || batch.length === 1) {
            for (const w of batch) w.reject(error)
          } else {
            await Promise.all(
              batch.map((w) => this.#run([w.item]).then(([r]) => w.resolve(r as O), w.reject)),
            )
          }
        }
      }
    } finally {
      this.#running = false
    }
  }
}
