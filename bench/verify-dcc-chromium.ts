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
import { bundlePage } from './offline-chromium.ts'
import type { DccPageMaterial } from './verify-dcc-page.ts'

export interface ChromiumFigure {
  bench: string
  perSecond: number
  cpuUs: number
  perCoreSecond: number
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
    const page = await browser.newPage()
    await page.route('http://localhost/dcc', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><meta charset="utf-8"><title>dcc</title><script type="module">${code}</script>`,
      }),
    )
    await page.goto('http://localhost/dcc')
    await page.waitForFunction(() => 'vigilDccBench' in globalThis)
    const cdp = await browser.newBrowserCDPSession()
    const rendererCpu = async () =>
      ((await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Processes }).processInfo
        .filter((p) => p.type === 'renderer')
        .reduce((s, p) => s + p.cpuTime, 0)
    const figures: ChromiumFigure[] = []
    const run = (seconds: number, withRules: boolean) =>
      page.evaluate(
        ([m, s, w]) =>
          (
            globalThis as unknown as {
              vigilDccBench: (
                m: DccPageMaterial,
                s: number,
                w: boolean,
              ) => Promise<{ runs: number; ms: number; p50Ms: number }>
            }
          ).vigilDccBench(m, s, w),
        [material, seconds, withRules] as const,
      )
    for (const withRules of [false, true]) {
      await run(1, withRules) // warm-up: JIT, the keys' first import
      const cpu0 = await rendererCpu()
      const r = await run(seconds, withRules)
      // Includes the set-up pass over the certificates (once each): a slight overstatement.
      const cpuUs = (((await rendererCpu()) - cpu0) * 1e6) / (r.runs + material.texts.length)
      const figure = {
        bench: withRules ? 'verify-dcc.chromium.rules' : 'verify-dcc.chromium',
        perSecond: Math.round((r.runs * 1000) / r.ms),
        cpuUs: Math.round(cpuUs),
        perCoreSecond: Math.round(1e6 / cpuUs),
        p50Us: Math.round(r.p50Ms * 1000),
        runs: r.runs,
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
