/**
 * Bulk issuing through the issuer workspace in Debian Chromium with a virtual authenticator,
 * against the real `vigil serve`: a 200-row CSV with three bad rows (each a different field) is
 * uploaded in chunks with visible progress, the summary says 197 issued and 3 refused, the
 * refused rows are listed in plain words, and the downloaded report holds 197 passport links and
 * 3 errors with their line and field; an NDJSON file's refusals are said at their line too. EN
 * and ES at 360 px (each refusal in the page's words), axe-clean, no horizontal scroll.
 * Screenshots: test-results/issuer/bulk-*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BROWSER_SKIP_REASON, buildPages, launchChromium } from '../helpers/browser.ts'
import { bulkCsv, checkPage, type Server, serve, signInIssuer } from '../helpers/issuer-session.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const SHOTS = fileURLToPath(new URL('../../test-results/issuer/', import.meta.url))

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('bulk upload in the issuer workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-issuer-bulk-'))
  let browser: Browser
  let server: Server

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await buildPages()
    ;[browser, server] = await Promise.all([launchChromium(), serve(dir)])
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('uploads 200 rows with progress, lists 3 refusals and downloads the report', async () => {
    const { context, page } = await signInIssuer(browser, server, 'Bea Bulk', {
      width: 360,
      height: 800,
    })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    const section = page.locator('#bulk-section')

    // No file chosen: said at the field.
    await page.getByRole('button', { name: 'Upload and issue' }).click()
    expect(await page.locator('#bulk-file-error').textContent()).toBe('Choose a file.')
    await section.screenshot({ path: join(SHOTS, 'bulk-en-360-no-file.png') })
    await checkPage(page, SHOTS, 'bulk-en-360-no-file-page')

    const file = join(dir, 'clinic-batch.csv')
    writeFileSync(file, bulkCsv())
    await page.getByLabel('CSV or NDJSON file').setInputFiles(file)
    // Every step the counter shows, to see progress move chunk by chunk.
    await page.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { seen: string[] }).seen = seen
      const node = document.getElementById('bulk-count') as HTMLElement
      new MutationObserver(() => seen.push(node.textContent ?? '')).observe(node, {
        childList: true,
        characterData: true,
        subtree: true,
      })
    })
    await page.getByRole('button', { name: 'Upload and issue' }).click()
    expect(await page.locator('#bulk-file-error').textContent()).toBe('')
    await expect
      .poll(() => page.locator('#bulk-count').textContent(), { timeout: 120_000 })
      .toBe('200 of 200 rows')
    await expect
      .poll(() => page.locator('#bulk-status').textContent(), { timeout: 60_000 })
      .toBe('197 issued, 3 refused.')
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen)
    expect([...new Set(seen)]).toEqual(['0 of 200 rows', '100 of 200 rows', '200 of 200 rows'])
    expect(await page.locator('#bulk-progress').evaluate((p: HTMLProgressElement) => p.value)).toBe(
      200,
    )
    expect(await page.locator('#bulk-refused-list li').allTextContents()).toEqual([
      'Line 12, Date of birth: Write the date as YYYY-MM-DD (or YYYY-MM, or YYYY).',
      'Line 122, Region: Write a region code such as NL-NH.',
      'Line 182, Given names: Required.',
    ])
    await section.screenshot({ path: join(SHOTS, 'bulk-en-360-done.png') })
    await checkPage(page, SHOTS, 'bulk-en-360-done-page')

    // The report: one line per row, passport links for the issued, line and field for the rest.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the report (CSV)' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('clinic-batch-report.csv')
    const lines = readFileSync(await download.path(), 'utf8')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe('row,status,credential_id,passport_link,error_code,field,detail')
    const rows = lines.slice(1).map((l) => l.split(','))
    expect(rows).toHaveLength(200)
    const links = rows.filter((r) =>
      /^http:\/\/localhost:\d+\/passport\/[0-9a-f-]{36}#k=/.test(r[3] ?? ''),
    )
    expect(links).toHaveLength(197)
    expect(new Set(links.map((r) => r[2])).size).toBe(197)
    expect(links.every((r) => r[1] === 'issued')).toBe(true)
    const refused = rows.filter((r) => r[1] === 'error')
    expect(refused.map((r) => [r[0], r[5]])).toEqual([
      ['12', 'patient.birthDate'],
      ['122', 'region'],
      ['182', 'patient.givenNames'],
    ])
    expect(refused.every((r) => r[4] !== '' && r[3] === '')).toBe(true)

    // A passport link from the report opens the citizen's card.
    const passport = await page.evaluate(
      async (url) => (await fetch(url as string)).status,
      links[0]?.[3],
    )
    expect(passport).toBe(200)

    // Spanish, same state.
    await page.getByRole('button', { name: 'Español' }).click()
    await expect.poll(() => page.locator('#bulk-count').textContent()).toBe('200 de 200 filas')
    expect(await page.locator('#bulk-status').textContent()).toBe('Emitidos: 197. Rechazados: 3.')
    // Each refusal in Spanish words, not the service's English detail.
    expect(await page.locator('#bulk-refused-list li').allTextContents()).toEqual([
      'Línea 12, Fecha de nacimiento: Escriba la fecha como AAAA-MM-DD (o AAAA-MM, o AAAA).',
      'Línea 122, Región: Escriba un código de región como NL-NH.',
      'Línea 182, Nombre: Obligatorio.',
    ])
    await section.screenshot({ path: join(SHOTS, 'bulk-es-360-done.png') })
    await checkPage(page, SHOTS, 'bulk-es-360-done-page')

    // Uploading the same file again issues nothing twice.
    await page.getByRole('button', { name: 'Subir y emitir' }).click()
    await expect
      .poll(() => page.locator('#bulk-status').textContent(), { timeout: 120_000 })
      .toBe('Emitidos: 0. Rechazados: 3. Ya emitidos desde este archivo: 197.')

    // An NDJSON file, one issuing request per line: a line that is not JSON and a date after the
    // sample are said at their line in plain words; the other line is issued.
    const walkIn = join(dir, 'walk-in.ndjson')
    const sample = {
      type: 'test',
      patient: { givenNames: ['Ana'], familyName: 'García', birthDate: '1990-02-03' },
      region: 'ES-MD',
      test: { code: '94558-4', date: '2021-06-01', result: '260415000' },
    }
    writeFileSync(
      walkIn,
      `${[
        JSON.stringify(sample),
        '{"type": "test",',
        JSON.stringify({ ...sample, patient: { ...sample.patient, birthDate: '2022-01-01' } }),
      ].join('\n')}\n`,
    )
    await page.getByLabel('Archivo CSV o NDJSON').setInputFiles(walkIn)
    await page.getByRole('button', { name: 'Subir y emitir' }).click()
    await expect
      .poll(() => page.locator('#bulk-status').textContent(), { timeout: 60_000 })
      .toBe('Emitidos: 1. Rechazados: 2.')
    expect(await page.locator('#bulk-count').textContent()).toBe('3 de 3 filas')
    expect(await page.locator('#bulk-refused-list li').allTextContents()).toEqual([
      'Línea 2, la fila entera: Esta línea no es JSON válido.',
      'Línea 3, Muestra tomada el: 2021-06-01 es anterior a la fecha de nacimiento',
    ])
    await section.screenshot({ path: join(SHOTS, 'bulk-es-360-ndjson.png') })

    expect(errors).toEqual([])
    await context.close()
  }, 300_000)
})
