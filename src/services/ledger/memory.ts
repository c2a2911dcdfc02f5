/**
 * @module services/ledger/memory
 * What the read path serves from memory (issue 23). Full tiles and full entry bundles never
 * change once written (c2sp.org/tlog-tiles: a full tile is final), so they are kept in a bounded
 * least-recently-used cache per database, with their ETag. The checkpoint is the only mutable
 * resource: it is held in memory too, replaced by this process's integration steps at once and
 * re-read from the database when older than CHECKPOINT_MAX_AGE_MS, so a checkpoint signed by
 * another process (`--workers`, another machine) is served within that bound.
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { toBase64 } from '../../core/codec/index.ts'
import { parseEntriesPath, parseTilePath } from '../../core/merkle/index.ts'
import type { Db } from '../../platform/db/index.ts'

/** Most bytes of full tiles and bundles one database's cache holds (tiles are 8 KiB each). */
export const IMMUTABLE_CACHE_BYTES = 64 * 1024 * 1024

/**
 * A checkpoint read from the database is served for at most this long before being read again
 * (this process's own checkpoints replace it at once). With `Cache-Control: max-age=2` a client
 * or CDN sees one at most 3 s old.
 */
export const CHECKPOINT_MAX_AGE_MS = 1000

/** A strong validator (RFC 9110 §8.8.3) for bytes that never change at their URL. */
export function etagOf(bytes: Uint8Array): string {
  // 128 bits of SHA-256 name the representation; base64 without padding is a valid etagc.
  return `"${toBase64(sha256(bytes).subarray(0, 16)).slice(0, 22)}"`
}

/** A least-recently-used map bounded by the bytes of its values (Map order is recency). */
export class ByteLru<V> {
  readonly #max: number
  readonly #map = new Map<string, { value: V; size: number }>()
  #bytes = 0

  constructor(maxBytes: number) {
    this.#max = maxBytes
  }

  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#map.size
  }

  get(key: string): V | undefined {
    const hit = this.#map.get(key)
    if (hit === undefined) return undefined
    // Move to the young end.
    this.#map.delete(key)
    this.#map.set(key, hit)
    return hit.value
  }

  set(key: string, value: V, size: number): void {
    if (size > this.#max) return
    const old = this.#map.get(key)
    if (old !== undefined) {
      this.#bytes -= old.size
      this.#map.delete(key)
    }
    this.#map.set(key, { value, size })
    this.#bytes += size
    for (const [k, e] of this.#map) {
      if (this.#bytes <= this.#max) break
      this.#map.delete(k)
      this.#bytes -= e.size
    }
  }

  clear(): void {
    this.#map.clear()
    this.#bytes = 0
  }
}

/** A full tile or bundle as served: its bytes, ETag, and (tiles) the in-tile node hashes. */
export interface Immutable {
  readonly bytes: Uint8Array
  readonly etag: string
  /** computeTileInternals of a full hash tile, filled by the first proof through it. */
  internals?: Uint8Array
}

const immutables = new WeakMap<Db, ByteLru<Immutable>>()

export function immutableCache(db: Db): ByteLru<Immutable> {
  let cache = immutables.get(db)
  if (cache === undefined) {
    cache = new ByteLru(IMMUTABLE_CACHE_BYTES)
    immutables.set(db, cache)
  }
  return cache
}

export const tileKey = (level: number, index: bigint) => `t${level}/${index}`
export const bundleKey = (index: bigint) => `e${index}`
export const partialKey = (level: number, index: bigint) => `p${level}/${index}`

/**
 * The first `width` hashes of partial tile `level/index` if memory holds at least that many: a
 * prefix of a tile never changes once written (c2sp.org/tlog-tiles `.p/W`), whatever it grows to.
 */
export function heldPartialTile(
  db: Db,
  level: number,
  index: bigint,
  width: number,
): Uint8Array | undefined {
  const held = immutables.get(db)?.get(partialKey(level, index))
  if (held === undefined || held.bytes.length < width * 32) return undefined
  return held.bytes.subarray(0, width * 32)
}

/** The latest signed checkpoint as held in memory. */
export interface LatestCheckpoint {
  readonly size: bigint
  /** The signed note, bare (c2sp.org/tlog-checkpoint). */
  readonly note: string
}

/** What /log/checkpoint serves: the note with the cosignatures collected so far, and its ETag. */
export interface ServedCheckpoint {
  readonly size: bigint
  readonly text: string
  readonly etag: string
}

interface CheckpointSlot {
  latest?: LatestCheckpoint
  /** performance.now() when `latest` was read from the database or committed here. */
  readAt: number
  /** Bumped by every change this process makes, so a read begun before it does not win. */
  generation: number
  loading?: Promise<LatestCheckpoint>
  loadingGeneration?: number
  served?: ServedCheckpoint & { readAt: number }
  /** The largest size seen for this database: a step starting below it rewrote history. */
  known: bigint
}

const checkpoints = new WeakMap<Db, CheckpointSlot>()

function slotOf(db: Db): CheckpointSlot {
  let slot = checkpoints.get(db)
  if (slot === undefined) {
    slot = { readAt: Number.NEGATIVE_INFINITY, generation: 0, known: 0n }
    checkpoints.set(db, slot)
  }
  return slot
}

const fresh = (readAt: number) => performance.now() - readAt < CHECKPOINT_MAX_AGE_MS

/**
 * The latest checkpoint from memory, or from `load` when none is held, it is older than
 * CHECKPOINT_MAX_AGE_MS, or `reload` asks for the database's (a client named a size beyond it).
 * Concurrent callers share one read.
 */
export async function rememberedCheckpoint(
  db: Db,
  load: () => Promise<LatestCheckpoint>,
  reload = false,
): Promise<LatestCheckpoint> {
  const slot = slotOf(db)
  if (!reload && slot.latest !== undefined && fresh(slot.readAt)) return slot.latest
  if (slot.loading !== undefined && slot.loadingGeneration === slot.generation) return slot.loading
  const generation = slot.generation
  const started = performance.now()
  const loading = load().then(
    (read) => {
      if (slot.loading === loading) slot.loading = undefined
      if (read.size > slot.known) slot.known = read.size
      // A checkpoint this process committed while the read was in flight is at least as new.
      if (slot.generation === generation) {
        slot.latest = read
        slot.readAt = started
      }
      return read
    },
    (error: unknown) => {
      if (slot.loading === loading) slot.loading = undefined
      throw error
    },
  )
  slot.loading = loading
  slot.loadingGeneration = generation
  return loading
}

/**
 * The served form of `latest` from memory while it is the same checkpoint and fresh; else from
 * `cosign` (the note with its stored cosignature lines).
 */
export async function rememberedServed(
  db: Db,
  latest: LatestCheckpoint,
  cosign: (latest: LatestCheckpoint) => Promise<string>,
): Promise<ServedCheckpoint> {
  const slot = slotOf(db)
  const held = slot.served
  if (held !== undefined && held.size === latest.size && fresh(held.readAt)) return held
  const generation = slot.generation
  const started = performance.now()
  const text = await cosign(latest)
  const served = { size: latest.size, text, etag: etagOf(new TextEncoder().encode(text)) }
  if (slot.generation === generation) slot.served = { ...served, readAt: started }
  return served
}

/**
 * This process committed an integration step: its checkpoint is the latest (and has no
 * cosignatures yet). A size below the one held means the stored history was rewritten (a test
 * forking the log, a restore): everything held for `db` is dropped first.
 */
export function checkpointCommitted(db: Db, latest: LatestCheckpoint, fromSize: bigint): boolean {
  const slot = slotOf(db)
  const rewound = fromSize < slot.known
  if (rewound) immutables.get(db)?.clear()
  slot.known = latest.size
  slot.generation++
  slot.latest = latest
  slot.readAt = performance.now()
  slot.served = undefined
  return rewound
}

/** A cosignature was stored: the served checkpoint is read again on the next request. */
export function cosignaturesChanged(db: Db): void {
  const slot = slotOf(db)
  slot.generation++
  slot.served = undefined
}

/**
 * The served checkpoint when memory holds a fresh one, without waiting (the HTTP layer's hot
 * path); undefined sends the request the long way, which reads and keeps it.
 */
export function peekServedCheckpoint(db: Db): ServedCheckpoint | undefined {
  const slot = checkpoints.get(db)
  const served = slot?.served
  if (slot === undefined || served === undefined || slot.latest?.size !== served.size)
    return undefined
  return fresh(slot.readAt) && fresh(served.readAt) ? served : undefined
}

/**
 * A full tile or entry bundle held in memory, by its tlog-tiles path (`tile/0/x001/234`,
 * `tile/entries/000`), without waiting; undefined for anything else (partial, not held,
 * malformed: the long way answers those).
 */
export function peekFullTile(db: Db, path: string): Immutable | undefined {
  const cache = immutables.get(db)
  if (cache === undefined || cache.size === 0 || path.includes('.p/')) return undefined
  try {
    if (path.startsWith('tile/entries/')) return cache.get(bundleKey(parseEntriesPath(path).index))
    const tile = parseTilePath(path)
    return cache.get(tileKey(tile.level, tile.index))
  } catch {
    return undefined
  }
}

/**
 * Drops what memory holds for `db`'s log, as a restart would: for an operator who restored or
 * repaired the stored log in place, and for tests that change stored rows behind the service.
 */
export function forgetLog(db: Db): void {
  immutables.get(db)?.clear()
  checkpoints.delete(db)
}
