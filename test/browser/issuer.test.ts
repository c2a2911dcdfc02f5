/**
 * The issuer workspace end to end in Debian Chromium with a virtual authenticator, against the
 * real `vigil serve`: an issuer enrols from an invitation, issues a vaccination and a test
 * credential through the form (refusals shown at their field), finds them by name and birth
 * date, revokes one and corrects another after confirming, uploads a 200-row CSV with 3 bad rows
 * and downloads the report (197 passport links, 3 refusals with line and field); a venue's
 * /verify page reads the issued, corrected and bulk-issued cards as valid and the revoked and
 * superseded ones as such. It erases one, lists each state alone,
 * and the page is screenshotted in English and Spanish at 360 px and 1280 px, axe-clean, without
 * horizontal scrolling. Screenshots: test-results/issuer/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BROWSER_SKIP_REASON,
  buildPages,
  enrolPasskey,
  launchChromium,
} from '../helpers/browser.ts'
import { longHistory } from '../helpers/credentials.ts'
import { bulkCsv, checkPage, type Server, serve } from '../helpers/issuer-session.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const SHOTS = fileURLToPath(new URL('../../test-results/issuer/', import.meta.url))

/** Screenshot, axe and no horizontal scroll for the page as it stands. */
const check = (page: Page, name: string) => checkPage(page, SHOTS, name)

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('issuer workspace in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-issuer-'))
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

  it('issues, finds, revokes, corrects, uploads, erases through the page; the venue checks each card; EN and ES', async () => {
    const first = /http:\/\/localhost:\d+\/enrol\.html#(vgi_[a-z2-7]{12}_[\w-]{43})/.exec(
      server.output(),
    )?.[1]
    expect(first, server.output()).toBeDefined()

    // The first administrator invites an issuer.
    const adminContext = await browser.newContext()
    const admin = await adminContext.newPage()
    await enrolPasskey(admin, server.url, first as string, 'First administrator', 'Admin key')
    const invitation = await admin.evaluate(async () => {
      const res = await fetch('/api/staff/invitations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Irene Issuer', roles: ['issuer'] }),
      })
      return ((await res.json()) as { link: string }).link
    })
    // An admin without the issuer role is told so, not shown the workspace.
    await admin.goto(`${server.url}/issuer.html`)
    await expect.poll(() => admin.locator('#status').textContent()).toContain('issuer role')
    expect(await admin.locator('#issuer').isHidden()).toBe(true)
    await adminContext.close()

    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
    })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    let refusals = 0
    page.on('console', (m) => {
      // The two deliberate API refusals below show as failed loads; anything else is an error.
      if (m.type() === 'error' && /status of 400/.test(m.text())) refusals++
      else if (m.type() === 'error') errors.push(m.text())
    })
    await enrolPasskey(
      page,
      server.url,
      invitation.split('#')[1] as string,
      'Irene Issuer',
      'Issuer laptop',
    )
    await page.goto(`${server.url}/issuer.html`)
    await expect.poll(() => page.locator('#status').textContent()).toContain('Irene Issuer')
    await expect.poll(() => page.locator('#list').textContent()).toContain('No credentials yet.')
    await check(page, 'en-1280-empty')
    const issueForm = page.locator('#issue-form')

    // An empty form: each field says what it needs, in plain words.
    await page.getByRole('button', { name: 'Issue the credential' }).click()
    expect(await page.locator('#given-names-error').textContent()).toBe('Required.')
    expect(await page.locator('#birth-date-error').textContent()).toContain('YYYY-MM-DD')
    expect(await page.locator('#given-names').getAttribute('aria-invalid')).toBe('true')
    await check(page, 'en-1280-form-errors')

    // A refusal from the API lands at its field (a birth date after the vaccination).
    await issueForm.getByLabel('Given names').fill('Anne Marie')
    await issueForm.getByLabel('Family name').fill('Jansen')
    await issueForm.getByLabel('Date of birth').fill('2099-03-14')
    await issueForm.getByLabel('Region').fill('nl-nh')
    await issueForm.getByLabel('Vaccine').selectOption('208')
    expect(await issueForm.getByLabel('Vaccine').locator('option:checked').textContent()).toContain(
      'Comirnaty',
    )
    await issueForm.getByLabel('Date given').fill('2021-05-01')
    await issueForm.getByLabel('Lot number (optional)').fill('EW0182')
    await page.getByRole('button', { name: 'Issue the credential' }).click()
    await expect
      .poll(() => page.locator('#birth-date-error').textContent())
      .toBe('2099-03-14 is in the future')
    expect(await page.locator('#issue-status').textContent()).toContain(
      'Some fields need attention',
    )
    await check(page, 'en-1280-api-field-error')

    // Corrected: issued, with its QR, print, file and passport link.
    await issueForm.getByLabel('Date of birth').fill('1985-03-14')
    await page.getByRole('button', { name: 'Issue the credential' }).click()
    await expect.poll(() => page.locator('#result').isVisible(), { timeout: 20_000 }).toBe(true)
    expect(await page.locator('#birth-date-error').textContent()).toBe('')
    expect(await page.locator('#result-for').textContent()).toBe(
      'Vaccination for Anne Marie Jansen, born 1985-03-14.',
    )
    await expect
      .poll(() => page.locator('#result-qr').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0)
    const link = (await page.locator('#result-link').textContent()) ?? ''
    expect(link).toMatch(/\/passport\/[0-9a-f-]{36}#k=/)
    const download = await page.locator('#result-download').getAttribute('href')
    const card = await page.evaluate(async (href) => (await fetch(href as string)).text(), download)
    expect(JSON.parse(card).verifiableCredential).toHaveLength(1)
    await page.getByRole('button', { name: 'Copy' }).click()
    await expect.poll(() => page.locator('#copy-status').textContent()).toContain('Copied.')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link)
    await check(page, 'en-1280-issued')

    // At the door: a venue photographs each QR from the result screen and checks it on /verify.
    // The corrected card is valid; the card it replaced reads superseded, the withdrawn one revoked.
    const venueContext = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const venue = await venueContext.newPage()
    venue.on('pageerror', (e) => errors.push(e.message))
    await venue.goto(`${server.url}/verify`)
    const atTheDoor = async (card: Locator) => {
      const id = await card.getAttribute('data-id')
      await card.getByRole('button', { name: /^Show/ }).click()
      await expect
        .poll(() =>
          page
            .locator('#result-qr')
            .evaluate((img: HTMLImageElement) => img.complete && img.src.split('/').at(-2)),
        )
        .toBe(id)
      const buffer = await page.locator('#result-qr').screenshot()
      await venue.evaluate(() => {
        ;(document.getElementById('verdict') as HTMLElement).dataset.status = ''
      })
      await venue
        .getByLabel(/A photo or image of the QR code/)
        .setInputFiles({ name: 'card.png', mimeType: 'image/png', buffer })
      await expect
        .poll(() => venue.locator('#verdict').getAttribute('data-status'), { timeout: 20_000 })
        .toMatch(/^(valid|invalid|cannot-confirm)$/)
      return venue.evaluate(() => ({
        status: (document.getElementById('verdict') as HTMLElement).dataset.status,
        code: (document.getElementById('verdict-reason') as HTMLElement).dataset.code,
      }))
    }
    expect(await atTheDoor(page.locator('#list article').first())).toMatchObject({
      status: 'valid',
    })

    // A test credential for the same person.
    await page.getByRole('button', { name: 'Issue another' }).click()
    await issueForm.getByLabel('Test result').check()
    await issueForm.getByLabel('Given names').fill('Anne Marie')
    await issueForm.getByLabel('Family name').fill('Jansen')
    await issueForm.getByLabel('Date of birth').fill('1985-03-14')
    await issueForm.getByLabel('Region').fill('NL-NH')
    await issueForm.getByLabel('Test', { exact: true }).selectOption('94558-4')
    await issueForm.getByLabel('Sample taken on').fill('2021-06-01')
    await issueForm.getByLabel('Result', { exact: true }).selectOption('260415000')
    await page.getByRole('button', { name: 'Issue the credential' }).click()
    await expect
      .poll(() => page.locator('#result-for').textContent(), { timeout: 20_000 })
      .toContain('Test result for Anne Marie Jansen')
    await expect.poll(() => page.locator('#list article').count()).toBe(2)

    // Found by name and birth date, spelled loosely.
    await page.locator('#find-given').fill('ANNE  marie')
    await page.locator('#find-family').fill('jansen')
    await page.locator('#find-birth').fill('1985-03-14')
    await page.getByRole('button', { name: 'Find', exact: true }).click()
    await expect.poll(() => page.locator('#find-status').textContent()).toBe('2 found.')
    await check(page, 'en-1280-found')

    // Revoke the test credential: cancelling does nothing, a reason is required.
    const testCard = page.locator('#list article', { hasText: 'Test result' })
    const vaxCard = page.locator('#list article', { hasText: 'Vaccination' })
    await testCard.getByRole('button', { name: /^Revoke/ }).click()
    await page.locator('#confirm-no').click()
    expect(await testCard.getAttribute('data-state')).toBe('valid')
    await testCard.getByRole('button', { name: /^Revoke/ }).click()
    await page.locator('#confirm-yes').click()
    expect(await page.locator('#reason-error').textContent()).toBe('Give a reason.')
    await check(page, 'en-1280-confirm-revoke')
    await page.getByLabel('Reason (shown in the audit trail)').fill('entered in error')
    await page.locator('#confirm-yes').click()
    await expect.poll(() => testCard.getAttribute('data-state')).toBe('revoked')
    expect(await testCard.textContent()).toContain('entered in error')

    // Correct the vaccination through the same form, pre-filled.
    await vaxCard.getByRole('button', { name: /^Correct/ }).click()
    expect(await issueForm.getByLabel('Lot number (optional)').inputValue()).toBe('EW0182')
    expect(await issueForm.getByLabel('Given names').inputValue()).toBe('Anne Marie')
    await check(page, 'en-1280-correcting')
    await issueForm.getByLabel('Lot number (optional)').fill('EW0183')
    await page.getByRole('button', { name: 'Issue the corrected credential' }).click()
    await expect.poll(() => page.locator('#list article').count(), { timeout: 20_000 }).toBe(3)
    await expect
      .poll(() =>
        page
          .locator('#list article')
          .evaluateAll((a) => a.map((n) => n.getAttribute('data-state'))),
      )
      .toEqual(['valid', 'revoked', 'superseded'])
    const [correctedId, withdrawnId, replacedId] = await page
      .locator('#list article')
      .evaluateAll((a) => a.map((n) => n.getAttribute('data-id') as string))

    // The venue opens its page again later (an open page refreshes its trust material each
    // minute online, docs/VERIFIER.md): the corrected card is valid, the replaced one superseded,
    // the withdrawn one revoked.
    await venue.reload()
    const [corrected, withdrawn, replaced] = [0, 1, 2].map((i) =>
      page.locator('#list article').nth(i),
    )
    expect(await atTheDoor(corrected as Locator)).toMatchObject({ status: 'valid' })
    await venue.screenshot({ path: `${SHOTS}venue-corrected-valid.png`, fullPage: true })
    expect(await atTheDoor(withdrawn as Locator)).toEqual({
      status: 'invalid',
      code: 'SHC_REVOKED',
    })
    expect(await atTheDoor(replaced as Locator)).toEqual({
      status: 'invalid',
      code: 'VERIFY_SUPERSEDED',
    })
    await venue.screenshot({ path: `${SHOTS}venue-superseded.png`, fullPage: true })

    // Erase the corrected card's personal data: the search no longer finds it.
    const newest = page.locator('#list article').first()
    await newest.getByRole('button', { name: /^Erase personal data/ }).click()
    await check(page, 'en-1280-confirm-erase')
    await page.locator('#confirm-yes').click()
    await expect.poll(() => newest.getAttribute('data-erased')).toBe('true')
    expect(await newest.locator('h3').textContent()).toBe('Personal data erased')
    await expect.poll(() => page.locator('#find-status').textContent()).toBe('2 found.')
    expect(await page.locator('#found article[data-erased="true"]').count()).toBe(0)
    await check(page, 'en-1280-list')

    // One state at a time: the filter asks the API for that state's rows (?state=).
    const listed = () =>
      page
        .locator('#list article')
        .evaluateAll((a) => a.map((n) => `${n.getAttribute('data-state')}:${n.dataset.erased}`))
    const filter = page.getByLabel('Credentials to list')
    await filter.selectOption('revoked')
    await expect.poll(listed).toEqual(['revoked:false'])
    await filter.selectOption('superseded')
    await expect.poll(listed).toEqual(['superseded:false'])
    await filter.selectOption('erased')
    await expect.poll(listed).toEqual(['valid:true'])
    await check(page, 'en-1280-list-erased')
    await filter.selectOption('')
    await expect.poll(listed).toEqual(['valid:true', 'revoked:false', 'superseded:false'])

    // Every state again at 360 px, then in Spanish at both widths.
    await page.setViewportSize({ width: 360, height: 800 })
    await check(page, 'en-360-list')
    await page.getByRole('button', { name: 'Español' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Certificados de salud')
    expect(await page.locator('#list article').first().textContent()).toContain(
      'Datos personales borrados',
    )
    await check(page, 'es-360-list')
    // A test result's choices are Spanish words too (not the SNOMED CT displays).
    await page.locator('input[name="kind"][value="test"]').check()
    expect(await page.locator('#test-result option').allTextContents()).toEqual(
      expect.arrayContaining(['Detectado', 'No detectado', 'Negativo']),
    )
    expect(await page.locator('#test-result option').allTextContents()).not.toContain(
      'Not detected',
    )
    await check(page, 'es-360-test-form')
    await page.locator('input[name="kind"][value="immunization"]').check()
    await page.getByRole('button', { name: 'Emitir el certificado' }).click()
    expect(await page.locator('#given-names-error').textContent()).toBe('Obligatorio.')
    await check(page, 'es-360-form-errors')
    // The API's refusal, worded in Spanish at its field (its detail is English).
    await page.locator('#given-names').fill('Ana')
    await page.locator('#family-name').fill('García')
    await page.locator('#birth-date').fill('2099-03-14')
    await page.locator('#region').fill('ES-MD')
    await page.locator('#product').selectOption('208')
    await page.locator('#dose-date').fill('2021-05-01')
    await page.getByRole('button', { name: 'Emitir el certificado' }).click()
    await expect
      .poll(() => page.locator('#birth-date-error').textContent())
      .toBe('2099-03-14 está en el futuro')
    await check(page, 'es-360-api-field-error')
    await page.locator('#issue-form').evaluate((f: HTMLFormElement) => f.reset())
    await page
      .locator('#list article')
      .nth(2)
      .getByRole('button', { name: /^Mostrar/ })
      .click()
    await expect.poll(() => page.locator('#result-for').textContent()).toContain('Vacunación de')
    await check(page, 'es-360-issued')
    await page.setViewportSize({ width: 1280, height: 900 })
    await check(page, 'es-1280-issued')
    await page.getByRole('button', { name: 'English' }).click()
    await page.setViewportSize({ width: 360, height: 800 })
    await page.locator('#list article').nth(1).getByRole('button', { name: /^Show/ }).click()
    await check(page, 'en-360-issued')

    // A long history (a card over 1,195 characters, SHC 1.4): no broken image, a sentence in its
    // place saying how the person shares it; the next card shows its QR again.
    const longId = await page.evaluate(async (body) => {
      const res = await fetch('/api/credentials', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      return ((await res.json()) as { id: string }).id
    }, longHistory())
    await page.reload()
    const longCard = page.locator(`#list article[data-id="${longId}"]`)
    await longCard.getByRole('button', { name: /^Show/ }).click()
    await expect
      .poll(() => page.locator('#result-no-qr').textContent())
      .toContain('too long for one QR code')
    expect(await page.locator('#result-qr').isHidden()).toBe(true)
    await check(page, 'en-360-issued-long')
    await page.locator('#list article').nth(2).getByRole('button', { name: /^Show/ }).click()
    await expect
      .poll(() => page.locator('#result-qr').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0)
    expect(await page.locator('#result-no-qr').isHidden()).toBe(true)

    // The same issuer uploads a file of 200 rows, three of them wrong in one field each, and
    // downloads the report: 197 passport links, and the 3 refusals with their line and field.
    const file = join(dir, 'clinic-batch.csv')
    writeFileSync(file, bulkCsv())
    await page.getByLabel('CSV or NDJSON file').setInputFiles(file)
    await page.getByRole('button', { name: 'Upload and issue' }).click()
    await expect
      .poll(() => page.locator('#bulk-status').textContent(), { timeout: 120_000 })
      .toBe('197 issued, 3 refused.')
    const [reportFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the report (CSV)' }).click(),
    ])
    const report = readFileSync(await reportFile.path(), 'utf8')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','))
    expect(report).toHaveLength(200)
    const issuedRows = report.filter(
      (r) => r[1] === 'issued' && /\/passport\/[0-9a-f-]{36}#k=/.test(r[3] ?? ''),
    )
    expect(issuedRows).toHaveLength(197)
    expect(report.filter((r) => r[1] === 'error').map((r) => [r[0], r[5]])).toEqual([
      ['12', 'patient.birthDate'],
      ['122', 'region'],
      ['182', 'patient.givenNames'],
    ])

    // The venue, after the upload (its page opened again for fresh trust material): a card from
    // the file is valid, the withdrawn one revoked, the replaced one superseded. The issuer
    // brings each up by its id.
    await venue.reload()
    const foundById = async (id: string) => {
      await page.locator('#find-id').fill(id)
      await page.getByRole('button', { name: 'Find', exact: true }).click()
      await expect.poll(() => page.locator('#find-status').textContent()).toBe('1 found.')
      await expect.poll(() => page.locator('#found article').getAttribute('data-id')).toBe(id)
      return page.locator('#found article')
    }
    expect(await atTheDoor(await foundById(issuedRows[0]?.[2] as string))).toMatchObject({
      status: 'valid',
    })
    expect(await atTheDoor(await foundById(withdrawnId as string))).toEqual({
      status: 'invalid',
      code: 'SHC_REVOKED',
    })
    expect(await atTheDoor(await foundById(replacedId as string))).toEqual({
      status: 'invalid',
      code: 'VERIFY_SUPERSEDED',
    })
    // The corrected card's personal data was erased above: found by id, it has nothing to show.
    const erasedCard = await foundById(correctedId as string)
    expect(await erasedCard.getAttribute('data-erased')).toBe('true')
    expect(await erasedCard.getByRole('button', { name: /^Show/ }).count()).toBe(0)
    await venueContext.close()

    expect(errors).toEqual([])
    expect(refusals).toBe(2)
    await context.close()
  }, 300_000)
})
