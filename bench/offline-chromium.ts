/**
 * Offline verification in Debian Chromium, one page, one thread: bench/offline-page.ts bundled
 * with Vite and served to the page by request interception at http://localhost/ (a secure
 * context, so WebCrypto is there), fed the same cards and trust material as the Node loop.
 * Skipped with a reason when /usr/bin/chromium is missing.
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
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

export async function measureOfflineChromium(setup: OfflineSetup, rounds: number) {
  if (!hasChromium()) {
    return {
      bench: 'credentials.verify',
      es256: 'WebCrypto in Chromium',
      skipped: `${CHROMIUM} is missing`,
    }
  }
  const code = await bundlePage(new URL('./offline-page.ts', import.meta.url))
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    await page.route('http://localhost/offline', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><meta charset="utf-8"><title>offline</title><script type="module">${code}</script>`,
      }),
    )
    await page.goto('http://localhost/offline')
    await page.waitForFunction(() => 'vigilOffline' in globalThis)
    const material: OfflineMaterial = {
      issuerKeys: setup.issuerKeys,
      policy: setup.policy,
      cards: setup.cards,
    }
    const version = browser.version()
    // BENCH_CHROMIUM_PROFILE=FILE writes a V8 CPU profile of the loop (open it in DevTools).
    const profileTo = process.env.BENCH_CHROMIUM_PROFILE
    const cdp = profileTo === undefined ? undefined : await page.context().newCDPSession(page)
    await cdp?.send('Profiler.enable')
    await cdp?.send('Profiler.start')
    const { cards, ms } = await page.evaluate(
      ([m, r]) =>
        (
          globalThis as unknown as {
            vigilOffline: (m: OfflineMaterial, r: number) => Promise<{ cards: number; ms: number }>
          }
        ).vigilOffline(m, r),
      [material, rounds] as const,
    )
    if (cdp !== undefined && profileTo !== undefined) {
      const { profile } = await cdp.send('Profiler.stop')
      writeFileSync(profileTo, JSON.stringify(profile))
    }
    return {
      bench: 'credentials.verify',
      es256: 'WebCrypto in Chromium',
      chromium: version,
      cards,
      perSecOneCore: Math.round((cards * 1000) / ms),
      meanUs: Math.round((ms * 1000) / cards),
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
    const page = await browser.newPage()
    await page.route('http://localhost/steps', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><meta charset="utf-8"><title>steps</title><script type="module">${code}</script>`,
      }),
    )
    await page.goto('http://localhost/steps')
    await page.waitForFunction(() => 'vigilSteps' in globalThis)
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
