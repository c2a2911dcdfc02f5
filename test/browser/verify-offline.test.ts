/**
 * The venue door's case in real Chromium against the real `vigil serve`: /verify is loaded once
 * online (which syncs the offline copy of the log), then the device goes offline and checks 20
 * cards it has never seen (each valid: their leaves are in the copy), a card issued after the
 * sync (cannot confirm: newer than the copy) and a card signed with the real issuer key but never
 * logged (not valid, offline too). Screenshots go to test-results/verify/offline-*.png.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildImmunizationBundle } from '../../src/core/fhir/index.ts'
import { encodeShcQr, issueShc } from '../../src/core/shc/index.ts'
import { issuerSigner } from '../../src/services/credentials/index.ts'
import type { IssuerSigner } from '../../src/services/credentials/issuer.ts'
import { axeSerious, BROWSER_SKIP_REASON } from '../helpers/browser.ts'
import type { RunningServer } from '../helpers/server.ts'
import { VERIFY_SHOTS as SHOTS, startVerifySite, type VerifySite } from '../helpers/verify-site.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

interface Outcome {
  status: string
  ledger: { result: string; code: string }
  text: string
}

async function paste(page: Page, text: string): Promise<Outcome> {
  await page.evaluate(() => {
    ;(document.getElementById('verdict') as HTMLElement).dataset.status = ''
  })
  await page.getByLabel(/The card's text/).fill(text)
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  await expect
    .poll(() => page.locator('#verdict').getAttribute('data-status'), { timeout: 20_000 })
    .toMatch(/^(valid|invalid|cannot-confirm)$/)
  return page.evaluate(() => {
    const li = document.querySelector<HTMLElement>('#checks-list li[data-check="ledger"]')
    return {
      status: (document.getElementById('verdict') as HTMLElement).dataset.status as string,
      ledger: { result: li?.dataset.result ?? '', code: li?.dataset.code ?? '' },
      text: document.getElementById('result')?.textContent ?? '',
    }
  })
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('the verifier offline, for any card', () => {
  let site: VerifySite
  let server: RunningServer
  let browser: Browser
  let signer: IssuerSigner

  const issue = async (): Promise<string> => (await site.issue()).qr

  beforeAll(async () => {
    site = await startVerifySite({
      name: 'verify-offline',
      roles: ['issuer'],
      // The issuer key is kept to sign a card that is never logged (the stolen-key case).
      prepare: async (ctx) => {
        signer = await issuerSigner(ctx)
      },
    })
    ;({ server, browser } = site)
  }, 180_000)

  afterAll(async () => {
    await site?.close()
  })

  it('checks 20 never-seen cards offline, and tells newer and unlogged cards apart', async () => {
    const cards: string[] = []
    for (let i = 0; i < 21; i++) cards.push(await issue())
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/verify`)
    await page.evaluate(() => navigator.serviceWorker.ready)
    const status = page.locator('#snapshot-status')
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    const size = Number(await status.getAttribute('data-size'))
    expect(size).toBeGreaterThanOrEqual(21)
    expect(await status.textContent()).toContain(`Offline copy of the log: ${size} entries, as of`)
    // One card checked online, as a door would on its first person.
    expect((await paste(page, cards[0] as string)).status).toBe('valid')
    await expect
      .poll(() =>
        page.evaluate(
          async () =>
            (
              await (
                await caches.open(
                  (await caches.keys()).find((k) => k.startsWith('vigil-verify-shell-')) ?? 'none',
                )
              ).keys()
            ).length,
        ),
      )
      .toBeGreaterThan(3)
    await page.screenshot({ path: `${SHOTS}offline-synced.png`, fullPage: true })

    // Issued after the sync; then no network at all.
    const newer = await issue()
    const now = Math.floor(Date.now() / 1000)
    const forged = encodeShcQr(
      await issueShc({
        bundle: buildImmunizationBundle({
          patient: { givenNames: ['Mallory'], familyName: 'Forger', birthDate: '1980-01-01' },
          immunizations: [{ code: '208', date: '2021-05-01' }],
          now,
        }),
        iss: signer.iss,
        nbf: now - 3600,
        keyPair: signer.keyPair,
        allowLoopbackHttp: true,
      }),
    )
    await context.route('**/*', (route) => route.abort('internetdisconnected'))
    await context.setOffline(true)
    await page.reload()
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    expect(Number(await status.getAttribute('data-size'))).toBe(size)

    for (const [i, qr] of cards.slice(1).entries()) {
      const outcome = await paste(page, qr)
      expect({ i, status: outcome.status, ledger: outcome.ledger }).toEqual({
        i,
        status: 'valid',
        ledger: { result: 'pass', code: 'VERIFY_LEDGER_INCLUDED' },
      })
      if (i === 0) await page.screenshot({ path: `${SHOTS}offline-valid.png`, fullPage: true })
    }

    const late = await paste(page, newer)
    expect(late.status).toBe('cannot-confirm')
    expect(late.ledger).toEqual({ result: 'unknown', code: 'VERIFY_SNAPSHOT_NEWER' })
    await page.screenshot({ path: `${SHOTS}offline-newer.png`, fullPage: true })

    const unlogged = await paste(page, forged)
    expect(unlogged.status).toBe('invalid')
    expect(unlogged.ledger).toEqual({ result: 'fail', code: 'VERIFY_LEDGER_NOT_FOUND' })
    await page.screenshot({ path: `${SHOTS}offline-unlogged.png`, fullPage: true })

    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    // The status line in Spanish too.
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await status.textContent()).toContain(
      `Copia sin conexión del registro: ${size} entradas, del`,
    )
    await page.screenshot({ path: `${SHOTS}offline-unlogged-es.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)
})
