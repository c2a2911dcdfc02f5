/**
 * Offline verification in Debian Chromium: bench/offline-page.ts bundled with Vite and served to
 * the page by request interception at http://localhost/ (a secure context, so WebCrypto is
 * there), fed the same cards and trust material as the Node loop; on the page's main thread (one
 * card after another, or several in flight), in dedicated workers (bench/offline-worker.ts), and
 * step by step (bench/offline-steps-page.ts). Skipped with a reason when /usr/bin/chromium is
 * missing.
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { build, type Rollup } from 'vite'
import { CHROMIUM, hasChromium, launchChromium } from '../test/helpers/chromium.ts'
import type { OfflineSetup } from './offline.ts'
import type { OfflineMaterial } from './offline-page.ts'

/** A bench page's entry, bundled by Vite into one ES module's text (loaded into a blank page). */
export async function bundlePage(entry: URL): Promise<string> {
  const name = fileURLToPath(entry).replace(/^.*\//, '').replace(/\.ts$/, '')
  const out = (await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      // Readable names in a profile.
      minify: process.env.BENCH_CHROMIUM_PROFILE === undefined,
      lib: {
        entry: fileURLToPath(entry),
        formats: ['es'],
        fileName: name,
      },
    },
  })) as Rollup.RollupOutput[]
  const chunk = out[0]?.output.find((o) => o.type === 'chunk')
  if (chunk === undefined || chunk.type !== 'chunk') throw new Error('no bundle')
  return chunk.code
}

/**
 * A new page at http://localhost/<name> (a secure context: WebCrypto is there, as on the
 * /verify page) running the bundled `code`, returned once it has set `global`.
 */
export async function openBenchPage(
  browser: Browser,
  name: string,
  code: string,
  global: string,
): Promise<Page> {
  const page = await browser.newPage()
  await page.route(`http://localhost/${name}`, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><meta charset="utf-8"><title>${name}</title><script type="module">${code}</script>`,
    }),
  )
  await page.goto(`http://localhost/${name}`)
  await page.waitForFunction((g) => g in globalThis, global)
  return page
}

/**
 * The loop on the page's main thread: `inFlight` 1 is one card after another (a venue's scan);
 * more keeps that many cards in flight, so the thread works while WebCrypto answers.
 */
export async function measureOfflineChromium(setup: OfflineSetup, rounds: number, inFlight = 1) {
  const es256 =
    inFlight === 1 ? 'WebCrypto in Chromium' : `WebCrypto in Chromium, ${inFlight} cards in flight`
  if (!hasChromium()) {
    return { bench: 'credentials.verify', es256, skipped: `${CHROMIUM} is missing` }
  }
  const code = await bundlePage(new URL('./offline-page.ts', import.meta.url))
  const browser = await launchChromium()
  try {
    const page = await openBenchPage(browser, 'offline', code, 'vigilOffline')
    const material: OfflineMaterial = {
      issuerKeys: setup.issuerKeys,
      policy: setup.policy,
      cards: setup.cards,
    }
    const version = browser.version()
    // BENCH_CHROMIUM_PROFILE=FILE writes a V8 CPU profile of the loop (open it in DevTools).
    const profileTo = process.env.BENCH_CHROMIUM_PROFILE
    const cdp = await page.context().newCDPSession(page)
    // CPU time of the page's main thread and of the renderer process (CDP Performance metrics
    // ThreadTime and ProcessTime, seconds): less sensitive to other work than the wall clock.
    await cdp.send('Performance.enable')
    const cpu = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics')
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN
      return { thread: get('ThreadTime'), process: get('ProcessTime') }
    }
    if (profileTo !== undefined) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
    }
    const cpu0 = await cpu()
    const { cards, ms } = await page.evaluate(
      ([m, r, k]) =>
        (
          globalThis as unknown as {
            vigilOffline: (
              m: OfflineMaterial,
              r: number,
              k: number,
            ) => Promise<{ cards: number; ms: number }>
          }
        ).vigilOffline(m, r, k),
      [material, rounds, inFlight] as const,
    )
    const cpu1 = await cpu()
    if (profileTo !== undefined) {
      const { profile } = await cdp.send('Profiler.stop')
      writeFileSync(profileTo, JSON.stringify(profile))
    }
    return {
      bench: 'credentials.verify',
      es256,
      inFlight,
      chromium: version,
      cards,
      perSecOneCore: Math.round((cards * 1000) / ms),
      meanUs: Math.round((ms * 1000) / cards),
      mainThreadCpuUsPerCard: Math.round(((cpu1.thread - cpu0.thread) * 1e6) / cards),
      rendererCpuUsPerCard: Math.round(((cpu1.process - cpu0.process) * 1e6) / cards),
      loadAvg1m: Number(loadavg()[0]?.toFixed(2)),
      includes:
        'QR decode, inflate, ES256, leaf rebuild, checkpoint signature, 3 cosignatures (2-of-3), inclusion proof',
      target: '>= 5000/s',
    }
  } finally {
    await browser.close()
  }
}

/** Each step of a card's verification alone in Chromium (bench/offline-steps-page.ts). */
export async function measureStepsChromium(setup: OfflineSetup, reps: number) {
  if (!hasChromium()) return { bench: 'credentials.verify.steps.chromium', skipped: CHROMIUM }
  const code = await bundlePage(new URL('./offline-steps-page.ts', import.meta.url))
  const browser = await launchChromium()
  try {
    const page = await openBenchPage(browser, 'steps', code, 'vigilSteps')
    const material: OfflineMaterial = {
      issuerKeys: setup.issuerKeys,
      policy: setup.policy,
      cards: setup.cards,
    }
    const out = await page.evaluate(
      ([m, r]) =>
        (
          globalThis as unknown as {
            vigilSteps: (m: OfflineMaterial, r: number) => Promise<Record<string, number>>
          }
        ).vigilSteps(m, r),
      [material, reps] as const,
    )
    return {
      bench: 'credentials.verify.steps.chromium',
      unit: 'µs per card',
      loadAvg1m: Number(loadavg()[0]?.toFixed(2)),
      ...out,
    }
  } finally {
    await browser.close()
  }
}

/** Page script: starts one worker per share, warms them, then times them from one start. */
const WORKERS_PAGE = `
globalThis.vigilWorkers = async (code, shares, issuerKeys, policy, rounds, inFlight) => {
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))
  const started = shares.map(() => new Worker(url, { type: 'module' }))
  const reply = (w) => new Promise((resolve, reject) => {
    w.onmessage = (e) => resolve(e.data)
    w.onerror = (e) => reject(new Error(e.message))
  })
  await Promise.all(started.map((w, i) => {
    const r = reply(w)
    w.postMessage({ kind: 'warm', material: { issuerKeys, policy, cards: shares[i] } })
    return r
  }))
  const t0 = performance.now()
  const done = await Promise.all(started.map((w) => {
    const r = reply(w)
    w.postMessage({ kind: 'go', rounds, inFlight })
    return r
  }))
  const ms = performance.now() - t0
  for (const w of started) w.terminate()
  return { cards: done.reduce((n, d) => n + d.cards, 0), ms }
}`

/**
 * The same loop in `workers` dedicated Web Workers started by one page (one per core of this
 * machine by default), the cards split between them, `inFlight` cards in flight in each: cards
 * per second of wall time from one start to the last worker's end, the browser's throughput for
 * a batch. The /verify page checks one scanned card at a time on its main thread (the serial
 * figure is its latency).
 */
export async function measureOfflineWorkers(
  setup: OfflineSetup,
  rounds: number,
  workers = 2,
  inFlight = 8,
) {
  if (!hasChromium()) return { bench: 'credentials.verify.workers', skipped: CHROMIUM }
  const code = await bundlePage(new URL('./offline-worker.ts', import.meta.url))
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    await page.route('http://localhost/workers', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><meta charset="utf-8"><title>workers</title><script>${WORKERS_PAGE}</script>`,
      }),
    )
    await page.goto('http://localhost/workers')
    const shares = Array.from({ length: workers }, (_, w) =>
      setup.cards.filter((_, i) => i % workers === w),
    )
    const args = [code, shares, setup.issuerKeys, setup.policy, rounds, inFlight] as const
    // A string, not a function: tsx would wrap a function's inner closures in its __name helper,
    // which the page does not have.
    const out = (await page.evaluate(`vigilWorkers(...${JSON.stringify(args)})`)) as {
      cards: number
      ms: number
    }
    return {
      bench: 'credentials.verify.workers',
      es256: `WebCrypto in Chromium, ${workers} dedicated workers, ${inFlight} cards in flight each`,
      workers,
      inFlight,
      cards: out.cards,
      perSec: Math.round((out.cards * 1000) / out.ms),
      loadAvg1m: Number(loadavg()[0]?.toFixed(2)),
      target: '>= 8000/s',
    }
  } finally {
    await browser.close()
  }
}
