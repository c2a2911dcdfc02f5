/**
 * Real Debian Chromium through playwright-core (never a downloaded browser). Locally, tests skip
 * with one line when it is missing; with CI=true a missing browser is a failure.
 */
import { existsSync } from 'node:fs'
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core'
import { expect } from 'vitest'

export const CHROMIUM = '/usr/bin/chromium'
export const BROWSER_SKIP_REASON = existsSync(CHROMIUM)
  ? undefined
  : 'browser: /usr/bin/chromium is missing (apt-get install -y chromium)'

if (process.env.CI === 'true' && BROWSER_SKIP_REASON) {
  throw new Error(`CI=true requires the browser tests: ${BROWSER_SKIP_REASON}`)
}

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
 * `person`), which signs in and lands on the console.
 */
export async function enrolPasskey(
  page: Page,
  origin: string,
  invitation: string,
  person: string,
  passkeyName: string,
): Promise<void> {
  await addVirtualAuthenticator(page)
  await page.goto(`${origin}/enrol.html#${invitation}`)
  await expect.poll(() => page.locator('#invitation-name').textContent()).toBe(person)
  await page.getByLabel('Name this passkey').fill(passkeyName)
  await page.getByRole('button', { name: 'Create passkey' }).click()
  await page.waitForURL('**/console.html')
}
