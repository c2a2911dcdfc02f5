/**
 * The verifier page proves which code it runs (docs/RELEASES.md), in Debian Chromium against a
 * real `vigil serve` that serves its own copy of the built pages (VIGIL_WEB_DIST) and logs their
 * manifest at start. Subresource Integrity refuses a changed script and Integrity-Policy a script
 * without integrity metadata; the service worker shows the release it proved in the footer,
 * refuses an update whose manifest is not in the log (and the page says why, EN and ES), and
 * activates the same update once `vigil release publish`, run beside the server, has logged it.
 * Screenshots: test-results/verify/release-*.png.
 */
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseReleaseManifest, serializeReleaseManifest } from '../../src/core/release/index.ts'
import { axeSerious, BROWSER_SKIP_REASON, buildPages } from '../helpers/browser.ts'
import { runCli } from '../helpers/cli.ts'
import type { RunningServer } from '../helpers/server.ts'
import { VERIFY_SHOTS as SHOTS, startVerifySite, type VerifySite } from '../helpers/verify-site.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** A new build of the pages: the worker's bytes change, the manifest is written again. */
function stageUpdate(dist: string, label: string): void {
  const swFile = join(dist, 'sw.js')
  writeFileSync(swFile, `${readFileSync(swFile, 'utf8')}\n// ${label}\n`)
  const file = join(dist, 'release.json')
  const manifest = parseReleaseManifest(readFileSync(file, 'utf8'))
  const sha256 = createHash('sha256').update(readFileSync(swFile)).digest('hex')
  writeFileSync(
    file,
    serializeReleaseManifest({ ...manifest, serviceWorker: { path: '/sw.js', sha256 } }),
  )
}

const footer = (page: Page) => page.locator('#release-footer').textContent()

async function checkForUpdate(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration('/verify')
    // A refused install rejects the update: that is the point, not an error of the test.
    await registration?.update().catch(() => undefined)
  })
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('the verifier page proves its release', () => {
  const dist = mkdtempSync(join(tmpdir(), 'vigil-release-dist-'))
  let site: VerifySite
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    // The pages of this deployment: a copy it may change, as an operator's deploy does.
    await buildPages()
    cpSync(WEB_DIST, dist, { recursive: true })
    site = await startVerifySite({
      name: 'verify-release',
      roles: ['issuer'],
      serverEnv: { VIGIL_WEB_DIST: dist },
    })
    ;({ server, browser } = site)
  }, 180_000)

  afterAll(async () => {
    await site?.close()
    rmSync(dist, { recursive: true, force: true })
  })

  it('refuses a changed script (SRI) and a script without integrity (Integrity-Policy)', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' })
    const manifest = parseReleaseManifest(readFileSync(join(dist, 'release.json'), 'utf8'))
    const script = manifest.assets.find((a) => /^\/assets\/verify-[\w-]+\.js$/.test(a.path))
    expect(script).toBeDefined()

    // The page's own script, one statement longer than the build made it.
    const changed = await context.newPage()
    const said: string[] = []
    changed.on('console', (m) => said.push(m.text()))
    await changed.route(`${server.url}${script?.path}`, async (route) => {
      const res = await route.fetch()
      await route.fulfill({
        response: res,
        body: `${await res.text()}\ndocument.title = 'changed'`,
      })
    })
    await changed.goto(`${server.url}/verify`)
    await expect.poll(() => said.some((m) => /integrity/i.test(m))).toBe(true)
    expect(await changed.title()).not.toBe('changed')
    // The page never started: its trust line still says it is loading.
    expect(await changed.locator('#trust-status').getAttribute('data-state')).toBeNull()

    // Two script tags slipped into the page: one with integrity metadata runs, the one
    // without is never even requested (Integrity-Policy: blocked-destinations=(script)).
    const injected = await context.newPage()
    const requested: string[] = []
    const withIntegrity = 'window.withIntegrity = true'
    const sri = `sha384-${createHash('sha384').update(withIntegrity).digest('base64')}`
    await injected.route(`${server.url}/assets/injected-*.js`, async (route) => {
      requested.push(new URL(route.request().url()).pathname)
      const body = route.request().url().endsWith('-a.js') ? withIntegrity : 'window.without = true'
      await route.fulfill({ contentType: 'text/javascript', body })
    })
    await injected.route(`${server.url}/verify`, async (route) => {
      const res = await route.fetch()
      const html = (await res.text()).replace(
        '</head>',
        `<script crossorigin src="/assets/injected-a.js" integrity="${sri}"></script><script crossorigin src="/assets/injected-b.js"></script></head>`,
      )
      await route.fulfill({ response: res, body: html })
    })
    await injected.goto(`${server.url}/verify`)
    // The page's own, integrity-checked scripts run.
    await expect
      .poll(() => injected.locator('#trust-status').getAttribute('data-state'), { timeout: 20_000 })
      .toMatch(/ok|bad|info/)
    const ran = await injected.evaluate(() => {
      const w = window as unknown as { withIntegrity?: boolean; without?: boolean }
      return { withIntegrity: w.withIntegrity === true, without: w.without === true }
    })
    expect(ran).toEqual({ withIntegrity: true, without: false })
    expect(requested).toEqual(['/assets/injected-a.js'])
    await context.close()
  })

  it('shows its logged release, refuses an unlogged update and says why, then takes it once logged', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/verify`)
    await page.evaluate(() => navigator.serviceWorker.ready)
    await expect
      .poll(() => footer(page), { timeout: 20_000 })
      .toMatch(/^Release 1, logged at index \d+/)
    const first = (await footer(page)) as string
    const feed = (await (await fetch(`${server.url}/release/feed.json`)).json()) as {
      releases: { release: number; leafIndex: number }[]
    }
    expect(first).toContain(`index ${feed.releases[0]?.leafIndex}`)
    await page.locator('#settings summary').click()
    expect(await page.locator('#release-detail').textContent()).toContain(first)
    await page.screenshot({ path: `${SHOTS}release-logged.png`, fullPage: true })

    // A deploy that nobody logged: the worker refuses it, the page keeps release 1 and says why.
    stageUpdate(dist, 'unlogged update')
    const active = () =>
      page.evaluate(
        async () => (await navigator.serviceWorker.getRegistration('/verify'))?.active?.scriptURL,
      )
    await checkForUpdate(page)
    const refusal = page.locator('#release-refused')
    await expect
      .poll(() => refusal.getAttribute('data-code'), { timeout: 20_000 })
      .toBe('RELEASE_NOT_LOGGED')
    expect(await refusal.isVisible()).toBe(true)
    expect(await refusal.textContent()).toContain('it is not in the public ledger')
    expect(await footer(page)).toBe(first)
    expect(await active()).toBe(`${server.url}/sw.js`)
    await page.reload()
    await expect.poll(() => footer(page)).toBe(first)
    await page.locator('#settings summary').click()
    await page.screenshot({ path: `${SHOTS}release-refused.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await refusal.textContent()).toContain('no está en el registro público')
    expect(await footer(page)).toMatch(/^Versión 1, registrada en el índice/)
    await page.screenshot({ path: `${SHOTS}release-refused-es.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    await page.getByRole('button', { name: 'English' }).click()

    // The operator logs it beside the running server: the next check takes it.
    const published = await runCli(['release', 'publish', join(dist, 'release.json')], site.env)
    expect(published.code, published.stderr).toBe(0)
    expect(published.stdout).toMatch(/^web release 2: /)
    await checkForUpdate(page)
    await expect
      .poll(() => footer(page), { timeout: 20_000 })
      .toMatch(/^Release 2, logged at index \d+/)
    expect(await refusal.isVisible()).toBe(false)
    await page.screenshot({ path: `${SHOTS}release-updated.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})
