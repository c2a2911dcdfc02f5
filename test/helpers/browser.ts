/**
 * Real Debian Chromium through playwright-core (never a downloaded browser). Locally, tests skip
 * with one line when it is missing; with CI=true a missing browser is a failure.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const BROWSER_SKIP_REASON = existsSync(CHROMIUM)
  ? undefined
  : 'browser: /usr/bin/chromium is missing (apt-get install -y chromium)'

if (process.env.CI === 'true' && BROWSER_SKIP_REASON) {
  throw new Error(`CI=true requires the browser tests: ${BROWSER_SKIP_REASON}`)
}

export function launchChromium(): Promise<Browser> {
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
    ],
  })
}
