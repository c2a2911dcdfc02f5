/**
 * Real Debian Chromium through playwright-core (never a downloaded browser). Locally, tests skip
 * with one line when it is missing; with CI=true a missing browser is a failure.
 */

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { CDPSession, Page } from 'playwright-core'
import { expect } from 'vitest'
import { CHROMIUM, hasChromium } from './chromium.ts'

export { CHROMIUM, launchChromium } from './chromium.ts'

export const BROWSER_SKIP_REASON = hasChromium()
  ? undefined
  : `browser: ${CHROMIUM} is missing (apt-get install -y chromium)`

if (process.env.CI === 'true' && BROWSER_SKIP_REASON) {
  throw new Error(`CI=true requires the browser tests: ${BROWSER_SKIP_REASON}`)
}

/**
 * A CTAP2 platform authenticator with user verification for `page` (Chromium's DevTools
 * WebAuthn domain, stack.md §6.2): passkey ceremonies complete without a prompt.
 */
export async function addVirtualAuthenticator(
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable', { enableUI: false })
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })
  return { cdp, authenticatorId }
}

/**
 * Enrols a passkey from an invitation link on the enrol page (the invitation must name
 * `person`), which signs in and lands on the console. Returns the page's virtual authenticator.
 */
export async function enrolPasskey(
  page: Page,
  origin: string,
  invitation: string,
  person: string,
  passkeyName: string,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const authenticator = await addVirtualAuthenticator(page)
  await page.goto(`${origin}/enrol.html#${invitation}`)
  await expect.poll(() => page.locator('#invitation-name').textContent()).toBe(person)
  await page.getByLabel('Name this passkey').fill(passkeyName)
  await page.getByRole('button', { name: 'Create passkey' }).click()
  await page.waitForURL('**/console.html')
  return authenticator
}

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url))

/**
 * Serious or critical axe-core violations on the page, as `id (impact, nodes)`. axe is evaluated
 * through DevTools, so the page's CSP stays on.
 */
/** The chart tables whose box scrolls sideways (a column cut off behind the scroll bar). */
export function cutTables(page: Page): Promise<string[]> {
  return page
    .locator('.table-wrap')
    .evaluateAll((wraps) =>
      wraps
        .filter((w) => w.scrollWidth > w.clientWidth + 1)
        .map((w) => w.closest('section')?.id || w.parentElement?.id || '?'),
    )
}

export async function axeSerious(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(AXE, 'utf8'))
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> }
      }
    ).axe
    const result = await axe.run()
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`)
  })
}

/**
 * Builds the pages into web/dist with the project's Vite config, as `npm run build:web` does
 * (without emptying it first, so a server already serving it keeps its files).
 */
export async function buildPages(): Promise<void> {
  const { build } = await import('vite')
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { emptyOutDir: false },
  })
}
