/**
 * A corrected card at the door, on the real /verify page in Chromium against the real `vigil
 * serve`: the issuer reissues a card; the old one reads "replaced by a newer card" (not the
 * revoked sentence), a withdrawn one still reads revoked, and the new one is valid, in English
 * and Spanish, at 360 px, axe clean. Screenshots go to test-results/verify/.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeSerious, BROWSER_SKIP_REASON } from '../helpers/browser.ts'
import { immunization } from '../helpers/credentials.ts'
import type { RunningServer } from '../helpers/server.ts'
import { VERIFY_SHOTS as SHOTS, startVerifySite, type VerifySite } from '../helpers/verify-site.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

async function check(page: Page, text: string) {
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
    return {
      kind: (document.getElementById('verdict') as HTMLElement).dataset.kind,
      code: reason.dataset.code,
      text: reason.textContent ?? '',
    }
  })
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('a superseded card on the verifier page', () => {
  let site: VerifySite
  let server: RunningServer
  let browser: Browser
  const cards: Record<string, string> = {}
  const post = (path: string, body: unknown) => site.post(path, body)

  beforeAll(async () => {
    site = await startVerifySite({ name: 'verify-superseded', roles: ['issuer'] })
    ;({ server, browser } = site)
    const old = await post('/api/credentials', immunization())
    cards.old = old.qr
    const fixed = immunization({
      patient: { givenNames: ['Anne'], familyName: 'Janssen', birthDate: '1985-03-14' },
    })
    cards.neu = (await post(`/api/credentials/${old.id}/reissue`, fixed)).qr
    const withdrawn = await post('/api/credentials', immunization())
    cards.withdrawn = withdrawn.qr
    await post(`/api/credentials/${withdrawn.id}/revoke`, { reason: 'entered in error' })
  })

  afterAll(async () => {
    await site?.close()
  })

  it('says the old card was replaced by a newer card, in English and Spanish, at 360 px', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/verify`)

    const old = await check(page, cards.old as string)
    expect(old).toMatchObject({ kind: 'not-valid', code: 'VERIFY_SUPERSEDED' })
    expect(old.text).toContain('replaced by a newer card')
    await page.screenshot({ path: `${SHOTS}superseded.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    const withdrawn = await check(page, cards.withdrawn as string)
    expect(withdrawn).toMatchObject({ kind: 'not-valid', code: 'SHC_REVOKED' })
    expect(withdrawn.text).not.toContain('replaced')

    expect(await check(page, cards.neu as string)).toMatchObject({ kind: 'valid' })

    await page.getByRole('button', { name: 'Español' }).click()
    const es = await check(page, cards.old as string)
    expect(es).toMatchObject({ kind: 'not-valid', code: 'VERIFY_SUPERSEDED' })
    expect(es.text).toContain('sustituido por uno más reciente')
    await page.screenshot({ path: `${SHOTS}superseded-es.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(errors).toEqual([])
    await context.close()
  })
})
