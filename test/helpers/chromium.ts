/**
 * Launching Debian Chromium through playwright-core (never a downloaded browser), for tests
 * (test/helpers/browser.ts adds the skip and CI rules) and benchmarks alike.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

export const hasChromium = (): boolean => existsSync(CHROMIUM)

/** Headless Debian Chromium; `extraArgs` add switches (a fake camera, say) to the usual ones. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium dials Google hosts this machine cannot reach.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  })
}
