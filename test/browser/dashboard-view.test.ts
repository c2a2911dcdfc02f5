import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { en } from '../../web/src/i18n/en.ts'
import { es } from '../../web/src/i18n/es.ts'
import { axeSerious, BROWSER_SKIP_REASON, cutTables, enrolPasskey } from '../helpers/browser.ts'
import { DashboardSite } from '../helpers/dashboard-site.ts'

const SHOTS = fileURLToPath(new URL('../../test-results/dashboard-view/', import.meta.url))
const PANELS = ['curve', 'positivity', 'coverage', 'uploads', 'map', 'epiweeks', 'years']
const BARS = ['curve', 'coverage', 'uploads', 'epiweeks']
const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('the dashboard’s budget in Chromium', () => {
  const site = new DashboardSite('vigil-view-')
  let browser: Browser
  let invitation = ''
  let origin = ''

  beforeAll(async () => {
    await site.reservePort()
    mkdirSync(SHOTS, { recursive: true })
    const cli = (...args: string[]) => site.cli(...args)
    cli('demo', '--facts', '20000', '--seed', '7', '--credentials', '10', '--codes', '5')
    invitation = site.invite('Vera Viewer')
    await site.start()
    ;({ browser, origin } = site)
  }, 300_000)
  afterAll(() => site.close())

  async function loaded(page: Page): Promise<void> {
    for (const panel of PANELS)
      await expect
        .poll(() => page.locator(`#${panel}-status`).getAttribute('data-state'), {
          timeout: 30_000,
        })
        .toMatch(/^(ok|info)$/)
  }
  const costLine = (page: Page) => page.locator('#view-cost').textContent()
  const budgetLine = (page: Page) => page.locator('#privacy-budget').textContent()
  const fits = (page: Page, width: number) =>
    expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(width)

  it('cost before, one charge per Show, nothing for the same view again, refusal before spending', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text())
    })
    const asked: string[] = []
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname
      if (path.startsWith('/api/surveillance/')) asked.push(`${r.method()} ${path}`)
    })
    await enrolPasskey(page, origin, invitation, 'Vera Viewer', 'Budget laptop')

    // A short range by day: small counts, so whole periods and places are hidden.
    const to = iso(Date.now() - 14 * DAY)
    const from = iso(Date.now() - 34 * DAY)
    const range = `from=${from}&to=${to}&interval=day&level=district`

    // 1. An address with noise: nothing is asked or spent until Show; the cost is said.
    asked.length = 0
    await page.goto(`${origin}/dashboard?${range}&dp=geometric&epsilon=1.4`)
    await expect
      .poll(() => costLine(page))
      .toBe(
        'Show will cost ε 1.4 once for all 7 charts (ε 0.2 each). Budget left today: ε 10 of 10.',
      )
    expect(await page.locator('#status').textContent()).toMatch(/nothing is shown until you press/)
    expect(asked.filter((a) => a === 'POST /api/surveillance/view')).toEqual([])
    await page.screenshot({ path: `${SHOTS}1-cost-before-1280-en.png`, fullPage: true })

    // 2. One Show: one request, one charge of 1.4 for seven charts of ε 0.2 each.
    asked.length = 0
    await page.getByRole('button', { name: 'Show' }).click()
    await loaded(page)
    await expect.poll(() => budgetLine(page)).toContain('ε 8.6 of 10')
    expect(asked.filter((a) => a.startsWith('POST /api/surveillance/view'))).toContain(
      'POST /api/surveillance/view',
    )
    expect(asked.filter((a) => a === 'POST /api/surveillance/view')).toHaveLength(1)
    expect(asked.filter((a) => /\/(series|map|epicurve|years)$/.test(a))).toEqual([])
    expect(await page.locator('#privacy-charged').textContent()).toBe(
      'ε 1.4, once for all 7 charts (ε 0.2 each)',
    )
    for (const panel of PANELS)
      expect(await page.locator(`#${panel} .privacy`).textContent()).toMatch(
        /Noise: Geometric, ε 0\.2 /,
      )
    await expect.poll(() => costLine(page)).toMatch(/Show costs nothing: this view was released/)
    await page.screenshot({ path: `${SHOTS}2-charged-once-1280-en.png`, fullPage: true })

    // 3. Show again on unchanged data: the same figures, nothing charged.
    const figures = await page.locator('#curve table').textContent()
    await page.getByRole('button', { name: 'Show' }).click()
    await expect
      .poll(() => page.locator('#privacy-charged').textContent())
      .toMatch(/^Nothing: the same figures as released at /)
    await loaded(page)
    expect(await page.locator('#curve table').textContent()).toBe(figures)
    expect(await budgetLine(page)).toContain('ε 8.6 of 10')
    await page.screenshot({ path: `${SHOTS}3-released-1280-en.png`, fullPage: true })

    // 4. Hidden whole: a hatched "too few to show" band, and the table says suppressed.
    let hatched = 0
    for (const panel of BARS) {
      const keys = (await page.locator(`#${panel} canvas`).getAttribute('data-too-few')) ?? ''
      const rows = await page.locator(`#${panel} table tbody tr`).evaluateAll((trs) =>
        trs.map((tr) => ({
          key: tr.getAttribute('data-key') ?? '',
          cells: [...tr.querySelectorAll('td[data-kind="count"], td[data-kind="rate"]')].map((td) =>
            td.getAttribute('data-cell'),
          ),
        })),
      )
      const whole = keys === '' ? [] : keys.split(' ')
      hatched += whole.length
      // Every band is a row hidden in the table too; in the one-column curves, exactly those.
      for (const key of whole)
        expect(rows.find((r) => r.key === key)?.cells, `${panel} ${key}`).toContain('suppressed')
      if (panel === 'curve' || panel === 'epiweeks')
        expect(whole, panel).toEqual(
          rows.filter((r) => r.cells.every((c) => c === 'suppressed')).map((r) => r.key),
        )
      if (whole.length > 0)
        await page.locator(`#${panel}`).screenshot({
          path: `${SHOTS}4-too-few-${panel}-1280-en.png`,
        })
    }
    expect(hatched, 'some period or place is hidden whole').toBeGreaterThan(0)

    // 5. Tables stand whole beside or under their chart at 1280 px; axe clean.
    expect(await cutTables(page)).toEqual([])
    expect(await axeSerious(page)).toEqual([])

    // 6. More than is left: the line says so and Show cannot be pressed; nothing is spent.
    await page.getByLabel('ε for the whole view').fill('9')
    await expect.poll(() => costLine(page)).toMatch(/Show would cost ε 9, more than the ε 8\.6/)
    expect(await page.getByRole('button', { name: 'Show' }).isDisabled()).toBe(true)
    await page.locator('#filters').screenshot({ path: `${SHOTS}6-over-budget-1280-en.png` })
    expect(await budgetLine(page)).toContain('ε 8.6 of 10')

    // 7. Spanish: the cost line, the summary and every privacy note.
    await page.getByLabel('ε for the whole view').fill('1.4')
    await expect.poll(() => costLine(page)).toMatch(/Show costs nothing/)
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await costLine(page)).toMatch(/Mostrar no cuesta nada: esta vista ya se publicó/)
    expect(await page.locator('#privacy-charged').textContent()).toMatch(
      /^Nada: las mismas cifras publicadas el /,
    )
    const english = new Set(
      Object.entries(en)
        .filter(([k]) => k.startsWith('privacy.note.') || k.startsWith('view.'))
        .map(([, v]) => v as string),
    )
    const notes = await page.locator('#privacy-notes li, .privacy li').allTextContents()
    expect(notes.filter((n) => english.has(n))).toEqual([])
    expect(notes).toContain(es['privacy.note.view'])
    expect(notes).toContain(es['privacy.note.released'])
    expect(await page.locator('#filters-hint').textContent()).toBe(es['dash.filtersHint'])
    expect(await cutTables(page)).toEqual([])
    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}7-released-1280-es.png`, fullPage: true })
    // Each part on its own, legible: the filters with the cost line, the summary, each panel.
    await page.locator('#filters').screenshot({ path: `${SHOTS}7-filters-1280-es.png` })
    await page.locator('#privacy').screenshot({ path: `${SHOTS}7-privacy-1280-es.png` })
    for (const panel of PANELS)
      await page
        .locator(`section:has(#${panel})`)
        .screenshot({ path: `${SHOTS}7-${panel}-1280-es.png` })

    // 8. 360 px, Spanish then English: nothing wider than the screen, no table cut off (a table
    // wider than its panel is one card per row, each value named by its column).
    await page.setViewportSize({ width: 360, height: 800 })
    await fits(page, 360)
    await expect.poll(() => cutTables(page)).toEqual([])
    const cards = page.locator('#positivity table.grid.cards')
    await expect.poll(() => cards.count()).toBe(1)
    expect(
      await cards
        .locator('tbody tr')
        .first()
        .locator('td')
        .evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content)),
    ).toEqual(['"Positividad"', '"Pruebas positivas"', '"Pruebas"'])
    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}8-360-es.png`, fullPage: true })
    await page.locator('#filters').screenshot({ path: `${SHOTS}8-filters-360-es.png` })
    await page.locator('#privacy').screenshot({ path: `${SHOTS}8-privacy-360-es.png` })
    await page
      .locator('section:has(#coverage)')
      .screenshot({ path: `${SHOTS}8-coverage-360-es.png` })
    await page.getByRole('button', { name: 'English' }).click()
    await fits(page, 360)
    await expect.poll(() => cutTables(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}8-360-en.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  }, 240_000)
})
