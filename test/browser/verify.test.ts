/**
 * The venue verifier (/verify) and the citizen's passport (/passport/{id}) in real Chromium
 * against the real `vigil serve` (PGlite, or Postgres when TEST_DATABASE_URL is set). Cards are
 * issued over HTTP; the page must say valid, invalid or cannot-confirm with the failing check,
 * by pasted text, an uploaded QR image, a `.smart-health-card` file and the camera (Chromium's
 * fake capture device fed a Y4M video of the QR); offline after one online load; without ever
 * sending the card, its hash or a name. axe-core scans both pages; screenshots go to
 * test-results/verify/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import jsQR from 'jsqr'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64, toBase64Url } from '../../src/core/codec/base64.ts'
import { fromUtf8, sha256, utf8 } from '../../src/core/codec/bytes.ts'
import { toHex } from '../../src/core/codec/hex.ts'
import { buildImmunizationBundle } from '../../src/core/fhir/index.ts'
import {
  createHealthCardFile,
  deflateRaw,
  encodeShcQr,
  inflateRaw,
  issueShc,
} from '../../src/core/shc/index.ts'
import { credentialLeafHash } from '../../src/core/verify/index.ts'
import { startRuntime } from '../../src/entry/runtime.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import { issuerSigner } from '../../src/services/credentials/index.ts'
import type { IssuerSigner } from '../../src/services/credentials/issuer.ts'
import { createApiToken } from '../../src/services/staff/index.ts'
import { TEST_MASTER_KEY } from '../helpers/app.ts'
import { axeSerious, BROWSER_SKIP_REASON, buildPages, launchChromium } from '../helpers/browser.ts'
import { immunization } from '../helpers/credentials.ts'
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/db.ts'
import { y4mOf } from '../helpers/fake-camera.ts'
import { type RunningServer, startServer } from '../helpers/server.ts'

const SHOTS = fileURLToPath(new URL('../../test-results/verify/', import.meta.url))
const PUBLIC_URL = 'http://localhost:8787'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

interface Issued {
  id: string
  jws: string
  qr: string
}

interface Outcome {
  status: string
  reason: string
  checks: Record<string, { result: string; code: string }>
  text: string
  holder: string
}

const CHECK_IDS = [
  'format',
  'issuer',
  'signature',
  'expiry',
  'revocation',
  'ledger',
  'checkpoint',
  'witnesses',
]

async function readOutcome(page: Page): Promise<Outcome> {
  await expect
    .poll(() => page.locator('#verdict').getAttribute('data-status'), { timeout: 20_000 })
    .toMatch(/^(valid|invalid|cannot-confirm)$/)
  return page.evaluate(() => {
    const box = document.getElementById('verdict') as HTMLElement
    const checks: Record<string, { result: string; code: string }> = {}
    for (const li of document.querySelectorAll<HTMLElement>('#checks-list li')) {
      checks[li.dataset.check as string] = {
        result: li.dataset.result as string,
        code: li.dataset.code as string,
      }
    }
    const holder = document.getElementById('holder') as HTMLElement
    return {
      status: box.dataset.status as string,
      reason: (document.getElementById('verdict-reason') as HTMLElement).dataset.code ?? '',
      checks,
      text: box.textContent ?? '',
      holder: holder.hidden ? '' : (holder.textContent ?? ''),
    }
  })
}

async function clearVerdict(page: Page): Promise<void> {
  await page.evaluate(() => {
    ;(document.getElementById('verdict') as HTMLElement).dataset.status = ''
  })
}

async function paste(page: Page, text: string): Promise<Outcome> {
  await clearVerdict(page)
  await page.getByLabel(/The card's text/).fill(text)
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  return readOutcome(page)
}

interface Opened {
  page: Page
  errors: string[]
}

async function openVerify(context: BrowserContext, server: RunningServer): Promise<Opened> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.goto(`${server.url}/verify`)
  await expect
    .poll(() => page.locator('#trust-status').getAttribute('data-state'), { timeout: 20_000 })
    .toMatch(/ok|bad|info/)
  return { page, errors }
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)(
  'verifier and passport pages in Chromium',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-verify-page-'))
    let database: TestDatabase | undefined
    let server: RunningServer
    let browser: Browser
    let token: string
    let signer: IssuerSigner
    let card: Issued
    let second: Issued
    let revoked: Issued
    let expiring: Issued
    let forged: string
    let stranger: string
    let tampered: string
    let qrPng: Buffer

    const request = async (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      })
    const issue = async (body: unknown): Promise<Issued> => {
      const res = await request('/api/credentials', { method: 'POST', body: JSON.stringify(body) })
      expect(res.status).toBe(201)
      return (await res.json()) as Issued
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true })
      await buildPages()
      // Keys, migrations and an API token before the server starts (PGlite is single-process);
      // the issuer key is kept to sign a card that is never issued (the stolen-key case).
      const env: Record<string, string> = {
        VIGIL_DATA_DIR: dir,
        PUBLIC_URL,
        VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
        VIGIL_LOG_LEVEL: 'silent',
      }
      if (POSTGRES_URL !== undefined) {
        database = await createTestDatabase('postgres', { migrate: false })
        env.DATABASE_URL = database.url as string
      }
      const runtime = await startRuntime(parseConfig(env), { migrate: true })
      const created = await createApiToken(runtime.ctx, {
        name: 'browser test',
        roles: ['issuer', 'admin'],
        expiresAt: new Date(Date.now() + 86_400_000),
      })
      token = created.token
      signer = await issuerSigner(runtime.ctx)
      await runtime.database.close()
      server = await startServer({ ...env, VIGIL_LOG_LEVEL: 'warn' })

      card = await issue(immunization())
      second = await issue(
        immunization({
          patient: { givenNames: ['Piet'], familyName: 'de Vries', birthDate: '1970-01-01' },
        }),
      )
      revoked = await issue(immunization())
      expect(
        (
          await request(`/api/credentials/${revoked.id}/revoke`, {
            method: 'POST',
            body: JSON.stringify({ reason: 'test' }),
          })
        ).status,
      ).toBe(200)
      expiring = await issue(immunization({ validDays: 1 }))
      const now = Math.floor(Date.now() / 1000)
      const bundle = buildImmunizationBundle({
        patient: { givenNames: ['Mallory'], familyName: 'Forger', birthDate: '1980-01-01' },
        immunizations: [{ code: '208', date: '2021-05-01' }],
        now,
      })
      forged = await issueShc({
        bundle,
        iss: signer.iss,
        nbf: now - 60,
        keyPair: signer.keyPair,
        allowLoopbackHttp: true,
      })
      const strangerKey = (await crypto.subtle.generateKey(
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['sign', 'verify'],
      )) as CryptoKeyPair
      stranger = await issueShc({
        bundle,
        iss: 'https://unknown-issuer.example',
        nbf: now - 60,
        keyPair: strangerKey,
      })
      const [h, p, s] = card.jws.split('.') as [string, string, string]
      const json = fromUtf8(await inflateRaw(fromBase64Url(p), 1 << 20)).replace(
        'Jansen',
        'Janssen',
      )
      tampered = encodeShcQr(`${h}.${toBase64Url(await deflateRaw(utf8(json)))}.${s}`)
      qrPng = Buffer.from(await (await request(`/api/credentials/${card.id}/qr.png`)).arrayBuffer())
      browser = await launchChromium()
    }, 180_000)

    afterAll(async () => {
      await browser?.close()
      await server?.stop()
      await database?.drop()
      rmSync(dir, { recursive: true, force: true })
    })

    it('says valid for a freshly issued card pasted as text, with every check, and sends no card data', async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 900 } })
      const sent: string[] = []
      context.on('request', (r) => sent.push(`${r.method()} ${r.url()}\n${r.postData() ?? ''}`))
      const { page, errors } = await openVerify(context, server)
      const outcome = await paste(page, card.qr)
      expect(outcome.status).toBe('valid')
      expect(outcome.text).toContain('Valid')
      expect(outcome.text).toContain('✓')
      expect(Object.keys(outcome.checks)).toEqual(CHECK_IDS)
      expect(Object.values(outcome.checks).every((c) => c.result === 'pass')).toBe(true)
      expect(outcome.checks.ledger?.code).toBe('VERIFY_LEDGER_INCLUDED')
      expect(outcome.holder).toContain('Anne Marie Jansen')
      await page.getByText('Show the checks').click()
      expect(await page.locator('#checks-list').textContent()).toMatch(/revocation list as of/)
      expect(await page.locator('#verdict-data').textContent()).toMatch(
        /Trust data as of .*Checked in \d+ ms/,
      )
      await page.screenshot({ path: `${SHOTS}verify-valid.png`, fullPage: true })

      // The network log: no card, no hash of it, no name; lookups carry 4 hex digits only.
      const artefact = await sha256(utf8(card.jws))
      const [h = ''] = card.jws.split('.')
      const { kid } = JSON.parse(fromUtf8(fromBase64Url(h))) as { kid: string }
      const nbf = Number(
        (
          JSON.parse(
            fromUtf8(await inflateRaw(fromBase64Url(card.jws.split('.')[1] as string), 1 << 20)),
          ) as { nbf: number }
        ).nbf,
      )
      const leaf = await credentialLeafHash(card.jws, kid, nbf)
      const secrets = [
        card.jws.split('.')[1] as string,
        card.jws.split('.')[2] as string,
        card.qr.slice(5, 85),
        toHex(artefact),
        toBase64(artefact),
        toBase64Url(artefact),
        toHex(leaf),
        toBase64(leaf),
        toBase64Url(leaf),
        'Jansen',
        'Anne',
        '1985-03-14',
      ]
      expect(sent.length).toBeGreaterThan(3)
      for (const line of sent) {
        for (const secret of secrets) expect(decodeURIComponent(line)).not.toContain(secret)
        const lookup = /\/log\/lookup\/([^/?#\s]*)/.exec(line)
        if (lookup !== null) expect(lookup[1]).toBe(toHex(leaf).slice(0, 4))
      }
      expect(sent.some((l) => l.includes('/log/lookup/'))).toBe(true)
      expect(sent.some((l) => l.includes('/log/tile/'))).toBe(true)
      expect(sent.every((l) => l.split('\n')[1] === '')).toBe(true) // no request body at all
      expect(errors).toEqual([])
      await context.close()
    })

    it('says valid for an uploaded QR image and for a .smart-health-card file', async () => {
      const context = await browser.newContext()
      const { page, errors } = await openVerify(context, server)
      const png = join(dir, 'card.png')
      writeFileSync(png, qrPng)
      await clearVerdict(page)
      await page.getByLabel(/A photo or image of the QR code/).setInputFiles(png)
      const byImage = await readOutcome(page)
      expect(byImage.status).toBe('valid')
      expect(byImage.holder).toContain('Anne Marie Jansen')

      await clearVerdict(page)
      await page.getByLabel(/A photo or image of the QR code/).setInputFiles({
        name: 'card.smart-health-card',
        mimeType: 'application/smart-health-card',
        buffer: Buffer.from(createHealthCardFile([second.jws])),
      })
      const byFile = await readOutcome(page)
      expect(byFile.status).toBe('valid')
      expect(byFile.holder).toContain('Piet de Vries')
      expect(errors).toEqual([])
      await context.close()
    })

    it.each([
      ['a tampered card', 'invalid', 'signature', 'fail', 'SHC_SIGNATURE_INVALID', () => tampered],
      ['a revoked card', 'invalid', 'revocation', 'fail', 'SHC_REVOKED', () => revoked.qr],
      [
        'a card from an unknown issuer',
        'invalid',
        'issuer',
        'fail',
        'VERIFY_ISSUER_UNKNOWN',
        () => stranger,
      ],
      [
        'a validly signed card missing from the ledger',
        'invalid',
        'ledger',
        'fail',
        'VERIFY_LEDGER_NOT_FOUND',
        () => encodeShcQr(forged),
      ],
    ])('says %s is %s, failing the %s check', async (name, status, id, result, code, text) => {
      const context = await browser.newContext()
      const { page } = await openVerify(context, server)
      const outcome = await paste(page, text())
      expect(outcome.status).toBe(status)
      expect(outcome.checks[id]).toEqual({ result, code })
      expect(outcome.reason).toBe(code)
      // An issuer this device does not trust is not proof of forgery: amber, not red.
      expect(outcome.text).toContain(
        name === 'a card from an unknown issuer' ? 'Cannot confirm' : 'Not valid',
      )
      // The holder's data is shown only once the issuer's signature verified.
      const signed = outcome.checks.signature?.result === 'pass'
      expect(outcome.holder === '').toBe(!signed)
      if (name === 'a validly signed card missing from the ledger') {
        expect(signed).toBe(true)
        await page.screenshot({ path: `${SHOTS}verify-invalid.png`, fullPage: true })
      }
      await context.close()
    })

    it('says an expired card is invalid (the browser clock two days on)', async () => {
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.clock.setFixedTime(new Date(Date.now() + 2 * 86_400_000))
      await page.goto(`${server.url}/verify`)
      const outcome = await paste(page, expiring.qr)
      expect(outcome.status).toBe('invalid')
      expect(outcome.checks.expiry).toEqual({ result: 'fail', code: 'SHC_EXPIRED' })
      // The trust data is two days old by then: older than the default 24 hours.
      expect(outcome.checks.revocation?.code).toBe('VERIFY_DATA_STALE')
      expect(await page.locator('#verdict-data').textContent()).toContain('older than your limit')
      // A good card with data older than the maximum age cannot be confirmed.
      const stale = await paste(page, card.qr)
      expect(stale.status).toBe('cannot-confirm')
      expect(stale.checks.issuer).toEqual({ result: 'unknown', code: 'VERIFY_DATA_STALE' })
      expect(stale.checks.signature?.result).toBe('pass')
      // A longer limit (settings) makes the same data acceptable again.
      await page.locator('#settings summary').click()
      await page.getByLabel('Maximum age of the trust data').selectOption('259200')
      expect((await paste(page, card.qr)).status).toBe('valid')
      await context.close()
    })

    it('cannot confirm a card against a checkpoint whose signature is wrong', async () => {
      const context = await browser.newContext()
      await context.route('**/log/checkpoint', async (route) => {
        const response = await route.fetch()
        const body = (await response.text()).replace(
          / ([A-Za-z0-9+/]{8})([A-Za-z0-9+/=]+)\n$/,
          (_, a: string, b: string) => ` ${a}${b[0] === 'A' ? 'B' : 'A'}${b.slice(1)}\n`,
        )
        await route.fulfill({ response, body })
      })
      const { page } = await openVerify(context, server)
      // Issued after the page took its trust material: only a newer checkpoint covers it.
      const late = await issue(immunization())
      const outcome = await paste(page, late.qr)
      expect(outcome.status).toBe('cannot-confirm')
      expect(outcome.checks.checkpoint).toEqual({ result: 'fail', code: 'NOTE_BAD_SIGNATURE' })
      expect(outcome.checks.ledger).toEqual({
        result: 'unknown',
        code: 'VERIFY_CHECKPOINT_UNVERIFIED',
      })
      expect(outcome.text).toContain('Cannot confirm')
      await page.screenshot({ path: `${SHOTS}verify-cannot-confirm.png`, fullPage: true })
      await context.close()
    })

    it('verifies offline after one online load, and says how old its data is', async () => {
      const context = await browser.newContext()
      const { page } = await openVerify(context, server)
      await page.evaluate(() => navigator.serviceWorker.ready)
      await expect
        .poll(() => page.locator('#snapshot-status').getAttribute('data-state'), {
          timeout: 20_000,
        })
        .toBe('ready')
      expect((await paste(page, card.qr)).status).toBe('valid')
      // Let the worker keep the shell (it fetches the page's scripts once it is active).
      await expect
        .poll(() =>
          page.evaluate(
            async () =>
              (
                await (
                  await caches.open(
                    (await caches.keys()).find((k) => k.startsWith('vigil-verify-shell-')) ??
                      'none',
                  )
                ).keys()
              ).length,
          ),
        )
        .toBeGreaterThan(3)

      await context.route('**/*', (route) => route.abort('internetdisconnected'))
      await context.setOffline(true)
      await page.reload()
      await expect
        .poll(() => page.locator('#trust-status').textContent(), { timeout: 20_000 })
        .toContain('Offline')
      const again = await paste(page, card.qr)
      expect(again.status).toBe('valid')
      const data = (await page.locator('#verdict-data').textContent()) ?? ''
      expect(data).toContain('Offline: checking with the data saved on this device.')
      expect(data).toMatch(/Trust data as of .*\((now|\d+ seconds? ago|\d+ minutes? ago)\)/)

      // A card never checked on this device: the offline copy of the log holds its leaf.
      const other = await paste(page, second.qr)
      expect(other.status).toBe('valid')
      expect(other.checks.ledger).toEqual({ result: 'pass', code: 'VERIFY_LEDGER_INCLUDED' })
      expect(other.checks.signature?.result).toBe('pass')
      expect(other.checks.revocation?.result).toBe('pass')
      await page.screenshot({ path: `${SHOTS}verify-offline.png`, fullPage: true })
      await context.close()
    })

    it('reads a QR from the camera (fake capture device playing a Y4M video)', async () => {
      const video = join(dir, 'qr.y4m')
      writeFileSync(video, y4mOf(qrPng))
      const camera = await launchChromium([
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ])
      try {
        const context = await camera.newContext({ permissions: ['camera'] })
        const { page, errors } = await openVerify(context, server)
        await clearVerdict(page)
        await page.getByRole('button', { name: 'Start the camera' }).click()
        const outcome = await readOutcome(page)
        expect(outcome.status).toBe('valid')
        expect(outcome.holder).toContain('Anne Marie Jansen')
        // Not continuous: the camera stops after a result.
        await expect
          .poll(() => page.getByRole('button', { name: 'Start the camera' }).isVisible())
          .toBe(true)
        // Continuous (a queue): the camera stays on after a result.
        await page.getByLabel('Keep scanning (for a queue of people)').check()
        await clearVerdict(page)
        await page.getByRole('button', { name: 'Start the camera' }).click()
        expect((await readOutcome(page)).status).toBe('valid')
        expect(await page.getByRole('button', { name: 'Stop the camera' }).isVisible()).toBe(true)
        await page.getByRole('button', { name: 'Stop the camera' }).click()
        expect(errors).toEqual([])
        await context.close()
      } finally {
        await camera.close()
      }
    })

    it('is accessible (axe: nothing serious), fits 360 px, and speaks Spanish', async () => {
      const context = await browser.newContext({
        viewport: { width: 360, height: 740 },
        bypassCSP: true,
      })
      const { page } = await openVerify(context, server)
      await paste(page, revoked.qr)
      await page.getByText('Show the checks').click()
      await page.locator('#settings summary').click()
      expect(await axeSerious(page)).toEqual([])
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        360,
      )
      await page.getByRole('button', { name: 'Español' }).click()
      expect(await page.locator('h1').textContent()).toBe('Comprobar un certificado de salud')
      expect(await page.locator('#verdict').textContent()).toContain('No válido')
      expect(await page.locator('#verdict-reason').textContent()).toContain('El emisor ha retirado')
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('es')
      await page.screenshot({ path: `${SHOTS}verify-360-es.png`, fullPage: true })
      // The choice is remembered on this device.
      await page.reload()
      expect(await page.locator('h1').textContent()).toBe('Comprobar un certificado de salud')
      await context.close()
    })

    it('is linked from the landing page', async () => {
      const page = await browser.newPage()
      await page.goto(`${server.url}/`)
      await page.getByRole('link', { name: 'Check a health card' }).click()
      await expect.poll(() => page.url()).toMatch(/\/verify$/)
      await page.close()
    })

    it('verifies the cards of a second Vigil deployment once it is added in the settings', async () => {
      // A second deployment on its own port. The page reaches it cross-origin under the page's own
      // CSP (connect-src 'self' https:, plus loopback for a loopback deployment): not bypassed.
      const dir2 = mkdtempSync(join(tmpdir(), 'vigil-verify-second-'))
      const env2: Record<string, string> = {
        VIGIL_DATA_DIR: dir2,
        PUBLIC_URL: 'http://localhost:8788',
        VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
        VIGIL_LOG_LEVEL: 'silent',
      }
      const runtime = await startRuntime(parseConfig(env2), { migrate: true })
      const { token: token2 } = await createApiToken(runtime.ctx, {
        name: 'second deployment',
        roles: ['issuer'],
        expiresAt: new Date(Date.now() + 86_400_000),
      })
      await runtime.database.close()
      const other = await startServer({ ...env2, VIGIL_LOG_LEVEL: 'warn' })
      try {
        const res = await fetch(`${other.url}/api/credentials`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token2}`, 'content-type': 'application/json' },
          body: JSON.stringify(immunization()),
        })
        expect(res.status).toBe(201)
        const card2 = (await res.json()) as Issued
        const vkey2 = (await (await fetch(`${other.url}/log/key`)).text()).trim()
        const vkey1 = (await (await fetch(`${server.url}/log/key`)).text()).trim()

        const context = await browser.newContext()
        const { page, errors } = await openVerify(context, server)
        const csp = (await page.request.get(`${server.url}/verify`)).headers()[
          'content-security-policy'
        ]
        expect(csp).toMatch(
          /connect-src 'self' https: http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*/,
        )
        expect((await paste(page, card2.qr)).checks.issuer?.code).toBe('VERIFY_ISSUER_UNKNOWN')

        const add = async (vkey: string) => {
          await page.getByLabel('Its address (https://…)').fill(other.url)
          await page.getByLabel('Its log key (the text at its /log/key)').fill(vkey)
          await page.getByRole('button', { name: 'Add a deployment' }).click()
        }
        await page.locator('#settings summary').click()
        // A log key that is not the deployment's: its material does not verify.
        await add(vkey1)
        await expect
          .poll(() => page.locator('#trust-status').textContent())
          .toContain(`${other.url} could not be loaded: VERIFY_TRUST_SIGNATURE`)
        await add(vkey2)
        await expect.poll(() => page.locator('#trust-status').getAttribute('data-state')).toBe('ok')
        expect(await page.locator('#deployments').textContent()).toContain(other.url)
        const outcome = await paste(page, card2.qr)
        expect(outcome.status).toBe('valid')
        expect(outcome.checks.ledger?.code).toBe('VERIFY_LEDGER_INCLUDED')
        expect(outcome.holder).toContain('localhost:8788')
        // The first deployment's cards still verify against its own ledger.
        expect((await paste(page, card.qr)).status).toBe('valid')
        await page.getByRole('button', { name: `Remove ${other.url}` }).click()
        expect((await paste(page, card2.qr)).status).toBe('invalid')
        expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([])
        await context.close()
      } finally {
        await other.stop()
        rmSync(dir2, { recursive: true, force: true })
      }
    }, 120_000)

    describe('the passport page', () => {
      const linkOf = async (id: string) => {
        const res = await request(`/api/credentials/${id}/passport-link`)
        expect(res.status).toBe(200)
        const { url } = (await res.json()) as { url: string }
        return url.replace(PUBLIC_URL, server.url)
      }

      it('shows the QR, the holder, a verified ledger receipt, and downloads the file and the PNG', async () => {
        const context = await browser.newContext({
          viewport: { width: 390, height: 900 },
          acceptDownloads: true,
        })
        const page = await context.newPage()
        const errors: string[] = []
        page.on('pageerror', (e) => errors.push(e.message))
        await page.goto(await linkOf(card.id))
        await expect
          .poll(() => page.locator('#receipt-status').getAttribute('data-state'), {
            timeout: 20_000,
          })
          .toBe('ok')
        expect(await page.locator('#receipt-status').textContent()).toMatch(
          /^✓ Recorded in the public ledger at entry \d+\. Checked here, in your browser/,
        )
        expect(await page.locator('#holder-name').textContent()).toBe('Anne Marie Jansen')
        const qr = page.locator('#qr')
        expect(await qr.getAttribute('alt')).toBe('QR code of the health card: Anne Marie Jansen')
        const box = await qr.boundingBox()
        expect(box?.width).toBeGreaterThan(300) // large enough to scan from a phone screen
        expect(await page.locator('#revoked').isHidden()).toBe(true)

        const [file] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: /Download the card file/ }).click(),
        ])
        expect(file.suggestedFilename()).toBe('health-card.smart-health-card')
        expect(readFileSync(await file.path(), 'utf8')).toBe(createHealthCardFile([card.jws]))
        const [image] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: /Download the QR code/ }).click(),
        ])
        const png = PNG.sync.read(readFileSync(await image.path()))
        expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(card.qr)
        await page.screenshot({ path: `${SHOTS}passport.png`, fullPage: true })

        await page.emulateMedia({ media: 'print' })
        expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false)
        expect(await qr.isVisible()).toBe(true)
        expect(errors).toEqual([])
        await context.close()
      })

      it('refuses a link without its key or with a wrong one, and warns on a revoked card', async () => {
        const page = await browser.newPage()
        const link = await linkOf(card.id)
        await page.goto(link.split('#')[0] as string)
        await expect
          .poll(() => page.locator('#status').textContent())
          .toContain('This link is incomplete')
        await page.goto(`${link.slice(0, -2)}AA`)
        await page.reload()
        await expect
          .poll(() => page.locator('#status').textContent())
          .toContain('does not open a card')
        expect(await page.locator('#card').isHidden()).toBe(true)
        await page.goto(await linkOf(revoked.id))
        await expect
          .poll(() => page.locator('#revoked').textContent())
          .toContain('The issuer has revoked this card')
        await page.close()
      })

      it('is accessible (axe: nothing serious) and in Spanish', async () => {
        const context = await browser.newContext({
          viewport: { width: 360, height: 740 },
          bypassCSP: true,
        })
        const page = await context.newPage()
        await page.goto(await linkOf(second.id))
        await expect
          .poll(() => page.locator('#receipt-status').getAttribute('data-state'))
          .toBe('ok')
        expect(await axeSerious(page)).toEqual([])
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          360,
        )
        await page.getByRole('button', { name: 'Español' }).click()
        expect(await page.locator('h1').textContent()).toBe('Su certificado de salud')
        expect(await page.locator('#receipt-status').textContent()).toContain(
          'Registrado en el registro público',
        )
        await context.close()
      })
    })
  },
)
