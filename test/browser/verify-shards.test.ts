/**
 * The verifier page after a log rotation (docs/LEDGER.md "Shards"), in real Chromium against the
 * real `vigil serve`, with `vigil log rotate` run beside it: a card issued before the rotation
 * (in the frozen shard 1, read through /log/1/…) and one issued after it (in shard 2) are both
 * valid, in English and Spanish, at 360 px. Screenshots go to test-results/verify/shards-*.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeSerious, BROWSER_SKIP_REASON } from '../helpers/browser.ts'
import { runCli } from '../helpers/cli.ts'
import { VERIFY_SHOTS as SHOTS, startVerifySite, type VerifySite } from '../helpers/verify-site.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

async function paste(page: Page, text: string) {
  await page.evaluate(() => {
    ;(document.getElementById('verdict') as HTMLElement).dataset.status = ''
  })
  await page.locator('#paste-input').fill(text)
  await page.locator('#paste-submit').click()
  await expect
    .poll(() => page.locator('#verdict').getAttribute('data-status'), { timeout: 20_000 })
    .toMatch(/^(valid|invalid|cannot-confirm)$/)
  return page.evaluate(() => {
    const li = document.querySelector<HTMLElement>('#checks-list li[data-check="ledger"]')
    return {
      status: (document.getElementById('verdict') as HTMLElement).dataset.status as string,
      ledger: { result: li?.dataset.result ?? '', code: li?.dataset.code ?? '' },
    }
  })
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('the verifier page across log shards', () => {
  let site: VerifySite

  beforeAll(async () => {
    site = await startVerifySite({ name: 'verify-shards', roles: ['issuer'] })
  }, 240_000)

  afterAll(async () => {
    await site?.close()
  })

  it('a card from the frozen shard and one from the new shard are both valid', async () => {
    const before = await site.issue()
    const rotated = await runCli(['log', 'rotate', '--min-age', '0', '--json'], site.env)
    expect(rotated.code, rotated.stderr).toBe(0)
    expect(JSON.parse(rotated.stdout)).toMatchObject({ rotated: true, active: { id: 2 } })
    const after = await site.issue()
    expect(String(after.leafIndex)).toBe('0')

    for (const locale of ['en', 'es'] as const) {
      const context = await site.browser.newContext({
        viewport: { width: 360, height: 900 },
        locale,
      })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`${site.server.url}/verify`)
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale)
      for (const [name, card] of [
        ['before', before],
        ['after', after],
      ] as const) {
        const outcome = await paste(page, card.qr)
        expect({ locale, name, ...outcome }).toEqual({
          locale,
          name,
          status: 'valid',
          ledger: { result: 'pass', code: 'VERIFY_LEDGER_INCLUDED' },
        })
        await page.screenshot({ path: `${SHOTS}shards-${name}-${locale}.png`, fullPage: true })
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        360,
      )
      expect(await axeSerious(page)).toEqual([])
      expect(errors).toEqual([])
      await context.close()
    }
  }, 240_000)
})
