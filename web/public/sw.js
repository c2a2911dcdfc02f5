/**
 * Vigil's verifier service worker (scope /verify). It keeps the page and its scripts
 * (`vigil-verify-shell-v1`) so the verifier opens offline, and serves the trust material, log
 * key, checkpoint, lookup buckets and tiles that the page saved (`vigil-verify-data-v1`) when the
 * network is gone. Plain JavaScript at the site root: a worker's scope cannot exceed its path.
 */
const SHELL = 'vigil-verify-shell-v1'
const DATA = 'vigil-verify-data-v1'
const PAGE = '/verify'
/**
 * Every built file /verify needs offline (scripts, styles, the QR worker, fonts, images),
 * written here by the build (vite.config.ts, verifyPrecache); empty when served by `vite dev`.
 */
const PRECACHE = []

/** The page's hashed scripts and styles, read from its HTML (the worker cannot guess names). */
async function cacheShell(urls) {
  const cache = await caches.open(SHELL)
  await Promise.all(
    urls.map(async (url) => {
      try {
        const res = await fetch(url, { cache: 'no-cache' })
        if (res.ok) await cache.put(url, res)
      } catch {}
    }),
  )
}

async function shellFromHtml() {
  const res = await fetch(PAGE, { cache: 'no-cache' })
  const html = await res.clone().text()
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
  const cache = await caches.open(SHELL)
  await cache.put(PAGE, res)
  await cacheShell([...assets, '/favicon.svg'])
}

/** Drops kept files of earlier builds (hashed names no page of this build asks for). */
async function pruneShell() {
  if (PRECACHE.length === 0) return
  const keep = new Set(PRECACHE)
  const cache = await caches.open(SHELL)
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname
    if (path.startsWith('/assets/') && !keep.has(path)) await cache.delete(request)
  }
}

self.addEventListener('install', (event) => {
  // The build's list first: the QR worker is not named in the HTML and is first fetched only
  // when an image is read, perhaps offline.
  event.waitUntil(
    cacheShell(PRECACHE)
      .then(() => shellFromHtml())
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith('vigil-verify-') && k !== SHELL && k !== DATA)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => pruneShell())
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('message', (event) => {
  if (event.data?.type === 'cache-shell' && Array.isArray(event.data.urls)) {
    const urls = event.data.urls.filter((u) => typeof u === 'string')
    event.waitUntil(cacheShell(urls))
  }
})

const DATA_PATH =
  /\/(trust\/material|log\/key|log\/checkpoint|log\/lookup\/[0-9a-f]{1,6}|log\/tile\/.+)$/

async function networkFirst(request, cacheName, key) {
  try {
    const res = await fetch(request)
    if (res.status >= 500) throw new Error(String(res.status))
    return res
  } catch (err) {
    const saved = await (await caches.open(cacheName)).match(key ?? request)
    if (saved === undefined) throw err
    // Say that this is a kept copy, so the page can tell people its data is not live.
    const headers = new Headers(saved.headers)
    headers.set('x-vigil-offline', '1')
    return new Response(saved.body, { status: saved.status, statusText: saved.statusText, headers })
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL)
  const saved = await cache.match(request)
  if (saved !== undefined) return saved
  const res = await fetch(request)
  if (res.ok) await cache.put(request, res.clone())
  return res
}

self.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  const same = url.origin === self.location.origin
  if (request.mode === 'navigate' && same && url.pathname.startsWith(PAGE)) {
    // The page: the network when there is one (updates), else the kept copy.
    event.respondWith(
      networkFirst(request, SHELL, PAGE).then(async (res) => {
        if (res.ok && res.type === 'basic' && url.pathname === PAGE) {
          await (await caches.open(SHELL)).put(PAGE, res.clone())
        }
        return res
      }),
    )
    return
  }
  if (same && (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg')) {
    event.respondWith(cacheFirst(request)) // hashed names: immutable
    return
  }
  if (same && DATA_PATH.test(url.pathname)) {
    // Saved by the page (network first); served here when the network is gone. Other
    // deployments' data is left to the page (its own fallback to the same cache): this
    // worker's fetches follow its own CSP, connect-src 'self'.
    event.respondWith(networkFirst(request, DATA, url.href))
  }
})
