/**
 * The verifier page after a log rotation (docs/LEDGER.md "Shards"), in real Chromium against the
 * real `vigil serve`, with `vigil log rotate` run beside it: a card issued before the rotation
 * (in the frozen shard 1, read through /log/1/…) and one issued after it (in shard 2) are both
 * valid, in English and Spanish, at 360 px. Screenshots go to test-results/verify/shards-*.png.
 * And a page that verified cards before the rotation, and so keeps shard 1's tiles by URL, still
 * finds a card of shard 2 valid once shard 2 has grown to the tile paths it kept (it reads the
 * active shard at /log/2/…; it said "cannot confirm" when it read /log/tile/… from its cache).
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
  const size = async () => {
    const note = await (await fetch(`${site.server.url}/log/checkpoint`)).text()
    return Number(/^\S+\n(\d+)\n/.exec(note)?.[1])
  }

  beforeAll(async () => {
    site = await startVerifySite({ name: 'verify-shards', roles: ['issuer'] })
  }, 240_000)

  afterAll(async () => {
    await site?.close()
  })

  it("a page holding the old shard's tiles verifies a card of the new shard at the same tile paths", async () => {
    const before = await site.issue()
    const context = await site.browser.newContext({ viewport: { width: 360, height: 900 } })
    try {
      const page = await context.newPage()
      await page.goto(`${site.server.url}/verify`)
      expect(await paste(page, before.qr)).toMatchObject({ status: 'valid' })
      const at = await size()
      const rotated = await runCli(['log', 'rotate', '--min-age', '0', '--json'], site.env)
      expect(rotated.code, rotated.stderr).toBe(0)
      let after = await site.issue()
      while ((await size()) < at) after = await site.issue()
      expect(await size()).toBe(at)
      // The same page, its kept tiles and all; the trust material is fetched again.
      await page.reload()
      for (const card of [after, before])
        expect(await paste(page, card.qr)).toEqual({
          status: 'valid',
          ledger: { result: 'pass', code: 'VERIFY_LEDGER_INCLUDED' },
        })
    } finally {
      await context.close()
    }
  }, 240_000)

  it('a card from the frozen shard and one from the new shard are both valid', async () => {
    const before = await site.issue()
    const rotated = await runCli(['log', 'rotate', '--min-age', '0', '--json'], site.env)
    expect(rotated.code, rotated.stderr).toBe(0)
    expect(JSON.parse(rotated.stdout)).toMatchObject({ rotated: true, active: { id: 3 } })
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
