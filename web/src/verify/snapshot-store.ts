/**
 * The device's offline copy of each trusted deployment's log (src/core/snapshot), kept in
 * IndexedDB (`vigil-verify-snapshot`, one record per log) so that a card this device has never
 * seen can be checked against the ledger offline. Synced on load and every few minutes while
 * online, reading only the tiles past the last size; every sync is verified against a signed
 * checkpoint under the trust material's witness policy before it replaces the kept copy.
 * Nothing here blocks a verdict: the verifier reads whatever copy is in memory at that moment.
 */
import { createLogClient, isTileUrl, type LogFetch } from '../../../src/core/log-client/index.ts'
import {
  encodeSnapshot,
  type LogSnapshot,
  openSnapshot,
  syncSnapshot,
} from '../../../src/core/snapshot/index.ts'
import type { OpenedTrustMaterial } from '../../../src/core/verify/index.ts'
import { el } from '../dom.ts'
import { formatAge, formatTime, type MessageKey, onLangChange, t } from '../i18n/index.ts'
import { DATA_CACHE, type LoadedDeployment } from './data.ts'

const DB_NAME = 'vigil-verify-snapshot'
const STORE = 'snapshots'
/** While online, the copy is brought up to date this often. */
export const SNAPSHOT_SYNC_MS = 5 * 60_000

/** What the page shows about the copy (and tests read from its data attributes). */
export interface SnapshotState {
  readonly syncing: boolean
  /** The copies held, one per log. */
  readonly snapshots: readonly LogSnapshot[]
  /** The last sync's failure (the kept copy stays in use). */
  readonly error?: string
}

const keyOf = (material: OpenedTrustMaterial) => `${material.log.origin}\n${material.log.vkey}`
const held = new Map<string, LogSnapshot>()
let state: SnapshotState = { syncing: false, snapshots: [] }
const listeners: ((s: SnapshotState) => void)[] = []
/** The venue's limit on the copy's age (seconds), for the status line. */
let limit: number | undefined

/** Sets the venue's limit (core/verify's `snapshotMaxAge`) the status line compares with. */
export function setSnapshotLimit(seconds: number): void {
  limit = seconds
  for (const f of listeners) f(state)
}

function publish(syncing: boolean, error?: string): void {
  state = { syncing, snapshots: [...held.values()], ...(error === undefined ? {} : { error }) }
  for (const f of listeners) f(state)
}

export function onSnapshotChange(f: (s: SnapshotState) => void): void {
  listeners.push(f)
  f(state)
}

/** The copy of the material's log, for core/verify's `snapshot` option. */
export function snapshotFor(material: OpenedTrustMaterial): LogSnapshot | undefined {
  return held.get(keyOf(material))
}

let db: Promise<IDBDatabase | undefined> | undefined

function openDb(): Promise<IDBDatabase | undefined> {
  db ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB_NAME, 1)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE)
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => resolve(undefined)
    } catch {
      resolve(undefined)
    }
  })
  return db
}

async function read(key: string): Promise<Uint8Array | undefined> {
  const store = await openDb()
  if (store === undefined) return undefined
  return new Promise((resolve) => {
    const req = store.transaction(STORE).objectStore(STORE).get(key)
    req.onsuccess = () =>
      resolve(req.result instanceof ArrayBuffer ? new Uint8Array(req.result) : undefined)
    req.onerror = () => resolve(undefined)
  })
}

async function write(key: string, bytes: Uint8Array): Promise<void> {
  const store = await openDb()
  if (store === undefined) return
  await new Promise<void>((resolve) => {
    const tx = store.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).put(bytes.slice().buffer, key)
    tx.oncomplete = () => resolve()
    tx.onerror = () => resolve()
  })
}

/**
 * Tiles from the page's saved copies when there are some (tiles never change), else the
 * network, without saving them again: the snapshot keeps 12 bytes per leaf, not 32.
 */
const tileFetch: LogFetch = async (url) => {
  if (isTileUrl(url) && typeof caches !== 'undefined') {
    try {
      const saved = await (await caches.open(DATA_CACHE)).match(url)
      if (saved !== undefined) return saved
    } catch {}
  }
  return fetch(url, { cache: isTileUrl(url) ? 'default' : 'no-cache' })
}

/** Loads the kept copy of a deployment's log, checked again against its trust material. */
async function load(d: LoadedDeployment): Promise<void> {
  const key = keyOf(d.material)
  if (held.has(key)) return
  const bytes = await read(key)
  if (bytes === undefined) return
  try {
    const policy = d.material.policyValue
    held.set(key, await openSnapshot(bytes, { policy, origin: d.material.log.origin }))
  } catch {
    // A copy that no longer verifies (say, another log key) is dropped; the next sync rebuilds it.
  }
}

async function syncOne(d: LoadedDeployment): Promise<void> {
  const key = keyOf(d.material)
  // After a rotation the active shard is read at its own /log/<id>/ paths: /log/tile/… then
  // names the new shard's tiles, and the page's kept copies under it are the old shard's.
  const shards = d.material.shards ?? []
  const active = shards.find((s) => s.state === 'active')
  const sharded = active !== undefined && shards.some((s) => s.state === 'frozen')
  const client = createLogClient(d.base, tileFetch, sharded ? `log/${active.id}` : 'log')
  const { snapshot } = await syncSnapshot(held.get(key), {
    readTiles: client.readTiles,
    note: await client.checkpoint(),
    policy: d.material.policyValue,
    origin: d.material.log.origin,
    now: Math.floor(Date.now() / 1000),
  })
  held.set(key, snapshot)
  await write(key, encodeSnapshot(snapshot))
}

let running: Promise<void> | undefined

/** Loads the kept copies, then (online) brings each up to date. Never throws. */
export function syncSnapshots(loaded: readonly LoadedDeployment[]): Promise<void> {
  running ??= (async () => {
    publish(true, state.error)
    const errors: string[] = []
    for (const d of loaded) {
      await load(d)
      publish(true, state.error)
      if (!navigator.onLine) continue
      try {
        await syncOne(d)
      } catch (err) {
        errors.push(
          err !== null && typeof err === 'object' && 'code' in err ? String(err.code) : String(err),
        )
      }
    }
    publish(false, errors.length === 0 ? undefined : errors.join(', '))
  })().finally(() => {
    running = undefined
  })
  return running
}

/**
 * A status line after `anchor`: how many log entries the offline copy holds and as of when
 * (its data attributes say the same for tests: state, size, time).
 */
export function mountSnapshotStatus(anchor: HTMLElement): void {
  const line = el('p', { id: 'snapshot-status', class: 'trust', role: 'status' })
  anchor.after(line)
  const render = () => {
    const now = Math.floor(Date.now() / 1000)
    const copies = state.snapshots
    const size = copies.reduce((n, s) => n + s.size, 0n)
    const time = copies.length === 0 ? undefined : Math.min(...copies.map((s) => s.time))
    line.dataset.state = state.syncing
      ? 'syncing'
      : copies.length === 0
        ? state.error === undefined
          ? 'none'
          : 'error'
        : 'ready'
    line.dataset.size = size.toString()
    if (time === undefined) delete line.dataset.time
    else line.dataset.time = String(time)
    const parts: string[] = []
    if (time !== undefined) {
      parts.push(
        t('snapshot.status', {
          count: size.toLocaleString(),
          time: formatTime(time),
          age: formatAge(Math.max(0, now - time)),
        }),
      )
      const stale = limit !== undefined && now - time > limit
      line.dataset.stale = String(stale)
      if (stale) parts.push(t('snapshot.stale', { limit: t(`age.${limit}` as MessageKey) }))
    } else if (!state.syncing) parts.push(t('snapshot.none'))
    if (state.syncing) parts.push(t('snapshot.syncing'))
    line.textContent = parts.join(' ')
  }
  onSnapshotChange(render)
  onLangChange(render)
  setInterval(render, 30_000)
}
