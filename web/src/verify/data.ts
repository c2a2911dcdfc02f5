/**
 * The verifier's data: trust material of each trusted Vigil deployment, this site's EU DCC trust
 * data (/trust/dcc), and ledger access, with
 * copies kept in Cache Storage (`vigil-verify-data-v1`, which the service worker also serves
 * offline). Mutable resources (trust material, log key, checkpoint, lookup buckets) are
 * network-first with the saved copy as the offline fallback; tiles are immutable, so cache-first
 * (with a memory layer for speed). Only public log data is requested: never the card.
 */
import { createLogClient, isTileUrl, type LogFetch } from '../../../src/core/log-client/index.ts'
import {
  clientLedgerSource,
  type LedgerSource,
  type OpenedDccTrust,
  type OpenedTrustMaterial,
  openDccTrust,
  openTrustMaterial,
} from '../../../src/core/verify/index.ts'

export const DATA_CACHE = 'vigil-verify-data-v1'
const DEPLOYMENTS_KEY = 'vigil.verify.deployments'
const MAX_MEMORY_TILES = 2048
/** Trust material is fetched again when older than this (when online). */
export const REFRESH_SECONDS = 60

/** A trusted Vigil deployment other than this site: its URL and pinned log key. */
export interface Deployment {
  readonly url: string
  readonly vkey: string
}

export interface LoadedDeployment {
  /** '' for this site. */
  readonly base: string
  readonly material: OpenedTrustMaterial
  /** True when the copy came from Cache Storage because the network failed. */
  readonly offline: boolean
}

export interface LoadFailure {
  readonly base: string
  readonly error: string
}

const memoryTiles = new Map<string, Uint8Array>()
let lastOffline = false

let opened: Promise<Cache | undefined> | undefined

function openCache(): Promise<Cache | undefined> {
  opened ??= (async () => {
    try {
      return typeof caches === 'undefined' ? undefined : await caches.open(DATA_CACHE)
    } catch {
      return undefined
    }
  })()
  return opened
}

/** Saving a copy is off the critical path: the answer is used at once. */
function keep(cache: Cache | undefined, url: string, res: Response): void {
  if (cache !== undefined) cache.put(url, res.clone()).catch(() => undefined)
}

/** Network first (revalidating HTTP caches); the saved copy when the network fails. */
async function networkFirst(url: string): Promise<Response> {
  const cache = await openCache()
  try {
    const res = await fetch(url, { cache: 'no-cache' })
    if (res.status >= 500) throw new Error(`${url.split('?')[0]} answered ${res.status}`)
    // The service worker answers with the kept copy when offline, and says so.
    lastOffline = res.headers.get('x-vigil-offline') === '1'
    if (res.ok && !lastOffline) keep(cache, url, res)
    return res
  } catch (err) {
    const saved = await cache?.match(url)
    if (saved === undefined) throw err
    lastOffline = true
    return saved
  }
}

/** Immutable resources: memory, then Cache Storage, then the network. */
async function cacheFirst(url: string): Promise<Response> {
  const bytes = memoryTiles.get(url)
  if (bytes !== undefined) return new Response(bytes as Uint8Array<ArrayBuffer>)
  const cache = await openCache()
  let res = await cache?.match(url)
  if (res === undefined) {
    res = await fetch(url)
    if (res.ok) keep(cache, url, res)
  }
  if (res.ok) {
    const body = new Uint8Array(await res.arrayBuffer())
    if (memoryTiles.size >= MAX_MEMORY_TILES) memoryTiles.clear()
    memoryTiles.set(url, body)
    return new Response(body as Uint8Array<ArrayBuffer>, { status: 200 })
  }
  return res
}

/** Tiles of any shard (`/log/tile/…`, `/log/<id>/tile/…`) are kept by URL: cache-first. */
export const cachingFetcher: LogFetch = (url) =>
  isTileUrl(url) ? cacheFirst(url) : networkFirst(url)

export function wasOffline(): boolean {
  return lastOffline
}

async function text(url: string): Promise<{ text: string; offline: boolean }> {
  const res = await networkFirst(url)
  if (!res.ok) throw new Error(`${url} answered ${res.status}`)
  return { text: await res.text(), offline: lastOffline }
}

/** This site's trust material, its key taken from this site's /log/key (as the page is). */
async function loadHome(): Promise<LoadedDeployment> {
  const vkey = await createLogClient('', cachingFetcher).key()
  const material = await text('/trust/material')
  return {
    base: '',
    material: await openTrustMaterial(material.text, vkey),
    offline: material.offline,
  }
}

async function loadOther(d: Deployment): Promise<LoadedDeployment> {
  const material = await text(`${d.url}/trust/material`)
  return {
    base: d.url,
    material: await openTrustMaterial(material.text, d.vkey),
    offline: material.offline,
  }
}

/** This site's EU DCC / GDHCN trust data (GET /trust/dcc), signed with the same log key. */
export interface LoadedDccTrust {
  readonly opened: OpenedDccTrust
  readonly offline: boolean
}

/** The DCC trust data, network first with the saved copy offline; undefined when there is none. */
export async function loadDccTrust(): Promise<LoadedDccTrust | undefined> {
  try {
    const vkey = await createLogClient('', cachingFetcher).key()
    const got = await text('/trust/dcc')
    return { opened: await openDccTrust(got.text, vkey), offline: got.offline }
  } catch {
    return undefined
  }
}

export function savedDeployments(): Deployment[] {
  try {
    const list = JSON.parse(localStorage.getItem(DEPLOYMENTS_KEY) ?? '[]') as unknown
    if (!Array.isArray(list)) return []
    return list.filter(
      (d): d is Deployment => typeof d?.url === 'string' && typeof d?.vkey === 'string',
    )
  } catch {
    return []
  }
}

export function saveDeployments(list: readonly Deployment[]): void {
  try {
    localStorage.setItem(DEPLOYMENTS_KEY, JSON.stringify(list))
  } catch {}
}

function describe(err: unknown): string {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return err.code
  }
  return err instanceof Error ? err.message : String(err)
}

/** Loads every deployment's material; failures are reported one by one, never fatal. */
export async function loadTrust(): Promise<{
  loaded: LoadedDeployment[]
  failed: LoadFailure[]
}> {
  const jobs: [string, Promise<LoadedDeployment>][] = [
    ['', loadHome()],
    ...savedDeployments().map((d): [string, Promise<LoadedDeployment>] => [d.url, loadOther(d)]),
  ]
  const loaded: LoadedDeployment[] = []
  const failed: LoadFailure[] = []
  for (const [base, job] of jobs) {
    try {
      loaded.push(await job)
    } catch (err) {
      failed.push({ base, error: describe(err) })
    }
  }
  return { loaded, failed }
}

/** The ledger of the deployment a material came from (its base URL, or this site). */
export function ledgerFor(loaded: readonly LoadedDeployment[]) {
  const sources = new Map<OpenedTrustMaterial, LedgerSource>()
  for (const d of loaded) {
    sources.set(d.material, clientLedgerSource(createLogClient(d.base, cachingFetcher)))
  }
  return (material: OpenedTrustMaterial) => sources.get(material)
}
