/**
 * Venue settings on the real /verify page in Chromium against the real `vigil serve`: the offline
 * copy of the log has an age limit the venue chooses (kept with its other settings, passed to
 * core/verify as `snapshotMaxAge`). Online once, then offline with the page's clock two hours
 * on: under a 1-hour limit a logged card reads "cannot confirm" (the copy is too old), under a
 * 30-day limit it is valid. The entry rules applied are proved: the page shows the release and
 * its verified ledger index (offline too, from the kept proof), and refuses rules whose proof
 * has one corrupted byte. English and Spanish, 360 px, axe clean. Screenshots go to
 * test-results/verify/.
 */
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishRuleSets } from '../../src/services/trust/index.ts'
import { axeSerious, BROWSER_SKIP_REASON } from '../helpers/browser.ts'
import { immunization } from '../helpers/credentials.ts'
import type { RunningServer } from '../helpers/server.ts'
import { VERIFY_SHOTS as SHOTS, startVerifySite, type VerifySite } from '../helpers/verify-site.ts'

const HOUR_MS = 3_600_000
const RULES = readFileSync(new URL('../../docs/rules-example.json', import.meta.url), 'utf8')
const day = (daysAgo: number) =>
  new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

async function paste(page: Page, text: string) {
  await page.evaluate(() => {
    ;(document.getElementById('verdict') as HTMLElement).dataset.status = ''
  })
  await page.getByLabel(/The card's text|El texto del certificado/).fill(text)
  await page.locator('#paste-submit').click()
  await expect
    .poll(() => page.locator('#verdict').getAttribute('data-status'), { timeout: 20_000 })
    .toMatch(/^(valid|invalid|cannot-confirm)$/)
  return page.evaluate(() => {
    const reason = document.getElementById('verdict-reason') as HTMLElement
    const ledger = document.querySelector<HTMLElement>('#checks-list li[data-check="ledger"]')
    return {
      kind: (document.getElementById('verdict') as HTMLElement).dataset.kind,
      code: reason.dataset.code,
      text: reason.textContent ?? '',
      ledger: ledger?.dataset.code ?? '',
    }
  })
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('venue settings on the verifier page', () => {
  let site: VerifySite
  let server: RunningServer
  let browser: Browser
  let rulesIndex: number

  const issue = async (body: unknown = immunization()): Promise<string> =>
    (await site.issue(body)).qr

  beforeAll(async () => {
    site = await startVerifySite({
      name: 'verify-venue',
      roles: ['issuer', 'admin'],
      // The authority's rules, as `vigil trust rules publish` does: release 1, a ledger entry.
      prepare: async (ctx) => {
        rulesIndex = (await publishRuleSets(ctx, { text: RULES })).leafIndex as number
      },
    })
    ;({ server, browser } = site)
  }, 180_000)

  afterAll(async () => {
    await site?.close()
  })

  it('an offline copy older than the chosen limit gives "cannot confirm"', async () => {
    const cards = [await issue(), await issue(), await issue()]
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } })
    await context.clock.install()
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/verify`)
    await page.evaluate(() => navigator.serviceWorker.ready)
    const status = page.locator('#snapshot-status')
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    expect(Number(await status.getAttribute('data-size'))).toBeGreaterThanOrEqual(3)

    // The default is 7 days; the venue picks 1 hour, kept with its other settings.
    await page.locator('#settings summary').click()
    const limit = page.getByLabel('Maximum age of the offline copy of the log')
    expect(await limit.inputValue()).toBe('604800')
    await limit.selectOption('3600')
    const stored = await page.evaluate(() => localStorage.getItem('vigil.verify.settings'))
    expect(JSON.parse(stored ?? '{}')).toMatchObject({ snapshotMaxAge: 3600 })
    await page.screenshot({ path: `${SHOTS}venue-snapshot-setting.png`, fullPage: true })

    // No network from here on, and two hours later by the page's clock.
    await context.route('**/*', (route) => route.abort('internetdisconnected'))
    await context.setOffline(true)
    await page.clock.setSystemTime(Date.now() + 2 * HOUR_MS)

    const stale = await paste(page, cards[0] as string)
    expect(stale).toMatchObject({
      kind: 'cannot-confirm',
      code: 'VERIFY_SNAPSHOT_STALE',
      ledger: 'VERIFY_SNAPSHOT_STALE',
    })
    expect(stale.text).toContain('older than your limit')
    await page.screenshot({ path: `${SHOTS}venue-snapshot-stale.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    // A wider limit: the same copy now vouches for a logged card.
    await limit.selectOption('2592000')
    expect(await status.getAttribute('data-stale')).toBe('false')
    const valid = await paste(page, cards[1] as string)
    expect(valid).toMatchObject({ kind: 'valid', ledger: 'VERIFY_LEDGER_INCLUDED' })

    // Back to 1 hour: the status line says the copy is past the limit.
    await limit.selectOption('3600')
    expect(await status.getAttribute('data-stale')).toBe('true')
    expect(await status.textContent()).toContain('older than this venue’s limit (1 hour)')

    await page.getByRole('button', { name: 'Español' }).click()
    expect(await page.locator('label[for="snapshot-max-age"]').textContent()).toBe(
      'Antigüedad máxima de la copia sin conexión del registro',
    )
    const es = await paste(page, cards[2] as string)
    expect(es).toMatchObject({ kind: 'cannot-confirm', code: 'VERIFY_SNAPSHOT_STALE' })
    expect(es.text).toContain('más antigua que su límite')
    expect(await status.textContent()).toContain('límite de este local (1 hora)')
    await page.screenshot({ path: `${SHOTS}venue-snapshot-stale-es.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it('shows which rules it applies, proved in the ledger, and refuses a corrupted proof', async () => {
    const dose = (code: string, date: string) => ({ code, date, lotNumber: 'EW0182' })
    const card = await issue(
      immunization({ immunizations: [dose('208', day(60)), dose('208', day(30))] }),
    )
    const proven = `Rules release 1, in the ledger at index ${rulesIndex} (verified).`
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/verify`)
    await page.evaluate(() => navigator.serviceWorker.ready)
    const hint = page.locator('#rule-set-hint')
    await expect.poll(() => hint.getAttribute('data-proof'), { timeout: 20_000 }).toBe('verified')
    expect(await hint.textContent()).toBe(proven)
    await page.locator('#settings summary').click()
    await page.getByLabel('Entry rule').selectOption('vaccinated')
    await page.screenshot({ path: `${SHOTS}venue-rules-proven-settings.png`, fullPage: true })

    expect(await paste(page, card)).toMatchObject({ kind: 'valid' })
    const box = page.locator('#rule-outcome')
    expect(await box.getAttribute('data-meets')).toBe('true')
    expect(await box.getAttribute('data-proof')).toBe('verified')
    expect(await box.locator('.rule-proof').textContent()).toBe(proven)
    await page.locator('#verdict').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}venue-rules-proven.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    // Offline, from the proof kept on the device.
    await context.route('**/*', (route) => route.abort('internetdisconnected'))
    await context.setOffline(true)
    await page.reload()
    await expect.poll(() => hint.getAttribute('data-proof'), { timeout: 20_000 }).toBe('verified')
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await hint.textContent()).toBe(
      `Reglas de la versión 1, en el registro público en el índice ${rulesIndex} (verificado).`,
    )
    expect(await paste(page, card)).toMatchObject({ kind: 'valid' })
    expect(await box.locator('.rule-proof').textContent()).toContain('(verificado)')
    await page.screenshot({ path: `${SHOTS}venue-rules-proven-es.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(errors).toEqual([])
    await context.close()

    // A fresh device whose proof arrives with one byte flipped: the rules are refused.
    const bad = await browser.newContext({ viewport: { width: 360, height: 900 } })
    await bad.route('**/log/proof/inclusion*', async (route) => {
      const res = await route.fetch()
      const body = (await res.json()) as { proof: string[] }
      const first = Buffer.from(body.proof[0] as string, 'base64')
      first[0] = (first[0] as number) ^ 1
      body.proof[0] = first.toString('base64')
      await route.fulfill({ response: res, json: body })
    })
    const refused = await bad.newPage()
    await refused.goto(`${server.url}/verify`)
    const badHint = refused.locator('#rule-set-hint')
    await expect
      .poll(() => badHint.textContent(), { timeout: 20_000 })
      .toContain('VERIFY_RULES_PROOF')
    expect(await refused.locator('#rule-set option').count()).toBe(1)
    await refused.locator('#settings summary').click()
    await refused.screenshot({ path: `${SHOTS}venue-rules-refused.png`, fullPage: true })
    expect(await axeSerious(refused)).toEqual([])
    await bad.close()
  }, 180_000)
})
