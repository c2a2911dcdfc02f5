/**
 * SMART Health Links in real Chromium against the real `vigil serve` (PGlite, or Postgres when
 * TEST_DATABASE_URL is set): a citizen makes a link on the passport page (360 px), a clinic opens
 * its viewer URL on the verifier page, gives the passcode and its name, sees every card verified
 * and the FHIR summary, downloads the bundle; the citizen sees the access, re-labels and turns the
 * link off, and the clinic is then refused. Then a link of every flag combination round-trips
 * through the page. axe-core scans both pages in both states; screenshots go to test-results/shl/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../src/core/codec/base64.ts'
import { startRuntime } from '../../src/entry/runtime.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import { createApiToken } from '../../src/services/staff/index.ts'
import { TEST_MASTER_KEY } from '../helpers/app.ts'
import { axeSerious, BROWSER_SKIP_REASON, buildPages, launchChromium } from '../helpers/browser.ts'
import { immunization, testResult } from '../helpers/credentials.ts'
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/db.ts'
import { freePort, type RunningServer, startServer } from '../helpers/server.ts'

const SHOTS = fileURLToPath(new URL('../../test-results/shl/', import.meta.url))

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const PATIENT = { givenNames: ['Lucía'], familyName: 'Moreno', birthDate: '1988-07-21' }

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('SMART Health Links in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-shl-page-'))
  let database: TestDatabase | undefined
  let server: RunningServer
  let browser: Browser
  let token: string
  /** The passport page's address (with its key) and its parts. */
  let passport: { url: string; id: string; key: string }

  const request = (path: string, init: RequestInit = {}, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await buildPages()
    // The links name the public URL, so it is the address the browser reaches.
    const port = await freePort()
    const env: Record<string, string> = {
      VIGIL_DATA_DIR: dir,
      PUBLIC_URL: `http://localhost:${port}`,
      PORT: String(port),
      VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
      VIGIL_LOG_LEVEL: 'silent',
    }
    if (POSTGRES_URL !== undefined) {
      database = await createTestDatabase('postgres', { migrate: false })
      env.DATABASE_URL = database.url as string
    }
    const runtime = await startRuntime(parseConfig(env), { migrate: true })
    token = (
      await createApiToken(runtime.ctx, {
        name: 'browser test',
        roles: ['issuer'],
        expiresAt: new Date(Date.now() + 86_400_000),
      })
    ).token
    await runtime.database.close()
    server = await startServer({ ...env, VIGIL_LOG_LEVEL: 'warn' })
    server.url = env.PUBLIC_URL as string
    const ids: string[] = []
    for (const body of [
      immunization({ patient: PATIENT, immunizations: [{ code: '208', date: '2021-05-01' }] }),
      immunization({ patient: PATIENT, immunizations: [{ code: '208', date: '2021-11-20' }] }),
      testResult({ patient: PATIENT }),
    ]) {
      const res = await request('/api/credentials', { method: 'POST', body: JSON.stringify(body) })
      expect(res.status).toBe(201)
      const issued = (await res.json()) as { id: string; links: { passport: string } }
      ids.push(issued.id)
      if (passport === undefined) {
        const url = issued.links.passport
        passport = { url, id: issued.id, key: new URL(url).hash.slice('#k='.length) }
      }
    }
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await database?.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  const noHorizontalScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

  /** Waits for the verifier page's SHL section to show cards (or an error). */
  async function cardsOf(page: Page): Promise<string[]> {
    await expect
      .poll(() => page.locator('#shl-status').getAttribute('data-state'), { timeout: 30_000 })
      .toMatch(/^(ok|bad)$/)
    return page
      .locator('.shl-card')
      .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.status as string))
  }

  let viewerUrl = ''

  it('the citizen makes a link on the passport page at 360 px (records, bundle, passcode, label)', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 },
      bypassCSP: true,
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(passport.url)
    await expect.poll(() => page.locator('#share-records li').count(), { timeout: 20_000 }).toBe(3)
    expect(await axeSerious(page)).toEqual([])
    await page.getByLabel('One summary file for clinic systems (FHIR)').check()
    await page.getByLabel(/^Passcode/).fill('4096')
    await page.getByLabel(/^Name for the link/).fill('Dr. Ortega, check-up')
    await page.getByRole('button', { name: 'Make the link' }).click()
    await expect.poll(() => page.locator('#share-made').isVisible()).toBe(true)
    viewerUrl = await page.locator('#share-url').inputValue()
    expect(viewerUrl).toMatch(new RegExp(`^${server.url}/verify#shlink:/`))
    expect(await page.locator('#share-qr').getAttribute('src')).toMatch(/^blob:/)
    await expect.poll(() => page.locator('#links li').count()).toBe(1)
    expect(await page.locator('#links li').first().textContent()).toContain('Dr. Ortega, check-up')
    expect(await noHorizontalScroll(page)).toBe(true)
    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}passport-share.png`, fullPage: true })
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await page.locator('#share-heading').textContent()).toBe(
      'Compartir con una clínica, un laboratorio o una farmacia',
    )
    expect(await noHorizontalScroll(page)).toBe(true)
    await page.screenshot({ path: `${SHOTS}passport-share-es.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })

  it('a clinic opens the viewer URL: passcode and name asked, every card verified, the bundle summarised and downloaded', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 },
      bypassCSP: true,
      acceptDownloads: true,
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const sent: string[] = []
    page.on('request', (r) => sent.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`))
    await page.goto(viewerUrl)
    await expect.poll(() => page.locator('#shl').isVisible()).toBe(true)
    expect(await page.locator('#shl-label').textContent()).toContain('Dr. Ortega, check-up')
    await page.getByLabel(/^Who is opening them/).fill('Clínica Ortega')
    await page.getByLabel(/^Passcode/).fill('1111')
    await page.getByRole('button', { name: 'Open the records' }).click()
    await expect
      .poll(() => page.locator('#shl-status').textContent())
      .toContain('Attempts left before the link locks: 9')
    await page.getByLabel(/^Passcode/).fill('4096')
    await page.getByRole('button', { name: 'Open the records' }).click()
    expect(await cardsOf(page)).toEqual(['valid', 'valid', 'valid'])
    expect(await page.locator('.shl-card').first().textContent()).toContain('Lucía Moreno')
    const fhir = page.locator('.shl-fhir')
    expect(await fhir.textContent()).toContain('Lucía Moreno')
    expect(await noHorizontalScroll(page)).toBe(true)
    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}verify-shl.png`, fullPage: true })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the records (FHIR JSON)' }).click(),
    ])
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8'))
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' })
    // The key never left the page: it is in the fragment, and no request carried it.
    const key = new URL(viewerUrl).hash
    expect(sent.some((s) => s.includes(key.slice(10, 40)))).toBe(false)
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await page.locator('#shl-heading').textContent()).toBe('Datos de salud compartidos')
    await page.screenshot({ path: `${SHOTS}verify-shl-es.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })

  it('the citizen sees who opened it, re-labels it and turns it off; the clinic is then refused', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } })
    const page = await context.newPage()
    page.on('dialog', (d) => void d.accept())
    await page.goto(passport.url)
    const link = page.locator('#links li').first()
    await expect.poll(() => link.textContent(), { timeout: 20_000 }).toContain('Clínica Ortega')
    expect(await link.textContent()).toContain('wrong passcode')
    await link.getByLabel('Rename').fill('Dr. Ortega')
    await link.getByRole('button', { name: 'Save the name' }).click()
    await expect.poll(() => page.locator('#links li h4').first().textContent()).toBe('Dr. Ortega')
    await page.locator('#links li').first().getByRole('button', { name: 'Turn it off' }).click()
    await expect
      .poll(() => page.locator('#links li').first().getAttribute('data-state'))
      .toBe('deactivated')
    await page.screenshot({ path: `${SHOTS}passport-links.png`, fullPage: true })
    const viewer = await context.newPage()
    await viewer.goto(viewerUrl)
    await viewer.getByLabel(/^Who is opening them/).fill('Clínica Ortega')
    await viewer.getByLabel(/^Passcode/).fill('4096')
    await viewer.getByRole('button', { name: 'Open the records' }).click()
    await expect
      .poll(() => viewer.locator('#shl-status').textContent())
      .toContain('This link is no longer active')
    await context.close()
  })

  it('round trip in the page for every flag combination: each card verifies', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 } })
    const page = await context.newPage()
    // The clinic's name is remembered on the device: a link without a passcode opens at once.
    await page.goto(`${server.url}/verify`)
    await page.evaluate(() => localStorage.setItem('vigil.verify.recipient', 'Round trip'))
    for (const input of [
      {},
      { longTerm: true },
      { passcode: '8080', bundle: true },
      { longTerm: true, passcode: '8080' },
      { singleFile: true },
      { longTerm: true, singleFile: true },
    ] as { passcode?: string; bundle?: boolean }[]) {
      const res = await request(
        `/api/passport/${passport.id}/links`,
        { method: 'POST', body: JSON.stringify(input) },
        { 'x-vigil-passport-key': passport.key },
      )
      expect(res.status).toBe(201)
      const made = (await res.json()) as { viewerUrl: string; link: { flag: string } }
      await page.goto('about:blank')
      await page.goto(made.viewerUrl)
      await expect.poll(() => page.locator('#shl').isVisible()).toBe(true)
      if (input.passcode !== undefined) {
        await page.getByLabel(/^Passcode/).fill(input.passcode)
        await page.getByRole('button', { name: 'Open the records' }).click()
      }
      expect(await cardsOf(page), `flag ${made.link.flag}`).toEqual(['valid', 'valid', 'valid'])
      expect(await page.locator('.shl-fhir').count()).toBe(input.bundle ? 1 : 0)
    }
    await context.close()
  })
})
