/**
 * The venue's door, in real Chromium against the real `vigil serve`: every input a door is
 * handed (SVG, PNG, JPEG, a photo of a screen, pasted text with line breaks, `SHC:/` capitals, a
 * wrapped JWS, a partial chunk set, an EU certificate) gives the right one of four verdict kinds
 * with its plain sentence in English and Spanish and the code behind "Details for support";
 * image reading and the camera work offline after a single online load (the service worker
 * precaches the QR worker); door mode announces each person once and resets by itself.
 * Screenshots of every kind at 360 px and desktop, EN and ES, go to test-results/verify/.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildImmunizationBundle } from '../../src/core/fhir/index.ts'
import { encodeShcQr, issueShc } from '../../src/core/shc/index.ts'
import { issuerSigner } from '../../src/services/credentials/index.ts'
import type { IssuerSigner } from '../../src/services/credentials/issuer.ts'
import { axeSerious, BROWSER_SKIP_REASON, launchChromium } from '../helpers/browser.ts'
import { immunization } from '../helpers/credentials.ts'
import { y4mOf } from '../helpers/fake-camera.ts'
import type { RunningServer } from '../helpers/server.ts'
import { VERIFY_SHOTS as SHOTS, startVerifySite, type VerifySite } from '../helpers/verify-site.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

interface Issued {
  id: string
  jws: string
  qr: string
}

interface Shown {
  kind: string
  key: string
  code: string
  word: string
  sentence: string
  support: string
}

async function readShown(page: Page): Promise<Shown> {
  await expect
    .poll(() => page.locator('#verdict').getAttribute('data-kind'), { timeout: 20_000 })
    .toMatch(/^(valid|not-valid|cannot-confirm|could-not-read)$/)
  return page.evaluate(() => {
    const text = (id: string) => document.getElementById(id)?.textContent ?? ''
    const reason = document.getElementById('verdict-reason') as HTMLElement
    return {
      kind: (document.getElementById('verdict') as HTMLElement).dataset.kind as string,
      key: reason.dataset.key ?? '',
      code: reason.dataset.code ?? '',
      word: text('verdict-heading'),
      sentence: text('verdict-reason'),
      support: text('support-code'),
    }
  })
}

async function clear(page: Page): Promise<void> {
  await page.evaluate(() => {
    ;(document.getElementById('verdict') as HTMLElement).dataset.kind = ''
  })
}

async function paste(page: Page, text: string): Promise<Shown> {
  await clear(page)
  await page.locator('#paste-input').fill(text)
  await page.locator('#paste-submit').click()
  return readShown(page)
}

async function upload(page: Page, name: string, mimeType: string, buffer: Buffer): Promise<Shown> {
  await clear(page)
  await page.locator('#file-input').setInputFiles({ name, mimeType, buffer })
  return readShown(page)
}

async function openVerify(context: BrowserContext, server: RunningServer): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${server.url}/verify`)
  await expect
    .poll(() => page.locator('#trust-status').getAttribute('data-state'), { timeout: 20_000 })
    .toMatch(/ok|bad|info/)
  return page
}

/** Online once: the service worker installed, controlling the page, its precache complete. */
async function readyOffline(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready)
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true)
  await expect
    .poll(() =>
      page.evaluate(async () =>
        (
          await (
            await caches.open(
              (await caches.keys()).find((k) => k.startsWith('vigil-verify-shell-')) ?? 'none',
            )
          ).keys()
        ).some((r) => r.url.includes('/assets/qr-worker-')),
      ),
    )
    .toBe(true)
}

async function goOffline(context: BrowserContext): Promise<void> {
  // Chromium's own offline emulation only: a Playwright route would answer requests before the
  // service worker sees them, which a real device without network never does.
  await context.setOffline(true)
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('the verifier at the door (Chromium)', () => {
  let site: VerifySite
  let server: RunningServer
  let browser: Browser
  let card: Issued
  let revoked: Issued
  let forged: string
  let stranger: string
  let qrPng: Buffer
  let qrSvg: Buffer
  let jpeg: Buffer
  let photo: Buffer

  const request = async (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${site.token}`,
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
    // Kept to sign a card that is never logged (the stolen-key case).
    let signer!: IssuerSigner
    site = await startVerifySite({
      name: 'verify-door',
      roles: ['issuer', 'admin'],
      prepare: async (ctx) => {
        signer = await issuerSigner(ctx)
      },
    })
    ;({ server, browser } = site)

    card = await issue(immunization())
    revoked = await issue(immunization())
    expect(
      (
        await request(`/api/credentials/${revoked.id}/revoke`, {
          method: 'POST',
          body: JSON.stringify({ reason: 'test' }),
        })
      ).status,
    ).toBe(200)
    const now = Math.floor(Date.now() / 1000)
    const bundle = buildImmunizationBundle({
      patient: { givenNames: ['Mallory'], familyName: 'Forger', birthDate: '1980-01-01' },
      immunizations: [{ code: '208', date: '2021-05-01' }],
      now,
    })
    // Signed with the real issuer key (stolen), never logged.
    forged = encodeShcQr(
      await issueShc({
        bundle,
        iss: signer.iss,
        nbf: now - 60,
        keyPair: signer.keyPair,
        allowLoopbackHttp: true,
      }),
    )
    const strangerKey = (await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    stranger = encodeShcQr(
      await issueShc({
        bundle,
        iss: 'https://clinic.example',
        nbf: now - 60,
        keyPair: strangerKey,
      }),
    )
    qrPng = Buffer.from(await (await request(`/api/credentials/${card.id}/qr.png`)).arrayBuffer())
    qrSvg = Buffer.from(await (await request(`/api/credentials/${card.id}/qr.svg`)).arrayBuffer())

    // A JPEG of the QR, and a photo of it on a phone screen: grey surround, rotated 7°, blurred,
    // lower contrast and recompressed (drawn in a blank page, away from any CSP).
    const page = await browser.newPage()
    const [j, p] = await page.evaluate(async (png) => {
      const img = new Image()
      img.src = `data:image/png;base64,${png}`
      await img.decode()
      const plain = document.createElement('canvas')
      plain.width = img.width
      plain.height = img.height
      const a = plain.getContext('2d') as CanvasRenderingContext2D
      a.fillStyle = '#fff'
      a.fillRect(0, 0, plain.width, plain.height)
      a.drawImage(img, 0, 0)
      const shot = document.createElement('canvas')
      shot.width = 1280
      shot.height = 960
      const b = shot.getContext('2d') as CanvasRenderingContext2D
      const g = b.createLinearGradient(0, 0, 1280, 960)
      g.addColorStop(0, '#3a3a3a')
      g.addColorStop(1, '#6b6b6b')
      b.fillStyle = g
      b.fillRect(0, 0, 1280, 960)
      b.translate(640, 480)
      b.rotate((7 * Math.PI) / 180)
      b.fillStyle = '#e8e8e8' // the phone's lit screen
      b.fillRect(-380, -380, 760, 760)
      b.filter = 'blur(1.5px) contrast(0.8)'
      b.drawImage(img, -330, -330, 660, 660)
      const jpeg = (c: HTMLCanvasElement, q: number) => c.toDataURL('image/jpeg', q).split(',')[1]
      return [jpeg(plain, 0.9), jpeg(shot, 0.7)]
    }, qrPng.toString('base64'))
    jpeg = Buffer.from(j as string, 'base64')
    photo = Buffer.from(p as string, 'base64')
    writeFileSync(join(SHOTS, 'door-input-photo.jpg'), photo)
    await page.close()
  }, 180_000)

  afterAll(async () => {
    await site?.close()
  })

  it('reads every image a door is handed: SVG (Vigil’s own qr.svg), PNG, JPEG, a photo of a screen', async () => {
    const context = await browser.newContext()
    const page = await openVerify(context, server)
    for (const [name, type, bytes] of [
      ['qr.svg', 'image/svg+xml', qrSvg],
      ['qr.png', 'image/png', qrPng],
      ['qr.jpg', 'image/jpeg', jpeg],
      ['photo.jpg', 'image/jpeg', photo],
    ] as const) {
      const shown = await upload(page, name, type, bytes)
      expect({ name, kind: shown.kind }).toEqual({ name, kind: 'valid' })
    }
    await page.screenshot({ path: `${SHOTS}door-input-photo-verdict.png`, fullPage: true })
    await context.close()
  })

  it('reads pasted text with line breaks, SHC:/ in capitals and a wrapped JWS', async () => {
    const context = await browser.newContext()
    const page = await openVerify(context, server)
    const digits = card.qr.slice(5)
    const wrapped = `shc:/${digits.slice(0, 70)}\n${digits.slice(70, 150)}\r\n  ${digits.slice(150)}`
    expect((await paste(page, wrapped)).kind).toBe('valid')
    expect((await paste(page, card.qr.replace('shc:/', 'SHC:/'))).kind).toBe('valid')
    const jws = card.jws.replace(/(.{64})/g, '$1\n')
    expect((await paste(page, jws)).kind).toBe('valid')
    await context.close()
  })

  const cases: [string, () => string, string, string, RegExp, RegExp][] = [
    ['valid', () => card.qr, 'valid', 'valid', /Genuine/, /Auténtico/],
    [
      'not-valid-unlogged',
      () => forged,
      'not-valid',
      'not-in-log',
      /not in the public ledger/,
      /no está en el registro público/,
    ],
    ['not-valid-revoked', () => revoked.qr, 'not-valid', 'revoked', /withdrawn/, /retirado/],
    [
      'cannot-confirm-issuer',
      () => stranger,
      'cannot-confirm',
      'issuer-unknown',
      /The issuer https:\/\/clinic\.example is not on this device’s trusted list/,
      /El emisor https:\/\/clinic\.example no está en la lista/,
    ],
    [
      'cannot-confirm-dcc',
      () => 'HC1:NCFOXN%TSMAHN-HVN8J7UQMJ4/3RBCW6I9I3I0',
      'cannot-confirm',
      'dcc-unsupported',
      /EU Digital COVID Certificate/,
      /Certificado COVID Digital de la UE/,
    ],
    ['could-not-read-empty', () => '   ', 'could-not-read', 'empty', /Nothing/, /No se ha/],
    [
      'could-not-read-damaged',
      () => `shc:/99${card.qr.slice(7)}`,
      'could-not-read',
      'damaged',
      /not read correctly/,
      /no se leyó correctamente/,
    ],
    [
      'could-not-read-partial',
      () => `shc:/1/2/${card.qr.slice(5, 605)}`,
      'could-not-read',
      'partial',
      /1 of 2 parts scanned/,
      /1 de 2 partes escaneadas/,
    ],
  ]

  it.each(cases)(
    '%s: kind, plain sentence (EN, ES), code for support, 360 px, axe',
    async (name, text, kind, key, en, es) => {
      const context = await browser.newContext({
        viewport: { width: 360, height: 800 },
        bypassCSP: true, // axe is injected
      })
      const page = await openVerify(context, server)
      const shown = await paste(page, text())
      expect({ kind: shown.kind, key: shown.key }).toEqual({ kind, key })
      expect(shown.sentence).toMatch(en)
      const word = {
        valid: 'Valid',
        'not-valid': 'Not valid',
        'cannot-confirm': 'Cannot confirm',
        'could-not-read': 'Could not read',
      }[kind]
      expect(shown.word).toBe(word)
      if (kind === 'valid') {
        expect(await page.locator('#support').isHidden()).toBe(true)
      } else {
        // The technical code is one tap away, not in the sentence.
        expect(shown.sentence).not.toContain(shown.code)
        expect(await page.locator('#support-code').isVisible()).toBe(false)
        await page.getByText('Details for support').click()
        expect(await page.locator('#support-code').textContent()).toBe(shown.code)
      }
      expect(await axeSerious(page)).toEqual([])
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        360,
      )
      await page.screenshot({ path: `${SHOTS}door-${name}-360-en.png`, fullPage: true })
      await page.getByRole('button', { name: 'Español' }).click()
      expect(await page.locator('#verdict-reason').textContent()).toMatch(es)
      await page.screenshot({ path: `${SHOTS}door-${name}-360-es.png`, fullPage: true })
      await page.setViewportSize({ width: 1280, height: 900 })
      await page.screenshot({ path: `${SHOTS}door-${name}-desktop-es.png`, fullPage: true })
      await page.getByRole('button', { name: 'English' }).click()
      await page.screenshot({ path: `${SHOTS}door-${name}-desktop-en.png`, fullPage: true })
      await context.close()
    },
  )

  it('reads an image offline after one online load: the QR worker was precached', async () => {
    const context = await browser.newContext()
    const page = await openVerify(context, server)
    await readyOffline(page)
    // Online once, by text: the ledger answers for this card are kept; no image read yet, so
    // the QR worker has never run in this page.
    expect((await paste(page, card.qr)).kind).toBe('valid')
    await goOffline(context)
    const png = await upload(page, 'qr.png', 'image/png', qrPng)
    expect(png.kind).toBe('valid')
    expect(await page.locator('#file-status').textContent()).toBe('')
    const svg = await upload(page, 'qr.svg', 'image/svg+xml', qrSvg)
    expect(svg.kind).toBe('valid')
    // A reload offline: the page, its scripts and the worker come from the kept copy.
    await page.reload()
    await expect
      .poll(() => page.locator('#trust-status').textContent(), { timeout: 20_000 })
      .toContain('Offline')
    expect((await upload(page, 'qr.png', 'image/png', qrPng)).kind).toBe('valid')
    expect(await page.locator('#verdict-data').textContent()).toMatch(/Trust data as of/)
    await page.screenshot({ path: `${SHOTS}door-offline-image.png`, fullPage: true })
    await context.close()
  })

  it('scans with the camera offline, in door mode: one cue per person, then ready again by itself', async () => {
    const video = join(site.dir, 'qr.y4m')
    writeFileSync(video, y4mOf(qrPng))
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
      const page = await openVerify(context, server)
      await readyOffline(page)
      expect((await paste(page, card.qr)).kind).toBe('valid')
      await page.locator('#next').click()
      await goOffline(context)
      await clear(page)
      const cues = () => page.evaluate(() => Number(document.documentElement.dataset.signals ?? 0))
      const before = await cues()
      await page.getByRole('button', { name: 'Full-screen door mode' }).click()
      expect((await readShown(page)).kind).toBe('valid')
      expect(await page.evaluate(() => document.body.classList.contains('door'))).toBe(true)
      expect(await page.locator('#verdict').getAttribute('class')).toContain('flash')
      expect(await cues()).toBe(before + 1)
      await page.screenshot({ path: `${SHOTS}door-mode-valid-360.png` })
      // No touch: the result clears itself for the next person after the pause.
      await expect.poll(() => page.locator('#result').isHidden(), { timeout: 6000 }).toBe(true)
      expect(await page.locator('#camera-status').textContent()).toBe('Ready for the next person.')
      await page.screenshot({ path: `${SHOTS}door-mode-ready-360.png` })
      // The same card still held up is not announced again.
      await page.waitForTimeout(1500)
      expect(await cues()).toBe(before + 1)
      expect(await page.locator('#result').isHidden()).toBe(true)
      await page.getByRole('button', { name: 'Leave door mode' }).click()
      expect(await page.evaluate(() => document.body.classList.contains('door'))).toBe(false)
      expect(await page.getByRole('button', { name: 'Start the camera' }).isVisible()).toBe(true)
      await context.close()
    } finally {
      await camera.close()
    }
  })
})
