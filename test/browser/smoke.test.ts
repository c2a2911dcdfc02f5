/** The landing page and the API reference in a real browser, served by the real `vigil serve`. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BROWSER_SKIP_REASON, launchChromium } from '../helpers/browser.ts'
import { type RunningServer, startServer } from '../helpers/server.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('pages in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-browser-'))
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer({ VIGIL_DATA_DIR: dir })
    browser = await launchChromium()
  }, 90_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads / with its script running under the CSP, and reports readiness', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(`${server.url}/`)
    expect(await page.locator('h1').textContent()).toBe('Vigil')
    await expect
      .poll(() => page.locator('#status-line').textContent())
      .toContain('Ready (database: pglite)')
    expect(await page.locator('a[href="/docs"]').count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  })

  it('loads /docs and lists the operations', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/docs`)
    expect(await page.locator('h1').textContent()).toBe('Vigil API reference')
    expect(await page.locator('section.op').count()).toBeGreaterThan(5)
    await page.getByRole('link', { name: '/openapi.json' }).click()
    await expect.poll(() => page.url()).toContain('/openapi.json')
    expect(JSON.parse((await page.locator('body').textContent()) ?? '{}').openapi).toBe('3.1.0')
    await page.close()
  })
})
