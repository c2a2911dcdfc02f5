/**
 * Vigil's verifier service worker (scope /verify; docs/RELEASES.md, docs/VERIFIER.md).
 *
 * It runs only a logged release. On install it reads the deployment's release manifest
 * (/release.json), finds it in the release feed, and proves its inclusion in the log from the
 * manifest bytes under the deployment's witness policy (core/release); then it fetches the page
 * and every file the page needs, transitively, checking each against the manifest's SHA-256. A
 * release that is not in the log, or a file that differs from the manifest, fails the install,
 * so the release already installed stays active; the reason is kept for the page to show. It
 * serves the page only when its bytes are the installed release's (else the installed copy, and
 * it asks the browser to check for an update), and files only as the manifest lists them.
 * Trust data the page saved is served from the cache when the network is gone.
 */
import { sha256, toHex } from '../../../src/core/codec/index.ts'
import { createLogClient } from '../../../src/core/log-client/index.ts'
import {
  assetHash,
  checkReleaseProof,
  fetchReleaseProof,
  manifestHash,
  parseReleaseManifest,
  RELEASE_MANIFEST_PATH,
  type ReleaseManifest,
  type ReleaseRecord,
} from '../../../src/core/release/index.ts'
import { openTrustMaterial } from '../../../src/core/verify/index.ts'
import {
  type InstalledRelease,
  RELEASE_CACHE,
  readReleaseState,
  writeReleaseState,
} from './release-state.ts'

/** What this file needs of the ServiceWorkerGlobalScope (the DOM lib does not type it). */
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  respondWith(r: Promise<Response> | Response): void
}
interface Scope {
  readonly registration: { update(): Promise<unknown> }
  readonly clients: {
    claim(): Promise<void>
    matchAll(o?: { includeUncontrolled?: boolean }): Promise<{ postMessage(m: unknown): void }[]>
  }
  readonly location: Location
  skipWaiting(): Promise<void>
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void
}
const sw = self as unknown as Scope

/**
 * Replaced by the build with a digest of every other built file (vite.config.ts), so any change
 * to the pages changes this file's bytes and the browser installs this worker again.
 */
const BUILD = buildId('VIGIL_BUILD_ID')
function buildId(value: string): string {
  return value
}

const SHELL_PREFIX = 'vigil-verify-shell-'
const DATA = 'vigil-verify-data-v1'
const PAGE = '/verify'
const PAGE_FILE = '/verify.html'
const ASSET_REF = /assets\/[A-Za-z0-9_.-]+/g
const DATA_PATH =
  /\/(trust\/material|trust\/dcc|log\/([1-9][0-9]{0,4}\/)?(key|checkpoint|lookup\/[0-9a-f]{1,6}|tile\/.+))$/

class Refusal extends Error {
  readonly code: string
  readonly release: number | null
  constructor(code: string, message: string, release: number | null = null) {
    super(message)
    this.code = code
    this.release = release
  }
}

const shellName = (sha: string) => `${SHELL_PREFIX}${sha.slice(0, 16)}`
const hexOf = async (bytes: ArrayBuffer) => toHex(await sha256(new Uint8Array(bytes)))

async function getText(path: string): Promise<string> {
  const res = await fetch(path, { cache: 'no-cache' })
  if (!res.ok) throw new Refusal('RELEASE_FETCH', `${path} answered ${res.status}`)
  return res.text()
}

/** The release's feed record and the proof of its manifest bytes, or a Refusal. */
async function prove(text: string, pinnedVkey: string | undefined) {
  const sha = await manifestHash(text)
  const feed = JSON.parse(await getText('/release/feed.json')) as { releases?: ReleaseRecord[] }
  const record = feed.releases?.find((r) => r.sha256 === sha)
  if (record === undefined || record.leafIndex === null) {
    throw new Refusal('RELEASE_NOT_LOGGED', 'this release is not in the public ledger')
  }
  const client = createLogClient('', (url, init) => fetch(url, { ...init, cache: 'no-cache' }))
  const vkey = (await client.key()).trim()
  if (pinnedVkey !== undefined && vkey !== pinnedVkey) {
    throw new Refusal('RELEASE_LOG_KEY', 'the ledger key changed', record.release)
  }
  const material = await openTrustMaterial(await getText('/trust/material'), vkey)
  try {
    const proof = await fetchReleaseProof(record, client)
    const proven = await checkReleaseProof(
      text,
      record,
      proof,
      { policy: material.policyValue, origin: material.log.origin },
      Math.floor(Date.now() / 1000),
    )
    return { record, proven, vkey }
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'RELEASE_PROOF'
    throw new Refusal(code, (err as Error).message, record.release)
  }
}

/** Fetches the page and everything it names, transitively, each checked against the manifest. */
async function fetchShell(
  manifest: ReleaseManifest,
  release: number,
): Promise<Map<string, Response>> {
  const files = new Map<string, Response>()
  const queue = [PAGE_FILE, '/favicon.svg']
  while (queue.length > 0) {
    const path = queue.pop() as string
    if (files.has(path)) continue
    const res = await fetch(path, { cache: 'no-cache' })
    if (!res.ok) throw new Refusal('RELEASE_FETCH', `${path} answered ${res.status}`, release)
    const bytes = await res.arrayBuffer()
    const listed = assetHash(manifest, path)
    if (listed === undefined || listed !== (await hexOf(bytes))) {
      throw new Refusal(
        'RELEASE_ASSET_MISMATCH',
        `${path} is not the file the logged release lists`,
        release,
      )
    }
    files.set(path, new Response(bytes, { headers: res.headers }))
    if (/\.(html|js|css)$/.test(path)) {
      for (const ref of new TextDecoder().decode(bytes).match(ASSET_REF) ?? []) {
        if (!files.has(`/${ref}`)) queue.push(`/${ref}`)
      }
    }
  }
  return files
}

async function tell(message: unknown): Promise<void> {
  for (const client of await sw.clients.matchAll({ includeUncontrolled: true })) {
    client.postMessage(message)
  }
}

async function install(): Promise<void> {
  const state = await readReleaseState()
  let text = ''
  try {
    text = await getText(RELEASE_MANIFEST_PATH)
    let manifest: ReleaseManifest
    try {
      manifest = parseReleaseManifest(text)
    } catch (err) {
      throw new Refusal('RELEASE_MANIFEST_INVALID', (err as Error).message)
    }
    const { record, proven, vkey } = await prove(text, state.vkey)
    const files = await fetchShell(manifest, record.release)
    const cache = await caches.open(shellName(record.sha256))
    for (const [path, res] of files) await cache.put(path === PAGE_FILE ? PAGE : path, res)
    const installed: InstalledRelease = {
      release: record.release,
      sha256: record.sha256,
      leafIndex: proven.leafIndex,
      size: String(proven.size),
      cosignatures: proven.cosignatures,
      version: manifest.version,
      commit: manifest.commit,
    }
    await writeReleaseState({ ...state, installed, refused: undefined, vkey })
    await caches.open(RELEASE_CACHE).then((c) => c.put('/verify/release.json', new Response(text)))
  } catch (err) {
    const refusal =
      err instanceof Refusal ? err : new Refusal('RELEASE_FETCH', (err as Error).message)
    const refused = {
      sha256: text === '' ? '' : await manifestHash(text),
      release: refusal.release,
      code: refusal.code,
      message: refusal.message,
      at: Math.floor(Date.now() / 1000),
    }
    await writeReleaseState({ ...state, refused })
    await tell({ type: 'vigil-release', refused })
    throw err // the install fails: the installed release stays active
  }
}

sw.addEventListener('install', (event) => {
  event.waitUntil(install().then(() => sw.skipWaiting()))
})

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const { installed } = await readReleaseState()
      const keep = installed === undefined ? '' : shellName(installed.sha256)
      for (const key of await caches.keys()) {
        if (key.startsWith('vigil-verify-shell') && key !== keep) await caches.delete(key)
      }
      await sw.clients.claim()
      await tell({ type: 'vigil-release', installed, build: BUILD })
    })(),
  )
})

/** The installed release's manifest (undefined before the first install). */
async function installedManifest(): Promise<ReleaseManifest | undefined> {
  const res = await (await caches.open(RELEASE_CACHE)).match('/verify/release.json')
  return res === undefined ? undefined : parseReleaseManifest(await res.text())
}

async function shell(): Promise<Cache | undefined> {
  const { installed } = await readReleaseState()
  return installed === undefined ? undefined : caches.open(shellName(installed.sha256))
}

/** The page: the network's copy only when it is the installed release's page. */
async function page(request: Request): Promise<Response> {
  const kept = await (await shell())?.match(PAGE)
  const manifest = await installedManifest()
  try {
    const res = await fetch(request)
    if (manifest === undefined || !res.ok) return res
    const bytes = await res.arrayBuffer()
    if ((await hexOf(bytes)) === assetHash(manifest, PAGE_FILE)) {
      return new Response(bytes, { status: res.status, headers: res.headers })
    }
    // Another release is deployed: keep the installed one until the new worker proves it.
    void sw.registration.update().catch(() => undefined)
    return kept ?? new Response(bytes, { status: res.status, headers: res.headers })
  } catch (err) {
    if (kept !== undefined) return kept
    throw err
  }
}

/** A built file: only as the installed manifest lists it. */
async function asset(request: Request, path: string): Promise<Response> {
  const cache = await shell()
  const kept = await cache?.match(path)
  if (kept !== undefined) return kept
  const manifest = await installedManifest()
  const res = await fetch(request)
  if (manifest === undefined || !res.ok) return res
  const bytes = await res.arrayBuffer()
  if (assetHash(manifest, path) !== (await hexOf(bytes))) {
    return new Response(`${path} is not part of the installed release`, { status: 409 })
  }
  const copy = new Response(bytes, { status: res.status, headers: res.headers })
  await cache?.put(path, copy.clone())
  return copy
}

async function networkFirst(request: Request, key: string): Promise<Response> {
  try {
    const res = await fetch(request)
    if (res.status >= 500) throw new Error(String(res.status))
    return res
  } catch (err) {
    const saved = await (await caches.open(DATA)).match(key)
    if (saved === undefined) throw err
    // Say that this is a kept copy, so the page can tell people its data is not live.
    const headers = new Headers(saved.headers)
    headers.set('x-vigil-offline', '1')
    return new Response(saved.body, { status: saved.status, statusText: saved.statusText, headers })
  }
}

sw.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== sw.location.origin) return
  if (request.mode === 'navigate' && (url.pathname === PAGE || url.pathname === PAGE_FILE)) {
    event.respondWith(page(request))
  } else if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    event.respondWith(asset(request, url.pathname))
  } else if (DATA_PATH.test(url.pathname)) {
    // Saved by the page (network first); served here when the network is gone.
    event.respondWith(networkFirst(request, url.href))
  }
})
