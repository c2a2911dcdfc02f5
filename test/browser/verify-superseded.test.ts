/**
 * A corrected card at the door, on the real /verify page in Chromium against the real `vigil
 * serve`: the issuer reissues a card; the old one reads "replaced by a newer card" (not the
 * revoked sentence), a withdrawn one still reads revoked, and the new one is valid, in English
 * and Spanish, at 360 px, axe clean. Screenshots go to test-results/verify/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../src/core/codec/base64.ts'
import { startRuntime } from '../../src/entry/runtime.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import { createApiToken } from '../../src/services/staff/index.ts'
import { TEST_MASTER_KEY } from '../helpers/app.ts'
import { axeSerious, BROWSER_SKIP_REASON, launchChromium } from '../helpers/browser.ts'
import { immunization } from '../helpers/credentials.ts'
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/db.ts'
import { type RunningServer, startServer } from '../helpers/server.ts'

const SHOTS = fileURLToPath(new URL('../../test-results/verify/', import.meta.url))
const PUBLIC_URL = 'http://localhost:8787'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

async function check(page: Page, text: string) {
  await page.evaluate(() => {
    ;(document.getElementById('verdict') as HTMLElement).dataset.status = ''
  })
  await page.getByLabel(/The card's text|El texto del certificado/).fill(text)
  await page.locator('#paste-submit').click()
  await expect
    .poll(() => page.locator('#verdict').getAttribute('data-status'), { timeout: 20_000 })
    .toMatch(/^(valid|invalid|cannot-confirm)$/)
  return page.evaluate(() => {
    const reason = document.getElementById('verdict-reason') as HTMLElement
    return {
      kind: (document.getElementById('verdict') as HTMLElement).dataset.kind,
      code: reason.dataset.code,
      text: reason.textContent ?? '',
    }
  })
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('a superseded card on the verifier page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-verify-superseded-'))
  let database: TestDatabase | undefined
  let server: RunningServer
  let browser: Browser
  let token: string
  const cards: Record<string, string> = {}

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status).toBeLessThan(300)
    return (await res.json()) as { id: string; qr: string }
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await build({
      configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
      logLevel: 'warn',
      build: { emptyOutDir: false },
    })
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
    token = (
      await createApiToken(runtime.ctx, {
        name: 'browser test',
        roles: ['issuer'],
        expiresAt: new Date(Date.now() + 86_400_000),
      })
    ).token
    await runtime.database.close()
    server = await startServer({ ...env, VIGIL_LOG_LEVEL: 'warn' })
    const old = await post('/api/credentials', immunization())
    cards.old = old.qr
    const fixed = immunization({
      patient: { givenNames: ['Anne'], familyName: 'Janssen', birthDate: '1985-03-14' },
    })
    cards.neu = (await post(`/api/credentials/${old.id}/reissue`, fixed)).qr
    const withdrawn = await post('/api/credentials', immunization())
    cards.withdrawn = withdrawn.qr
    await post(`/api/credentials/${withdrawn.id}/revoke`, { reason: 'entered in error' })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await database?.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('says the old card was replaced by a newer card, in English and Spanish, at 360 px', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/verify`)

    const old = await check(page, cards.old as string)
    expect(old).toMatchObject({ kind: 'not-valid', code: 'VERIFY_SUPERSEDED' })
    expect(old.text).toContain('replaced by a newer card')
    await page.screenshot({ path: `${SHOTS}superseded.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    const withdrawn = await check(page, cards.withdrawn as string)
    expect(withdrawn).toMatchObject({ kind: 'not-valid', code: 'SHC_REVOKED' })
    expect(withdrawn.text).not.toContain('replaced')

    expect(await check(page, cards.neu as string)).toMatchObject({ kind: 'valid' })

    await page.getByRole('button', { name: 'Español' }).click()
    const es = await check(page, cards.old as string)
    expect(es).toMatchObject({ kind: 'not-valid', code: 'VERIFY_SUPERSEDED' })
    expect(es.text).toContain('sustituido por uno más reciente')
    await page.screenshot({ path: `${SHOTS}superseded-es.png`, fullPage: true })
    expect(await axeSerious(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(errors).toEqual([])
    await context.close()
  })
})
