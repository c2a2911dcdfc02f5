/**
 * @module platform/db/read-batch
 * Reads asked for in the same turn of the event loop go to the database as one query, sent after
 * the last of them was asked: under load, 32 requests that each look up their API token cost one
 * round trip instead of 32. Nothing is cached: every answer comes from a query sent after the
 * caller asked, so it is as fresh as an unshared read (a revoked token is refused at once).
 */
import { nextTurn } from './batch-queue.ts'

interface Waiter<V> {
  resolve(value: V | undefined): void
  reject(error: unknown): void
}

export class ReadBatcher<K, V> {
  readonly #load: (keys: K[]) => Promise<Map<K, V>>
  #waiting = new Map<K, Waiter<V>[]>()

  /** `load` answers for every key it finds; absent keys resolve to undefined. */
  constructor(load: (keys: K[]) => Promise<Map<K, V>>) {
    this.#load = load
  }

  get(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      if (this.#waiting.size === 0) nextTurn(() => void this.#run())
      const list = this.#waiting.get(key)
      if (list === undefined) this.#waiting.set(key, [{ resolve, reject }])
      else list.push({ resolve, reject })
    })
  }

  async #run(): Promise<void> {
    const waiting = this.#waiting
    this.#waiting = new Map()
    try {
      const found = await this.#load([...waiting.keys()])
      for (const [key, list] of waiting) for (const w of list) w.resolve(found.get(key))
    } catch (error) {
      for (const list of waiting.values()) for (const w of list) w.reject(error)
    }
  }
}

/** One batcher per database handle (a Worker's handle lives for one request: batches of one). */
export function perDb<D extends object, B>(make: (db: D) => B): (db: D) => B {
  const all = new WeakMap<D, B>()
  return (db) => {
    let b = all.get(db)
    if (b === undefined) {
      b = make(db)
      all.set(db, b)
    }
    return b
  }
}
