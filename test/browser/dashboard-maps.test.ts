import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isoWeekLabel, isoWeekMonday } from '../../src/core/stats/index.ts'
import { en } from '../../web/src/i18n/en.ts'
import { es } from '../../web/src/i18n/es.ts'
import { axeSerious, BROWSER_SKIP_REASON, cutTables, enrolPasskey } from '../helpers/browser.ts'
import { DashboardSite } from '../helpers/dashboard-site.ts'

const SHOTS = fileURLToPath(new URL('../../test-results/dashboard-maps/', import.meta.url))
const PANELS = ['map', 'epiweeks', 'years'] as const
const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('maps and curves in Chromium', () => {
  const site = new DashboardSite('vigil-maps-')
  let browser: Browser
  const invitations: string[] = []
  let origin: string
  let loadOutput = ''

  beforeAll(async () => {
    await site.reservePort()
    mkdirSync(SHOTS, { recursive: true })
    const cli = (...args: string[]) => site.cli(...args)
    cli('demo', '--facts', '20000', '--seed', '5', '--credentials', '10', '--codes', '5')
    // The sample outlines without Harbourside: a place the file has no outline for.
    const topo = JSON.parse(
      readFileSync(new URL('../../data/boundaries-xv.topojson', import.meta.url), 'utf8'),
    )
    topo.objects.places.geometries = topo.objects.places.geometries.filter(
      (g: { id: string }) => g.id !== 'XV-N01',
    )
    const file = join(site.dir, 'without-harbourside.topojson')
    writeFileSync(file, JSON.stringify(topo))
    loadOutput = cli('regions', 'load', file)
    // One invitation per sign-in: each is single use.
    for (let i = 0; i < 2; i++) invitations.push(site.invite('Mia Mapper'))
    await site.start()
    ;({ browser, origin } = site)
  }, 300_000)
  afterAll(() => site.close())

  async function signedIn(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text())
    })
    await enrolPasskey(page, origin, invitations.shift() as string, 'Mia Mapper', 'Map laptop')
    return { context, page, errors }
  }

  async function loaded(page: Page): Promise<void> {
    for (const panel of ['curve', 'positivity', 'coverage', 'uploads', ...PANELS])
      await expect
        .poll(() => page.locator(`#${panel}-status`).getAttribute('data-state'), {
          timeout: 30_000,
        })
        .toMatch(/^(ok|info)$/)
  }

  const fits = (page: Page, width: number) =>
    expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(width)

  it('`vigil regions load` lists the place the file has no outline for', () => {
    expect(loadOutput).toContain('outlines: 13 places')
    expect(loadOutput).toMatch(
      /places without an outline \(1\):\n\s+XV-N01 Harbourside \(district\)/,
    )
  })

  it('the map draws every district it has an outline for and lists the one it has not', async () => {
    const { context, page, errors } = await signedIn()
    await page.goto(`${origin}/dashboard?level=district&interval=month`)
    await loaded(page)
    const paths = page.locator('#map svg.choropleth path[data-region]')
    expect(await paths.count()).toBe(9)
    const drawn = await paths.evaluateAll((ps) => ps.map((p) => p.getAttribute('data-region')))
    expect(drawn).not.toContain('XV-N01')
    expect(await page.locator('#map .map-missing li').allTextContents()).toEqual([
      'Harbourside (XV-N01)',
    ])
    // The table has every district, Harbourside too.
    const rows = await page
      .locator('#map table tbody tr')
      .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-key')))
    for (const d of ['XV-N01', 'XV-N02', 'XV-C01', 'XV-S03']) expect(rows).toContain(d)
    // Every path has a fill: a class colour, the hatch, or grey.
    const fills = await paths.evaluateAll((ps) => ps.map((p) => p.getAttribute('fill')))
    expect(fills.every((f) => f !== null && f !== '')).toBe(true)

    // ISO weeks one after the other, none left out.
    const weeks = await page
      .locator('#epiweeks table tbody tr')
      .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-key') as string))
    expect(weeks.length).toBeGreaterThanOrEqual(52)
    const [y, w] = (weeks[0] as string).split('-W').map(Number) as [number, number]
    const first = Date.parse(`${isoWeekMonday(y, w)}T00:00:00Z`)
    const mondays = weeks.map((_, k) => isoWeekLabel(iso(first + k * 7 * DAY)))
    expect(weeks).toEqual(mondays)
    expect(await page.locator('#years table tbody tr').count()).toBe(53)
    expect(await page.locator('#years thead th').count()).toBe(1 + 4)

    expect(await axeSerious(page)).toEqual([])
    await fits(page, 1280)
    await page.screenshot({ path: `${SHOTS}dashboard-1280-en.png`, fullPage: true })
    await page.locator('#map').screenshot({ path: `${SHOTS}map-1280-en.png` })
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it('on a short range, suppressed districts are hatched and named; ES and 360 px', async () => {
    const { context, page, errors } = await signedIn()
    // One week of exposure key uploads: small counts, so some districts are hidden.
    const to = iso(Date.now() - 14 * DAY)
    const from = iso(Date.now() - 20 * DAY)
    await page.goto(`${origin}/dashboard?level=district&from=${from}&to=${to}`)
    await page.locator('#mc-measure').selectOption('tests')
    await loaded(page)
    await expect
      .poll(() => page.locator('#map .map-suppressed li').count(), { timeout: 30_000 })
      .toBeGreaterThan(0)
    const hatched = await page
      .locator('#map svg.choropleth path[data-state="suppressed"]')
      .evaluateAll((ps) => ps.map((p) => p.querySelector('title')?.textContent ?? ''))
    const named = await page.locator('#map .map-suppressed li').allTextContents()
    // Each hatched district is in the list; the list may also name Harbourside, not drawn.
    for (const title of hatched) expect(named.some((n) => title.startsWith(`${n}:`))).toBe(true)
    expect(named.length).toBeGreaterThanOrEqual(hatched.length)
    expect(await page.locator('#map .legend').textContent()).toContain('Hidden (small count)')
    const threshold = Number(
      /under (\d+)/.exec((await page.locator('#map .privacy').textContent()) ?? '')?.[1],
    )
    const counts = await page
      .locator('#map td[data-kind="count"][data-cell="value"]')
      .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))))
    expect(counts.filter((n) => n > 0 && n < threshold)).toEqual([])
    await page.locator('#map').screenshot({ path: `${SHOTS}map-suppressed-1280-en.png` })

    await page.getByRole('button', { name: 'Español' }).click()
    expect(await page.locator('#map-heading').textContent()).toBe(es['map.heading'])
    expect(await page.locator('#map .legend').textContent()).toContain(es['map.legend.suppressed'])
    // Every privacy note on the page is the Spanish one: no English note is left.
    const notes = await page.locator('#privacy-notes li, #map .privacy li').allTextContents()
    const english = Object.entries(en)
      .filter(([k]) => k.startsWith('privacy.note.'))
      .map(([, v]) => v as string)
    expect(notes.filter((n) => english.includes(n))).toEqual([])
    expect(notes).toContain(es['privacy.note.map'])
    expect(await axeSerious(page)).toEqual([])
    await fits(page, 1280)
    await page.screenshot({ path: `${SHOTS}dashboard-1280-es.png`, fullPage: true })

    await page.setViewportSize({ width: 360, height: 800 })
    await fits(page, 360)
    // No table cut off: the map's table too (a row per place) is cards at this width.
    await expect.poll(() => cutTables(page)).toEqual([])
    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}dashboard-360-es.png`, fullPage: true })
    await page.getByRole('button', { name: 'English' }).click()
    await fits(page, 360)
    // The map keeps its paths at 360 px, inside the screen.
    const box = await page.locator('#map svg.choropleth').boundingBox()
    expect(box?.width).toBeGreaterThan(200)
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}dashboard-360-en.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it('/stats fits 360 and 1280 px in English and Spanish, no table cut off, axe clean', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${origin}/stats`)
    await expect
      .poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('ok')
    for (const lang of ['English', 'Español'])
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 900 })
        await page.getByRole('button', { name: lang }).click()
        await fits(page, width)
        await expect.poll(() => cutTables(page)).toEqual([])
        expect(await axeSerious(page)).toEqual([])
        await page.screenshot({
          path: `${SHOTS}stats-${width}-${lang === 'English' ? 'en' : 'es'}.png`,
          fullPage: true,
        })
      }
    await context.close()
  }, 120_000)
})
