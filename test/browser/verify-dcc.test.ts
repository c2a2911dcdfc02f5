/**
 * EU certificates on the verifier page, in real Chromium against the real `vigil serve`: the
 * deployment imports the DE test DSC as a JWKS list and a revocation list naming one UCI (each
 * a trust-list ledger entry) before it starts; the page, its clock at the vectors'
 * VALIDATIONCLOCK (dgc-testdata DE/2DCode), verifies an `HC1:` PNG, a pasted text and a camera
 * read as valid, online and again offline from the service worker's copy of /trust/dcc, and
 * shows the revoked one as not valid. The holder block names the person (and the transliteration), the product
 * from the EU value sets, the issuer and the trust list with its ledger entry. The deployment
 * also imports Austria's business rules and the EU value sets: a venue that picks Austria in
 * settings sees DE 1 meet them and DE 4 fail VR-AT-0004, named in plain words in EN and ES,
 * online and offline. Screenshots EN/ES at 360 px (axe clean, no horizontal scroll) go to
 * test-results/verify/dcc-*.png.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64, utf8 } from '../../src/core/codec/index.ts'
import { dccRevocationHashes, dscKid, signerFromDsc } from '../../src/core/dcc/index.ts'
import { COMMAND_LINE } from '../../src/platform/context/index.ts'
import {
  importDccList,
  importDccRevocations,
  importDccRules,
  importDccValueSets,
} from '../../src/services/trust/index.ts'
import { axeSerious, BROWSER_SKIP_REASON, launchChromium } from '../helpers/browser.ts'
import { signHc1 } from '../helpers/dcc.ts'
import { y4mOf } from '../helpers/fake-camera.ts'
import { readVectorJson, readVectorText, vectorPath } from '../helpers/vectors.ts'
import { VERIFY_SHOTS as SHOTS, startVerifySite, type VerifySite } from '../helpers/verify-site.ts'
import { makeCert } from '../helpers/x509.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

interface Vector {
  PREFIX: string
  '2DCODE': string
  JSON: { v?: { ci: string }[]; r?: { ci: string }[] }
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string }
}
const VACCINATION = readVectorJson<Vector>('dcc/DE/2DCode/raw/1.json')
const RECOVERY = readVectorJson<Vector>('dcc/DE/2DCode/raw/3.json')
/** Dose 1 of 2, three days after: Austria's VR-AT-0004 wants 22 days. */
const FIRST_DOSE = readVectorJson<Vector>('dcc/DE/2DCode/raw/4.json')
const CLOCK = new Date(VACCINATION.TESTCTX.VALIDATIONCLOCK)
const CLOCK_S = Math.floor(CLOCK.getTime() / 1000)
/** A WHO ICVP (yellow fever) certificate, hcert −6 (smart-icvp ICVPMin), signed by an SN DSC. */
const ICVP = {
  n: 'Amina Diallo',
  dob: '1990-04-12',
  s: 'female',
  nt: 'SEN',
  v: '1.0.0',
  vx: { vp: 'YellowFeverProduct-Stamaril', dv: '2021-05-20', bo: 'S4K05', is: 'SN-MSAS' },
}
let icvpText = ''

async function readKind(page: Page): Promise<{ kind: string; key: string; code: string }> {
  await expect
    .poll(() => page.locator('#verdict').getAttribute('data-kind'), { timeout: 20_000 })
    .toMatch(/^(valid|not-valid|cannot-confirm|could-not-read)$/)
  return page.evaluate(() => {
    const reason = document.getElementById('verdict-reason') as HTMLElement
    return {
      kind: (document.getElementById('verdict') as HTMLElement).dataset.kind ?? '',
      key: reason.dataset.key ?? '',
      code: reason.dataset.code ?? '',
    }
  })
}

async function clear(page: Page): Promise<void> {
  await page.evaluate(() => {
    ;(document.getElementById('verdict') as HTMLElement).dataset.kind = ''
  })
}

async function paste(page: Page, text: string) {
  await clear(page)
  await page.locator('#paste-input').fill(text)
  await page.locator('#paste-submit').click()
  return readKind(page)
}

async function uploadPng(page: Page, base64: string) {
  await clear(page)
  await page.locator('#file-input').setInputFiles({
    name: 'hc1.png',
    mimeType: 'image/png',
    buffer: Buffer.from(base64, 'base64'),
  })
  return readKind(page)
}

async function openVerify(context: BrowserContext, site: VerifySite): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${site.server.url}/verify`)
  await expect
    .poll(() => page.locator('#trust-status').getAttribute('data-state'), { timeout: 20_000 })
    .toMatch(/ok|bad|info/)
  // The vectors' "now": the page's clock only (the server and its lists keep real time).
  await page.clock.setFixedTime(CLOCK)
  return page
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('EU certificates on the verifier page', () => {
  let site: VerifySite
  let browser: Browser
  const logged: { list?: number; revocations?: number } = {}

  beforeAll(async () => {
    site = await startVerifySite({
      name: 'verify-dcc',
      roles: ['admin'],
      async prepare(ctx) {
        const as = { ...ctx, actor: COMMAND_LINE }
        const der = fromBase64(VACCINATION.TESTCTX.CERTIFICATE)
        const kid = await dscKid(der)
        const jwks = { keys: [{ kty: 'EC', kid, x5c: [VACCINATION.TESTCTX.CERTIFICATE] }] }
        const list = await importDccList(as, {
          name: 'de-test',
          format: 'jwks',
          content: utf8(JSON.stringify(jwks)),
          source: 'dgc-testdata DE/2DCode DSC',
        })
        const uci = RECOVERY.JSON.r?.[0]?.ci as string
        const hashes = await dccRevocationHashes({
          iss: 'DE',
          uci,
          signature: new Uint8Array(0),
          keyType: 'EC',
        })
        const revocations = await importDccRevocations(as, {
          name: 'de-revoked',
          content: utf8(
            JSON.stringify({
              format: 'vigil-dcc-revocations/v1',
              batches: [
                {
                  country: 'DE',
                  kid,
                  hashType: 'UCI',
                  expires: '2099-01-01T00:00:00Z',
                  entries: [{ hash: hashes.UCI }],
                },
              ],
            }),
          ),
        })
        const rules = readdirSync(vectorPath('certlogic/rules/AT')).map((id) =>
          readVectorJson(`certlogic/rules/AT/${id}/rule.json`),
        )
        await importDccRules(as, { country: 'AT', text: JSON.stringify(rules) })
        await importDccValueSets(as, {
          text: readVectorText('certlogic/rules/valuesets/valueSets.json'),
        })
        // A second list: one Senegalese DSC that signs the ICVP certificate.
        const sn = await makeCert({
          country: 'SN',
          cn: 'SN DSC',
          notBefore: CLOCK_S - 365 * 86_400,
          notAfter: CLOCK_S + 3650 * 86_400,
        })
        const signer = await signerFromDsc(sn.der)
        await importDccList(as, {
          name: 'who-icvp',
          format: 'jwks',
          content: utf8(JSON.stringify({ keys: [{ kty: 'EC', kid: signer.kid, x5c: [sn.b64] }] })),
          source: 'generated SN DSC',
        })
        icvpText = await signHc1(
          { keyType: 'EC', privateKey: sn.privateKey, signer },
          {
            claims: new Map<number, unknown>([
              [1, 'SN'],
              [6, CLOCK_S - 86_400],
              [4, CLOCK_S + 365 * 86_400],
              [-260, new Map([[-6, ICVP]])],
            ]),
          },
        )
        logged.list = list.leafIndex ?? undefined
        logged.revocations = revocations.leafIndex ?? undefined
      },
    })
    browser = site.browser
  }, 300_000) // a deployment, two trust lists, Austria's rules and the value sets, under load
  afterAll(() => site?.close())

  it('verifies an HC1 PNG and pasted text, shows the holder and the list, at 360 px in EN and ES', async () => {
    expect(typeof logged.list).toBe('number')
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 },
      bypassCSP: true, // axe is injected
    })
    const page = await openVerify(context, site)
    expect(await uploadPng(page, VACCINATION['2DCODE'])).toMatchObject({ kind: 'valid' })
    // Valid, in words that do not claim a ledger entry an EU certificate does not have.
    expect(await paste(page, VACCINATION.PREFIX)).toEqual({
      kind: 'valid',
      key: 'valid-dcc',
      code: '',
    })
    expect(await page.locator('#verdict-reason').textContent()).toMatch(/trusted EU list/)
    const holder = (await page.locator('#holder').textContent()) ?? ''
    expect(holder).toContain('Erika Mustermann')
    expect(holder).toContain('ERIKA MUSTERMANN')
    expect(holder).toContain('Spikevax')
    expect(holder).toContain('Robert Koch-Institut')
    expect(holder).toContain('dose 2 of 2')
    const list = page.locator('#holder-dcc-list')
    expect(await list.getAttribute('data-list')).toBe('de-test')
    expect(await list.getAttribute('data-leaf-index')).toBe(String(logged.list))
    expect(await list.textContent()).toContain(`ledger entry ${logged.list}`)
    const status = (await page.locator('#trust-status').textContent()) ?? ''
    for (const name of ['de-test', 'who-icvp', 'de-revoked']) expect(status).toContain(name)
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}dcc-valid-360-en.png`, fullPage: true })
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await page.locator('#holder').textContent()).toContain('dosis 2 de 2')
    expect(await page.locator('#holder-dcc-list').textContent()).toContain('entrada del registro')
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}dcc-valid-360-es.png`, fullPage: true })
    await page.getByRole('button', { name: 'English' }).click()
    await context.close()
  })

  it('verifies a WHO ICVP (hcert −6) under the same HC1 container, in EN and ES, at 360 px', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 },
      bypassCSP: true,
    })
    const page = await openVerify(context, site)
    expect(await paste(page, icvpText)).toMatchObject({ kind: 'valid', key: 'valid-who' })
    expect(await page.locator('#verdict-reason').textContent()).toMatch(/WHO GDHCN/)
    const holder = page.locator('#holder')
    expect(await holder.isHidden()).toBe(false)
    expect(await page.locator('#holder-name').textContent()).toBe('Amina Diallo')
    const entry = page.locator('#holder-entries li[data-entry="who-icvp"]')
    expect(await entry.textContent()).toContain('YellowFeverProduct-Stamaril')
    expect(await entry.textContent()).toContain('(WHO ICVP)')
    expect(await entry.textContent()).toContain('batch S4K05')
    expect(await page.locator('#holder-issuer').textContent()).toContain('SN-MSAS')
    expect(await page.locator('#holder-dcc-list').getAttribute('data-list')).toBe('who-icvp')
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}dcc-icvp-360-en.png`, fullPage: true })
    await page.getByRole('button', { name: 'Español' }).click()
    expect(await entry.textContent()).toContain('lote S4K05')
    expect(await entry.textContent()).toContain('CIVP de la OMS')
    await page.screenshot({ path: `${SHOTS}dcc-icvp-360-es.png`, fullPage: true })
    await page.getByRole('button', { name: 'English' }).click()
    await context.close()
  })

  it('shows the revoked certificate as not valid', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 },
      bypassCSP: true,
    })
    const page = await openVerify(context, site)
    expect(await paste(page, RECOVERY.PREFIX)).toEqual({
      kind: 'not-valid',
      key: 'revoked',
      code: 'DCC_REVOKED',
    })
    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}dcc-revoked-360-en.png`, fullPage: true })
    await page.getByRole('button', { name: 'Español' }).click()
    await page.screenshot({ path: `${SHOTS}dcc-revoked-360-es.png`, fullPage: true })
    await context.close()
  })

  it('verifies offline from the kept /trust/dcc after one online load', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } })
    const page = await openVerify(context, site)
    await page.evaluate(() => navigator.serviceWorker.ready)
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 20_000,
      })
      .toBe(true)
    expect(await paste(page, VACCINATION.PREFIX)).toMatchObject({ kind: 'valid' })
    // Chromium's own offline emulation, so the service worker answers as on a real device.
    await context.setOffline(true)
    await page.reload()
    await expect
      .poll(() => page.locator('#trust-status').textContent(), { timeout: 20_000 })
      .toContain('Offline')
    await page.clock.setFixedTime(CLOCK)
    expect(await paste(page, VACCINATION.PREFIX)).toMatchObject({ kind: 'valid' })
    expect(await uploadPng(page, VACCINATION['2DCODE'])).toMatchObject({ kind: 'valid' })
    expect(await page.locator('#holder-dcc-list').getAttribute('data-list')).toBe('de-test')
    expect(await paste(page, RECOVERY.PREFIX)).toMatchObject({ kind: 'not-valid', key: 'revoked' })
    await page.screenshot({ path: `${SHOTS}dcc-offline-360-en.png`, fullPage: true })
    await context.close()
  })
  it("a venue picks Austria's entry rules: DE 1 meets them, DE 4 fails VR-AT-0004 in plain words, EN and ES, online and offline", async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 },
      bypassCSP: true,
    })
    const page = await openVerify(context, site)
    await page.locator('#settings summary').click()
    await expect
      .poll(() => page.locator('#dcc-country option').count(), { timeout: 20_000 })
      .toBe(2)
    await page.getByLabel('EU certificates: rules of the country of arrival').selectOption('AT')
    expect(await page.locator('#dcc-country option:checked').textContent()).toBe('Austria (AT)')
    expect(await axeSerious(page)).toEqual([])
    await page.screenshot({ path: `${SHOTS}dcc-rules-settings-360-en.png`, fullPage: true })

    expect(await paste(page, VACCINATION.PREFIX)).toEqual({
      kind: 'valid',
      key: 'valid-dcc',
      code: '',
    })
    const outcome = page.locator('#rule-outcome')
    expect(await outcome.textContent()).toContain('Meets the entry rules of Austria (AT)')
    expect(await outcome.getAttribute('data-codes')).toBe('DCC_RULES_PASSED')

    expect(await paste(page, FIRST_DOSE.PREFIX)).toEqual({
      kind: 'not-valid',
      key: 'rule-failed',
      code: 'DCC_RULE_FAILED',
    })
    const reason = page.locator('#verdict-reason')
    expect(await reason.textContent()).toBe(
      "The certificate does not meet the entry rules of Austria (AT): rule VR-AT-0004 (If (sequencenumber < total number of doses) (AT: 'Erstimpfung') Verification Datetime must be more than 22 days and less than 90 days after the date of vaccination). Do not accept it.",
    )
    expect(await outcome.isHidden()).toBe(true)
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}dcc-rule-failed-360-en.png`, fullPage: true })
    await page.getByRole('button', { name: 'Español' }).click()
    // Austria publishes this rule in English only: the description falls back to it.
    expect(await reason.textContent()).toMatch(
      /^El certificado no cumple las reglas de entrada de Austria \(AT\): regla VR-AT-0004 \(If \(sequencenumber/,
    )
    expect(await page.locator('#dcc-country option:checked').textContent()).toBe('Austria (AT)')
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}dcc-rule-failed-360-es.png`, fullPage: true })
    await page.getByRole('button', { name: 'English' }).click()

    // Offline: the rules came with the trust material the service worker keeps.
    await page.evaluate(() => navigator.serviceWorker.ready)
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 20_000,
      })
      .toBe(true)
    await context.setOffline(true)
    await page.reload()
    await expect
      .poll(() => page.locator('#trust-status').textContent(), { timeout: 20_000 })
      .toContain('Offline')
    await page.clock.setFixedTime(CLOCK)
    expect(await paste(page, FIRST_DOSE.PREFIX)).toMatchObject({ key: 'rule-failed' })
    expect(await reason.textContent()).toContain('rule VR-AT-0004')
    expect(await paste(page, VACCINATION.PREFIX)).toMatchObject({ kind: 'valid' })
    expect(await outcome.textContent()).toContain('Meets the entry rules of Austria (AT)')
    await page.screenshot({ path: `${SHOTS}dcc-rules-offline-360-en.png`, fullPage: true })
    await context.close()
  })

  it('reads an HC1 code from the camera', async () => {
    const video = join(site.dir, 'hc1.y4m')
    writeFileSync(video, y4mOf(Buffer.from(VACCINATION['2DCODE'], 'base64')))
    const camera = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ])
    try {
      const context = await camera.newContext({
        permissions: ['camera'],
        viewport: { width: 360, height: 740 },
      })
      const page = await openVerify(context, site)
      await clear(page)
      await page.getByRole('button', { name: 'Start the camera' }).click()
      expect(await readKind(page)).toMatchObject({ kind: 'valid', key: 'valid-dcc' })
      expect(await page.locator('#holder-name').textContent()).toContain('Erika Mustermann')
      await page.screenshot({ path: `${SHOTS}dcc-camera-360-en.png`, fullPage: true })
      await context.close()
    } finally {
      await camera.close()
    }
  })
})
