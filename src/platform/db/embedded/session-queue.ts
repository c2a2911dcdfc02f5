/**
 * @module platform/db/embedded/session-queue
 * PGlite is one Postgres backend (one session). Clients of its socket server take turns on it;
 * a turn lasts from a client's first message until the backend is idle again, i.e. until a
 * ReadyForQuery with status 'I' (PostgreSQL protocol §55.2.2: "Z", int32 5, status byte). Until
 * then the client is inside an extended-query batch (Parse … Sync: the unnamed statement and
 * portal are session state) or a transaction, and no other client's message may run.
 *
 * pglite-socket 0.2.18's own queue serialises single messages and pins a client only while a
 * transaction is open, so two postgres.js pools interleave their Parse/Bind/Execute and get
 * each other's results (upstream electric-sql/pglite#1046, PR #977, both open). This queue is
 * passed to the library's PGLiteSocketHandler instead; the framing, startup and SSL handling
 * stay the library's.
 */
import type { PGlite } from '@electric-sql/pglite'

interface Queued {
  handler: number
  message: Uint8Array
  onData: (data: Uint8Array) => void
  resolve: (bytes: number) => void
  reject: (error: Error) => void
}

const READY_FOR_QUERY = 0x5a // 'Z'
const IDLE = 0x49 // 'I'

/** True when `tail` (the last bytes a message produced) ends with ReadyForQuery 'I'. */
export function endsIdle(tail: Uint8Array): boolean {
  const n = tail.length
  return (
    n >= 6 &&
    tail[n - 6] === READY_FOR_QUERY &&
    tail[n - 5] === 0 &&
    tail[n - 4] === 0 &&
    tail[n - 3] === 0 &&
    tail[n - 2] === 5 &&
    tail[n - 1] === IDLE
  )
}

export class SessionQueue {
  readonly #db: PGlite
  #queue: Queued[] = []
  /** The client whose turn it is (undefined: the backend is idle and nobody holds it). */
  #owner: number | undefined
  #running = false
  #closed = false

  constructor(db: PGlite) {
    this.#db = db
  }

  /** Called by PGLiteSocketHandler for each protocol message, in order per client. */
  enqueue(handler: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
    return new Promise<number>((resolve, reject) => {
      if (this.#closed) return reject(new Error('the embedded database is closing'))
      this.#queue.push({ handler, message, onData, resolve, reject })
      void this.#pump()
    })
  }

  getQueueLength(): number {
    return this.#queue.length
  }

  /** A client went away: drop what it still had queued. */
  clearQueueForHandler(handler: number): void {
    this.#queue = this.#queue.filter((q) => {
      if (q.handler !== handler) return true
      q.reject(new Error('client disconnected'))
      return false
    })
  }

  /** A client went away during its turn: roll back what it left open and hand the turn on. */
  async clearTransactionIfNeeded(handler: number): Promise<void> {
    if (this.#owner !== handler || this.#closed) return
    this.#owner = undefined
    if (this.#db.isInTransaction()) await this.#db.exec('ROLLBACK')
    void this.#pump()
  }

  /** Before PGlite closes: refuse what comes after, and let go of what is queued. */
  close(): void {
    this.#closed = true
    for (const q of this.#queue.splice(0)) q.reject(new Error('the embedded database is closing'))
  }

  async #pump(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      for (;;) {
        const owner = this.#owner
        const at = owner === undefined ? 0 : this.#queue.findIndex((q) => q.handler === owner)
        const next = at < 0 ? undefined : this.#queue[at]
        if (next === undefined || this.#closed) break
        this.#queue.splice(at, 1)
        this.#owner = next.handler
        let bytes = 0
        let tail: Uint8Array = new Uint8Array(0)
        try {
          await this.#db.runExclusive(() =>
            this.#db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                bytes += data.length
                tail = lastSix(tail, data)
                next.onData(data)
              },
            }),
          )
        } catch (err) {
          // The message failed inside PGlite (not a SQL error, which is a reply): the client
          // is told, and the queue goes on rather than stalling every other client.
          next.reject(err instanceof Error ? err : new Error(String(err)))
          continue
        }
        // Idle again: the next client's turn. (A client that leaves with its turn — Terminate
        // inside a transaction — keeps it until its socket closes and it is rolled back.)
        if (endsIdle(tail)) this.#owner = undefined
        next.resolve(bytes)
      }
    } finally {
      this.#running = false
    }
  }
}

function lastSix(previous: Uint8Array, data: Uint8Array): Uint8Array {
  // Copies: PGlite reuses the buffer behind `data` for the next reply.
  if (data.length >= 6) return data.slice(data.length - 6)
  const joined = new Uint8Array(previous.length + data.length)
  joined.set(previous)
  joined.set(data, previous.length)
  return joined.subarray(Math.max(0, joined.length - 6))
}
