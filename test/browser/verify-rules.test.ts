/**
 * Entry rules and the card summary on the real /verify page in Chromium against the real `vigil
 * serve`: the authority publishes rule sets and an issuer directory; the venue picks a rule set
 * in settings; a valid card shows doses ("dose 2 of 2"), the issuer's directory name and whether
 * it meets the rule or why not ("last dose 9 days ago; 14 needed"), in English and Spanish, at
 * 360 px without horizontal scrolling, axe clean. Screenshots go to test-results/verify/.
 */
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importIssuerDirectory, publishRuleSets } from '../../src/services/trust/index.ts'
import { axeSerious, BROWSER_SKIP_REASON } from '../helpers/browser.ts'
import { immunization } from '../helpers/credentials.ts'
import type { RunningServer } from '../helpers/server.ts'
import {
  VERIFY_SHOTS as SHOTS,
  startVerifySite,
  VERIFY_PUBLIC_URL,
  type VerifySite,
} from '../helpers/verify-site.ts'

const PUBLIC_URL = VERIFY_PUBLIC_URL
const RULES = readFileSync(new URL('../../docs/rules-example.json', import.meta.url), 'utf8')

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const day = (daysAgo: number) =>
  new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)

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
    const box = document.getElementById('rule-outcome') as HTMLElement | null
    return {
      status: (document.getElementById('verdict') as HTMLElement).dataset.status,
      meets: box === null || box.hidden ? '' : (box.dataset.meets ?? ''),
      codes: box?.dataset.codes ?? '',
      rule: box === null || box.hidden ? '' : (box.textContent ?? ''),
      holder: (document.getElementById('holder') as HTMLElement).textContent ?? '',
    }
  })
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('entry rules on the verifier page', () => {
  let site: VerifySite
  let server: RunningServer
  let browser: Browser
  const cards: Record<string, string> = {}

  const issue = async (body: unknown): Promise<string> => (await site.issue(body)).qr

  beforeAll(async () => {
    site = await startVerifySite({
      name: 'verify-rules',
      roles: ['issuer', 'admin'],
      // The authority's rules and directory, as `vigil trust rules publish` and `issuers import` do.
      prepare: async (ctx) => {
        await publishRuleSets(ctx, { text: RULES })
        await importIssuerDirectory(ctx, {
          json: {
            participating_issuers: [{ iss: PUBLIC_URL, name: 'Example Region Health Authority' }],
          },
        })
      },
    })
    ;({ server, browser } = site)
    const dose = (code: string, date: string) => ({ code, date, lotNumber: 'EW0182' })
    cards.vaccinated = await issue(
      immunization({ immunizations: [dose('208', day(60)), dose('208', day(30))] }),
    )
    cards.recent = await issue(
      immunization({ immunizations: [dose('208', day(37)), dose('208', day(9))] }),
    )
    cards.partial = await issue(immunization({ immunizations: [dose('208', day(20))] }))
  })

  afterAll(async () => {
    await site?.close()
  })

  it('shows the summary and whether the card meets the chosen rule, in English and Spanish, at 360 px', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/verify`)
    await expect.poll(() => page.locator('#rule-set option').count(), { timeout: 20_000 }).toBe(4)
    expect(await page.locator('#rule-set-hint').textContent()).toContain('release 1')

    // No rule chosen: the card is checked, no rule outcome is shown.
    const plain = await check(page, cards.vaccinated as string)
    expect(plain).toMatchObject({ status: 'valid', meets: '' })
    expect(plain.holder).toContain('dose 2 of 2')
    expect(plain.holder).toContain('Example Region Health Authority')

    await page.locator('#settings summary').click()
    await page.getByLabel('Entry rule').selectOption('vaccinated')
    await page.screenshot({ path: `${SHOTS}rules-settings.png`, fullPage: true })

    const meets = await check(page, cards.vaccinated as string)
    expect(meets).toMatchObject({ status: 'valid', meets: 'true' })
    expect(meets.rule).toContain('Meets the rule “Vaccinated”')
    await page.screenshot({ path: `${SHOTS}rules-meets.png`, fullPage: true })

    const recent = await check(page, cards.recent as string)
    expect(recent).toMatchObject({ status: 'valid', meets: 'false', codes: 'RULE_DOSE_TOO_RECENT' })
    expect(recent.rule).toContain('last dose 9 days ago; 14 needed')
    await page.screenshot({ path: `${SHOTS}rules-too-recent.png`, fullPage: true })

    const partial = await check(page, cards.partial as string)
    expect(partial).toMatchObject({ meets: 'false', codes: 'RULE_SERIES_INCOMPLETE' })
    expect(partial.rule).toContain('1 of 2 doses')
    expect(partial.holder).toContain('dose 1 of 2')
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    await page.getByRole('button', { name: 'Español' }).click()
    const es = await check(page, cards.recent as string)
    expect(es.rule).toContain('No cumple la regla «Vacunado»')
    expect(es.rule).toContain('última dosis hace 9 días; se necesitan 14')
    expect(es.holder).toContain('dosis 2 de 2')
    await page.screenshot({ path: `${SHOTS}rules-too-recent-es.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(errors).toEqual([])
    await context.close()
  })
})
