/**
 * The citizen exposure page end to end in Debian Chromium against the real `vigil serve`: a tracer
 * API token (made with the CLI before the server starts) issues a code; the page reads pasted
 * keys, computes the tekmac in the browser, runs code → token → certificate → publish and reports
 * success; the same code a second time shows CODE_USED.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BROWSER_SKIP_REASON,
  buildPages,
  enrolPasskey,
  launchChromium,
} from '../helpers/browser.ts'
import { BIN, freePort, type RunningServer, startServer } from '../helpers/server.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

/** Three TEKs for the last three full days (today's key would be held back). */
function keys(): { key: string; rollingStartNumber: number; rollingPeriod: number }[] {
  const today = Math.floor(Date.now() / 86_400_000) * 144
  return [1, 2, 3].map((d) => ({
    key: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64'),
    rollingStartNumber: today - d * 144,
    rollingPeriod: 144,
  }))
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('exposure pages in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-exposure-'))
  // PORT from the first command on: that command records the deployment's public URL, and the
  // server must serve under the same one.
  const env = { VIGIL_DATA_DIR: dir, DATABASE_URL: '', VIGIL_LOG_LEVEL: 'warn', PORT: '' }
  let browser: Browser
  let server: RunningServer
  let token: string
  let invitation: string

  beforeAll(async () => {
    env.PORT = String(await freePort())
    const out = execFileSync(
      process.execPath,
      [BIN, 'tokens', 'create', '--name', 't', '--role', 'tracer'],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    )
    token = /(vgl_\S+)/.exec(out)?.[1] as string
    expect(token).toBeDefined()
    const invited = execFileSync(
      process.execPath,
      [BIN, 'admin', 'invite', '--name', 'Tess Tracer', '--role', 'tracer'],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    )
    invitation = /#(vgi_\S+)/.exec(invited)?.[1] as string
    expect(invitation).toBeDefined()
    await buildPages()
    ;[browser, server] = await Promise.all([launchChromium(), startServer(env)])
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  async function issue(): Promise<{ id: string; code: string; longCode: string }> {
    const res = await fetch(`${server.url}/api/exposure/codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        testType: 'confirmed',
        symptomDate: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10),
      }),
    })
    expect(res.status).toBe(201)
    return (await res.json()) as { id: string; code: string; longCode: string }
  }

  it('pasted keys and a code are published; the code reused shows CODE_USED', async () => {
    const issued = await issue()
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(m.text())
    })
    await page.goto(`${server.url}/report.html`)
    await page.getByLabel('Verification code').fill(issued.code)
    await page.getByLabel('Or paste the exported keys').fill(JSON.stringify(keys()))
    await expect.poll(() => page.locator('#keys-summary').textContent()).toMatch(/3 key\(s\) read/)
    await page.getByRole('button', { name: 'Send keys' }).click()
    await expect
      .poll(() => page.locator('#result').textContent(), { timeout: 15_000 })
      .toMatch(/Thank you\. 3 key\(s\) accepted for a confirmed test/)
    expect(await page.locator('#result').getAttribute('data-state')).toBe('ok')
    await page.screenshot({ path: '/tmp/vigil-report.png', fullPage: true })

    // The same code again (as a GAEN publish body this time): refused with its own code.
    await page.getByLabel('Verification code').fill(issued.code)
    await page
      .getByLabel('Or paste the exported keys')
      .fill(JSON.stringify({ temporaryExposureKeys: keys() }))
    await page.getByRole('button', { name: 'Send keys' }).click()
    await expect
      .poll(() => page.locator('#result').textContent(), { timeout: 15_000 })
      .toMatch(/Not sent: .*\(code CODE_USED\)/)
    expect(await page.locator('#result').getAttribute('data-state')).toBe('bad')

    // Unreadable keys are caught on the page before anything is sent.
    await page.getByLabel('Or paste the exported keys').fill('[{"key": "short"}]')
    await expect
      .poll(() => page.locator('#keys-summary').textContent())
      .toMatch(/\(code KEYS_UNREADABLE\)/)
    await page.screenshot({ path: '/tmp/vigil-report-error.png', fullPage: true })

    // The tracer sees the code as used.
    const status = await fetch(`${server.url}/api/exposure/codes/${issued.id}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(((await status.json()) as { status: string }).status).toBe('used')
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  it('a tracer signs in with a passkey, issues codes, sees them used and revokes one', async () => {
    // The RP ID must be a host name: the server's default PUBLIC_URL is http://localhost:PORT.
    const origin = server.url.replace('127.0.0.1', 'localhost')
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|400)/.test(m.text())) errors.push(m.text())
    })
    await enrolPasskey(page, origin, invitation, 'Tess Tracer', 'Tracer laptop')
    await page.waitForURL('**/console.html')
    await page.getByRole('link', { name: 'Verification codes for positive tests' }).click()
    await page.waitForURL('**/tracer.html')
    await expect
      .poll(() => page.locator('#status').textContent())
      .toMatch(/Signed in as Tess Tracer/)

    // Issue a code and use it on the citizen page.
    await page.getByLabel('Test type').selectOption('confirmed')
    await page.getByRole('button', { name: 'Issue code' }).click()
    await expect.poll(() => page.locator('#issue-status').textContent()).toMatch(/Code issued/)
    const code = (await page.locator('#issued-short').textContent()) as string
    expect(code).toMatch(/^\d{8}$/)
    expect(await page.locator('#issued-long').textContent()).toMatch(/^\S{16}$/)
    // The list is the deployment's: the code the API token issued above is there too, used.
    await expect
      .poll(() => page.locator('#codes .code-status').allTextContents())
      .toEqual(['Unused', 'Used'])

    const citizen = await context.newPage()
    await citizen.goto(`${origin}/report.html`)
    await citizen.getByLabel('Verification code').fill(code)
    await citizen.getByLabel('Or paste the exported keys').fill(JSON.stringify(keys()))
    await citizen.getByRole('button', { name: 'Send keys' }).click()
    await expect
      .poll(() => citizen.locator('#result').textContent(), { timeout: 15_000 })
      .toMatch(/Thank you\. 3 key\(s\) accepted/)
    await citizen.close()

    await page.getByRole('button', { name: 'Refresh status' }).click()
    await expect
      .poll(() => page.locator('#codes .code-status').allTextContents())
      .toEqual(['Used', 'Used'])

    // A second code, revoked: it shows as revoked and no longer offers revocation.
    await page.getByLabel('Test type').selectOption('likely')
    await page.getByLabel('Test date (no symptoms)').check()
    await page.getByRole('button', { name: 'Issue code' }).click()
    await expect
      .poll(() => page.locator('#codes .code-status').allTextContents())
      .toEqual(['Unused', 'Used', 'Used'])
    await page.getByRole('button', { name: /^Revoke the code/ }).click()
    await page.getByRole('button', { name: 'Yes, revoke' }).click()
    await expect
      .poll(() => page.locator('#codes .code-status').allTextContents())
      .toEqual(['Revoked', 'Used', 'Used'])
    expect(await page.getByRole('button', { name: /^Revoke the code/ }).count()).toBe(0)
    await page.screenshot({ path: '/tmp/vigil-tracer.png', fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})
