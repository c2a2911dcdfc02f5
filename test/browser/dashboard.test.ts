import { mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeSerious, BROWSER_SKIP_REASON, enrolPasskey } from '../helpers/browser.ts'
import { DashboardSite } from '../helpers/dashboard-site.ts'

const SHOTS = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url))
const PANELS = ['curve', 'positivity', 'coverage', 'uploads'] as const

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

/** Pixels the chart drew on its canvas (0 for a blank one). */
function inkOf(page: Page, panel: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`#${id} canvas`)
    const g = canvas?.getContext('2d')
    if (!canvas || !g || canvas.width === 0) return 0
    const data = g.getImageData(0, 0, canvas.width, canvas.height).data
    let n = 0
    for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) n++
    return n
  }, panel)
}

interface TableCell {
  kind: string
  cell: string
  value: string | null
  text: string
}

function cellsOf(page: Page, panel: string): Promise<TableCell[][]> {
  return page.locator(`#${panel} table tbody tr`).evaluateAll((rows) =>
    rows.map((r) =>
      [...r.querySelectorAll('td')].map((td) => ({
        kind: td.dataset.kind ?? '',
        cell: td.dataset.cell ?? '',
        value: td.dataset.value ?? null,
        text: td.textContent ?? '',
      })),
    ),
  )
}

async function watchErrors(page: Page): Promise<string[]> {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    // A 401 from /api/staff/me is how a page learns there is no session.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text())
  })
  return errors
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('surveillance pages in Chromium', () => {
  const site = new DashboardSite('vigil-dashboard-')
  let browser: Browser
  let invitation: string
  let origin: string
  let demo: { credentials: number; revoked: number }

  beforeAll(async () => {
    await site.reservePort()
    mkdirSync(SHOTS, { recursive: true })
    const cli = (...args: string[]) => site.cli(...args)
    const seeded = cli('demo', '--facts', '20000', '--seed', '9')
    demo = JSON.parse(/^\{"demo":"done".*$/m.exec(seeded)?.[0] ?? '{}')
    expect(demo.credentials).toBeGreaterThan(0)
    invitation = site.invite('Eva Epidemiologist')
    expect(invitation).toBeDefined()
    await site.start()
    ;({ browser, origin } = site)
  }, 300_000)
  afterAll(() => site.close())

  async function signedIn(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const errors = await watchErrors(page)
    await enrolPasskey(page, origin, invitation, 'Eva Epidemiologist', 'Epi laptop')
    return { context, page, errors }
  }

  async function loaded(page: Page): Promise<void> {
    for (const panel of PANELS)
      await expect
        .poll(() => page.locator(`#${panel}-status`).getAttribute('data-state'), {
          timeout: 30_000,
        })
        .toMatch(/^(ok|info)$/)
  }

  it('without a session, the dashboard says so and links to sign-in', async () => {
    const page = await browser.newPage()
    const errors = await watchErrors(page)
    await page.goto(`${origin}/dashboard`)
    await expect.poll(() => page.locator('#signin').isVisible()).toBe(true)
    expect(await page.locator('#dashboard').isVisible()).toBe(false)
    expect(
      await page.getByRole('link', { name: 'Sign in with a passkey' }).getAttribute('href'),
    ).toBe('/signin.html')
    expect(errors).toEqual([])
    await page.close()
  })

  it('an epidemiologist sees four charts, tables with nothing under the threshold, CSV and privacy', async () => {
    const { context, page, errors } = await signedIn()
    // By month: a small demo's weeks are mostly under the threshold.
    await page.goto(`${origin}/dashboard?interval=month`)
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/Signed in as Eva/)
    await loaded(page)

    const threshold = Number(await page.locator('#privacy-threshold').textContent())
    expect(threshold).toBeGreaterThanOrEqual(2)
    for (const panel of PANELS) {
      expect(await inkOf(page, panel), `${panel} chart drawn`).toBeGreaterThan(2000)
      const rows = await cellsOf(page, panel)
      expect(rows.length, `${panel} rows`).toBeGreaterThan(0)
      const cells = rows.flat()
      // Never blank: a number, or the word for a suppressed or meaningless cell.
      expect(cells.filter((c) => c.text.trim() === '')).toEqual([])
      for (const c of cells.filter((c) => c.cell === 'suppressed'))
        expect(c.text).toBe('suppressed')
      const counts = cells
        .filter((c) => c.kind === 'count' && c.value !== null)
        .map((c) => Number(c.value))
      expect(
        counts.filter((n) => n > 0 && n < threshold),
        `${panel}: counts under ${threshold}`,
      ).toEqual([])
      expect(
        counts.some((n) => n >= threshold),
        `${panel} has numbers`,
      ).toBe(true)
      // The privacy metadata is said beside each chart.
      expect(await page.locator(`#${panel} .privacy`).textContent()).toMatch(
        new RegExp(`Cells under ${threshold} are hidden`),
      )
    }
    expect(await page.locator('#privacy-summary').textContent()).toMatch(/Budget left today/)

    // The CSV is the epidemic curve's table, number for number.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#curve').getByRole('button', { name: 'Download CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(
      /^vigil-positives-month-\d{4}-\d{2}-\d{2}-.*\.csv$/,
    )
    const csv = readFileSync((await download.path()) as string, 'utf8')
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('period,positives')
    const table = await cellsOf(page, 'curve')
    expect(lines).toHaveLength(table.length + 1)
    lines.slice(1).forEach((line, i) => {
      const [, value] = line.split(',')
      const cell = table[i]?.[0] as TableCell
      expect(value).toBe(cell.value ?? cell.cell)
    })

    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}dashboard.png`, fullPage: true })

    // A breakdown: stacked by age band; measures without one say so instead of failing.
    await page.getByLabel('Breakdown').selectOption('age_band')
    await page.getByRole('button', { name: 'Show' }).click()
    await loaded(page)
    expect(page.url()).toContain('breakdown=age_band')
    expect(await page.locator('#curve thead th').allTextContents()).toContain('18-29')
    expect(await page.locator('#uploads-status').textContent()).toMatch(
      /Not broken down by Age band/,
    )
    await page.screenshot({ path: `${SHOTS}dashboard-age.png`, fullPage: true })

    // With noise: the line beside Show says the cost before it is pressed; one Show is
    // charged once for all seven charts (ε 1.75 shared: 0.25 each).
    const before = await page.locator('#privacy-budget').textContent()
    const [remaining, daily] = (/ε ([\d.]+) of ([\d.]+)/.exec(before ?? '') ?? [])
      .slice(1)
      .map(Number)
    expect(daily).toBeGreaterThanOrEqual(2)
    await page.getByLabel('Noise (differential privacy)').selectOption('geometric')
    await page.getByLabel('ε for the whole view').fill('1.75')
    await expect
      .poll(() => page.locator('#view-cost').textContent())
      .toBe(
        `Show will cost ε 1.75 once for all 7 charts (ε 0.25 each). Budget left today: ε ${remaining} of ${daily}.`,
      )
    await page.screenshot({ path: `${SHOTS}dashboard-cost-before.png`, fullPage: true })
    await page.getByRole('button', { name: 'Show' }).click()
    await loaded(page)
    for (const panel of PANELS)
      expect(await page.locator(`#${panel} .privacy`).textContent()).toMatch(
        /Noise: Geometric, ε 0\.25/,
      )
    const left = (remaining as number) - 1.75
    await expect
      .poll(() => page.locator('#privacy-budget').textContent())
      .toContain(`ε ${left} of ${daily}`)
    expect(await page.locator('#privacy-charged').textContent()).toBe(
      'ε 1.75, once for all 7 charts (ε 0.25 each)',
    )
    // The same view on unchanged data is released already: the line says so, and Show again
    // shows the very same figures and spends nothing.
    await expect
      .poll(() => page.locator('#view-cost').textContent())
      .toMatch(/Show costs nothing: this view was released already/)
    const figures = await cellsOf(page, 'curve')
    await page.screenshot({ path: `${SHOTS}dashboard-charged-once.png`, fullPage: true })
    await page.getByRole('button', { name: 'Show' }).click()
    await expect
      .poll(() => page.locator('#privacy-charged').textContent())
      .toMatch(/^Nothing: the same figures as released at /)
    await loaded(page)
    expect(await cellsOf(page, 'curve')).toEqual(figures)
    expect(await page.locator('#privacy-budget').textContent()).toContain(`ε ${left} of ${daily}`)
    await page.screenshot({ path: `${SHOTS}dashboard-released.png`, fullPage: true })

    // 360 px, in Spanish: nothing wider than the screen; the tables speak Spanish too.
    await page.setViewportSize({ width: 360, height: 800 })
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await page.locator('h1').textContent()).toBe('Panel de vigilancia')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(await page.locator('#curve caption').textContent()).toMatch(/Pruebas positivas/)
    expect(await inkOf(page, 'curve')).toBeGreaterThan(1000)
    await page.screenshot({ path: `${SHOTS}dashboard-360-es.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('/stats renders for anyone: noised figures, the ledger totals and a link to the log', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const errors = await watchErrors(page)
    await page.goto(`${origin}/stats`)
    // The first request releases the weeks not yet released (noise drawn once, then stored).
    await expect
      .poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('ok')
    expect(await page.locator('.lede').textContent()).toMatch(/random noise added/)
    const threshold = Number(
      /under (\d+)/.exec((await page.locator('#protection').textContent()) ?? '')?.[1],
    )
    expect(threshold).toBeGreaterThanOrEqual(2)

    for (const measure of ['positives', 'positivity', 'tests', 'doses', 'uploads']) {
      const panel = `series-${measure}`
      expect(await inkOf(page, panel), `${measure} chart drawn`).toBeGreaterThan(2000)
      const cells = (await cellsOf(page, panel)).flat()
      expect(cells.filter((c) => c.text.trim() === '')).toEqual([])
      const counts = cells
        .filter((c) => c.kind === 'count' && c.value !== null)
        .map((c) => Number(c.value))
      expect(
        counts.filter((n) => n > 0 && n < threshold),
        `${measure} under ${threshold}`,
      ).toEqual([])
    }
    expect(
      await cellsOf(page, 'series-positives').then((r) => r.flat().some((c) => c.cell === 'value')),
    ).toBe(true)

    // The ledger's totals are exact: the demo's credentials and revocations, day by day.
    const ledger = await cellsOf(page, 'ledger')
    const sum = (col: number) => ledger.reduce((n, row) => n + Number(row[col]?.value ?? 0), 0)
    expect(sum(0)).toBe(demo.credentials)
    expect(sum(1)).toBe(demo.revoked)
    expect(await page.locator('#ledger-total').textContent()).toContain(
      `${demo.credentials} credentials issued`,
    )
    expect(
      await page.getByRole('link', { name: 'Open the transparency log' }).getAttribute('href'),
    ).toBe('/log.html')

    // Open data: the positives CSV behind the download link holds the very counts the table shows.
    const csvLink = page.getByRole('link', { name: 'table (CSV): Positive tests per week' })
    expect(await csvLink.getAttribute('href')).toBe('/api/public/data/positives.csv')
    const csv = await page.evaluate(
      async (href) => (await fetch(href as string)).text(),
      await csvLink.getAttribute('href'),
    )
    const fromCsv = csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[3] as string)
      .filter((v) => v !== '')
      .map(Number)
      .sort((a, b) => a - b)
    const fromTable = (await cellsOf(page, 'series-positives'))
      .flat()
      .filter((c) => c.kind === 'count' && c.value !== null)
      .map((c) => Number(c.value))
      .sort((a, b) => a - b)
    expect(fromCsv).toEqual(fromTable)
    const meta = await page.evaluate(async () =>
      (await fetch('/api/public/data/positives.json')).json(),
    )
    expect(meta.privacy.suppressionThreshold).toBe(threshold)
    expect(
      meta.releases.every((r: { ledger: { index: number | null } }) => r.ledger.index !== null),
    ).toBe(true)

    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}stats.png`, fullPage: true })
    await page.setViewportSize({ width: 360, height: 800 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}stats-360.png`, fullPage: true })
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await page.locator('#open-data-heading').textContent()).toBe('Datos abiertos')
    expect(
      await page.locator('[aria-labelledby="series-positives-heading"] .open-data').textContent(),
    ).toContain('tabla (CSV)')
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}stats-360-es.png`, fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})
