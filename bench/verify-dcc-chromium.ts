/**
 * The EU DCC verdict in Debian Chromium: bench/verify-dcc-page.ts bundled with Vite, served by
 * request interception at http://localhost/ (a secure context, so WebCrypto is there), fed the
 * Node bench's certificates and lists. Wall clock on the page's main thread, and the renderer
 * process's CPU time from the DevTools protocol (SystemInfo.getProcessInfo), so the per
 * core-second figure holds whatever else runs on the machine. Skipped with a reason when
 * /usr/bin/chromium is missing.
 */
import { loadavg } from 'node:os'
import { CHROMIUM, hasChromium, launchChromium } from '../test/helpers/chromium.ts'
import { bundlePage, openBenchPage } from './offline-chromium.ts'
import type { DccPageMaterial } from './verify-dcc-page.ts'

/** Seconds per burst: the renderer's CPU time is read around each. */
const BURST = 0.5

export interface ChromiumFigure {
  bench: string
  perSecond: number
  cpuUs: number
  perCoreSecond: number
  bestCpuUs: number
  bestPerCoreSecond: number
  p50Us: number
  runs: number
  chromium: string
}

type Processes = { type: string; id: number; cpuTime: number }[]

export async function measureDccChromium(
  material: DccPageMaterial,
  seconds: number,
): Promise<ChromiumFigure[] | { skipped: string }> {
  if (!hasChromium()) return { skipped: `${CHROMIUM} is missing` }
  const code = await bundlePage(new URL('./verify-dcc-page.ts', import.meta.url))
  const browser = await launchChromium()
  try {
    const page = await openBenchPage(browser, 'dcc', code, 'vigilDccRun')
    const cdp = await browser.newBrowserCDPSession()
    const rendererCpu = async () =>
      ((await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Processes }).processInfo
        .filter((p) => p.type === 'renderer')
        .reduce((s, p) => s + p.cpuTime, 0)
    type Page = {
      vigilDccSetup: (m: DccPageMaterial) => Promise<void>
      vigilDccRun: (s: number, w: boolean) => Promise<{ runs: number; ms: number; p50Ms: number }>
    }
    await page.evaluate((m) => (globalThis as unknown as Page).vigilDccSetup(m), material)
    const run = (s: number, w: boolean) =>
      page.evaluate(([s, w]) => (globalThis as unknown as Page).vigilDccRun(s, w), [s, w] as const)
    const figures: ChromiumFigure[] = []
    for (const withRules of [false, true]) {
      await run(1, withRules) // warm-up
      // Bursts of BURST seconds, the renderer's CPU time read around each: the total, and the
      // least contended burst (the machine is shared).
      let runs = 0
      let ms = 0
      let cpu = 0
      let best = Number.POSITIVE_INFINITY
      const p50s: number[] = []
      for (let b = 0; b < Math.max(1, Math.round(seconds / BURST)); b++) {
        const cpu0 = await rendererCpu()
        const r = await run(BURST, withRules)
        const used = (await rendererCpu()) - cpu0
        runs += r.runs
        ms += r.ms
        cpu += used
        best = Math.min(best, (used * 1e6) / r.runs)
        p50s.push(r.p50Ms)
      }
      p50s.sort((a, b) => a - b)
      const cpuUs = (cpu * 1e6) / runs
      const figure = {
        bench: withRules ? 'verify-dcc.chromium.rules' : 'verify-dcc.chromium',
        perSecond: Math.round((runs * 1000) / ms),
        cpuUs: Math.round(cpuUs),
        perCoreSecond: Math.round(1e6 / cpuUs),
        bestCpuUs: Math.round(best),
        bestPerCoreSecond: Math.round(1e6 / best),
        p50Us: Math.round((p50s[Math.floor(p50s.length / 2)] ?? Number.NaN) * 1000),
        runs,
        chromium: browser.version(),
      }
      process.stdout.write(`${JSON.stringify({ ...figure, load1: loadavg()[0] })}\n`)
      figures.push(figure)
    }
    return figures
  } finally {
    await browser.close()
  }
}
