/**
 * The tracer workspace in Debian Chromium against the real `vigil serve`: two tracers, each a
 * person with a passkey in their own browser context. The first issues a code for a region of the
 * loaded places (a day in the future is refused at its field), copies the hand-over message; a
 * citizen opens the hand-over link, which fills in the code and drops it from the address bar, and
 * reports; the second tracer sees the first's codes and, after a refresh, the redeemed one as
 * used, and looks it up by the code. Every state in EN and ES at 360 and 1280 px: screenshots in
 * test-results/tracer/, axe clean, no horizontal scroll.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  axeSerious,
  BROWSER_SKIP_REASON,
  buildPages,
  enrolPasskey,
  launchChromium,
} from '../helpers/browser.ts'
import { BIN, freePort, type RunningServer, startServer } from '../helpers/server.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const SHOTS = fileURLToPath(new URL('../../test-results/tracer/', import.meta.url))
const REGIONS = fileURLToPath(new URL('../../data/regions-xv.csv', import.meta.url))

function keys(): { key: string; rollingStartNumber: number; rollingPeriod: number }[] {
  const today = Math.floor(Date.now() / 86_400_000) * 144
  return [1, 2].map((d) => ({
    key: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64'),
    rollingStartNumber: today - d * 144,
    rollingPeriod: 144,
  }))
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('tracer workspace in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tracer-'))
  const env = { VIGIL_DATA_DIR: dir, DATABASE_URL: '', VIGIL_LOG_LEVEL: 'warn', PORT: '' }
  let browser: Browser
  let server: RunningServer
  const invitations: string[] = []

  const vigil = (...args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    env.PORT = String(await freePort())
    for (const name of ['Tess Tracer', 'Theo Tracer']) {
      const out = vigil('admin', 'invite', '--name', name, '--role', 'tracer')
      invitations.push(/#(vgi_\S+)/.exec(out)?.[1] as string)
    }
    vigil('regions', 'load', REGIONS)
    await buildPages()
    ;[browser, server] = await Promise.all([launchChromium(), startServer(env)])
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Screenshots at 360 and 1280 px in EN and ES, each axe-clean without horizontal scroll. */
  async function shoot(page: Page, name: string): Promise<void> {
    for (const lang of ['English', 'Español'] as const) {
      await page.getByRole('button', { name: lang }).click()
      // Status lines are said again in the new language, not left in the old one.
      await expect
        .poll(() => page.locator('#status').textContent())
        .toMatch(lang === 'English' ? /Signed in as/ : /Sesión iniciada como/)
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 900 })
        const tag = lang === 'English' ? 'en' : 'es'
        await page.screenshot({ path: `${SHOTS}${name}-${tag}-${width}.png`, fullPage: true })
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          width,
        )
        expect(await axeSerious(page)).toEqual([])
      }
    }
    await page.getByRole('button', { name: 'English' }).click()
    await page.setViewportSize({ width: 360, height: 900 })
  }

  const watch = (page: Page, errors: string[]) => {
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (400|401|404)/.test(m.text())) errors.push(m.text())
    })
  }

  it('one tracer issues, a citizen redeems through the hand-over link, another tracer sees it used', async () => {
    const origin = server.url.replace('127.0.0.1', 'localhost')
    const errors: string[] = []
    const first = await browser.newContext({ viewport: { width: 360, height: 900 } })
    await first.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
    const tess = await first.newPage()
    watch(tess, errors)
    await enrolPasskey(tess, origin, invitations[0] as string, 'Tess Tracer', 'Tess laptop')
    await tess.goto(`${origin}/tracer.html`)
    await expect.poll(() => tess.locator('#status').textContent()).toMatch(/Signed in as Tess/)
    await expect.poll(() => tess.locator('#region option').count()).toBeGreaterThan(3)
    await shoot(tess, 'empty')

    // A day in the future is refused at the field, with the form's status saying so.
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
    await tess.getByLabel('Day').fill(tomorrow)
    await tess.getByRole('button', { name: 'Issue code' }).click()
    await expect
      .poll(() => tess.locator('#date-error').textContent())
      .toBe('The day cannot be in the future.')
    expect(await tess.getByLabel('Day').getAttribute('aria-invalid')).toBe('true')
    await shoot(tess, 'field-error')

    // A code for a district, with a test date.
    await tess.getByLabel('Day').fill(new Date().toISOString().slice(0, 10))
    await tess.getByLabel('Region of the case').selectOption('XV-N01')
    await tess.getByLabel('Test date (no symptoms)').check()
    await tess.getByRole('button', { name: 'Issue code' }).click()
    await expect.poll(() => tess.locator('#issue-status').textContent()).toMatch(/Code issued/)
    expect(await tess.locator('#date-error').isHidden()).toBe(true)
    const short = (await tess.locator('#issued-short').textContent()) as string
    const long = (await tess.locator('#issued-long').textContent()) as string
    expect(short).toMatch(/^\d{8}$/)
    const link = `${origin}/report.html#code=${long}`
    await expect.poll(() => tess.getByLabel('Message for the person').inputValue()).toContain(link)
    expect(await tess.getByLabel('Message for the person').inputValue()).toContain(`Code: ${long}`)
    await expect
      .poll(() =>
        tess.locator('#handover-qr').evaluate((i) => (i as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(0)
    await tess.getByRole('button', { name: 'Copy the message' }).click()
    await expect.poll(() => tess.locator('#copy-status').textContent()).toMatch(/Copied\./)
    expect(await tess.evaluate(() => navigator.clipboard.readText())).toContain(link)
    await tess.getByLabel('Language of the message').selectOption('es')
    expect(await tess.getByLabel('Message for the person').inputValue()).toContain(
      `Código: ${long}`,
    )
    await expect
      .poll(() => tess.locator('#codes .code-status').allTextContents())
      .toEqual(['Unused'])
    await shoot(tess, 'issued')
    expect(await tess.locator('#issue-status').textContent()).toMatch(/Code issued/)

    // Two more codes (one revoked after the confirmation) from Tess.
    await tess.getByRole('button', { name: 'Issue code' }).click()
    await expect
      .poll(() => tess.locator('#codes .code-status').allTextContents())
      .toEqual(['Unused', 'Unused'])
    await tess
      .getByRole('button', { name: /^Revoke the code/ })
      .first()
      .click()
    await shoot(tess, 'revoke-confirm')
    await tess.getByRole('button', { name: 'Yes, revoke' }).click()
    await expect
      .poll(() => tess.locator('#codes .code-status').allTextContents())
      .toEqual(['Revoked', 'Unused'])

    // The citizen opens the hand-over link: the code is filled in and gone from the address.
    const citizen = await browser.newPage({ viewport: { width: 360, height: 900 } })
    watch(citizen, errors)
    await citizen.goto(link)
    expect(await citizen.getByLabel('Verification code').inputValue()).toBe(long)
    expect(new URL(citizen.url()).hash).toBe('')
    await citizen.getByLabel('Or paste the exported keys').fill(JSON.stringify(keys()))
    await citizen.getByRole('button', { name: 'Send keys' }).click()
    await expect
      .poll(() => citizen.locator('#result').textContent(), { timeout: 15_000 })
      .toMatch(/Thank you\. 2 key\(s\) accepted/)
    await citizen.close()

    // Theo, in another browser context, sees Tess's codes and the redeemed one as used.
    const second = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const theo = await second.newPage()
    watch(theo, errors)
    await enrolPasskey(theo, origin, invitations[1] as string, 'Theo Tracer', 'Theo laptop')
    await theo.goto(`${origin}/tracer.html`)
    await expect
      .poll(() => theo.locator('#codes .code-status').allTextContents())
      .toEqual(['Revoked', 'Used'])
    const used = theo.locator('#codes tr', { hasText: 'Used' })
    expect(await used.locator('td').nth(2).textContent()).toBe('XV-N01')
    expect(await theo.locator('#codes .mine').count()).toBe(0)
    await theo.getByLabel('Code the person reads out').fill(short)
    await theo.getByRole('button', { name: 'Look up' }).click()
    await expect.poll(() => theo.locator('#lookup-result').textContent()).toMatch(/: Used\.$/)
    await theo.getByLabel('Code the person reads out').fill('12345678')
    await theo.getByRole('button', { name: 'Look up' }).click()
    await expect.poll(() => theo.locator('#lookup-error').textContent()).toMatch(/No such code/)
    await shoot(theo, 'second-tracer')

    // Tess issues one more; Theo's refresh shows it, unused, newest first.
    await tess.getByRole('button', { name: 'Issue code' }).click()
    await expect.poll(() => tess.locator('#codes .code-status').count()).toBe(3)
    await theo.getByRole('button', { name: 'Refresh status' }).click()
    await expect
      .poll(() => theo.locator('#codes .code-status').allTextContents())
      .toEqual(['Unused', 'Revoked', 'Used'])
    expect(errors).toEqual([])
    await first.close()
    await second.close()
  }, 180_000)
})
