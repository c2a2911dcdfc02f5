/**
 * A real `vigil serve` with an issuer signed in through a virtual authenticator, for the issuer
 * workspace's browser tests: the first administrator enrols from the printed invitation and
 * invites the issuer, who enrols in a fresh context.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { axeSerious, enrolPasskey } from './browser.ts'
import { BIN, freePort } from './server.ts'

export interface Server {
  url: string
  child: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/** `vigil serve` on localhost (the WebAuthn RP ID must be a host name, not an address). */
export async function serve(dir: string): Promise<Server> {
  const port = await freePort()
  const url = `http://localhost:${port}`
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      PUBLIC_URL: url,
      VIGIL_DATA_DIR: dir,
      VIGIL_LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const stop = async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((r) => child.on('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`)
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not start:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { url, child, output: () => out, stop }
}

/** Screenshot to `dir/name.png`, then axe (nothing serious) and no horizontal scroll. */
export async function checkPage(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
  expect(await axeSerious(page), name).toEqual([])
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  expect(overflow, `${name}: horizontal scroll`).toBeLessThanOrEqual(0)
}

/**
 * A new context whose page is an issuer (`name`) signed in on the issuer workspace, invited by
 * the first administrator (enrolled from the invitation `vigil serve` prints on first start).
 */
export async function signInIssuer(
  browser: Browser,
  server: Server,
  name: string,
  options: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const first = /http:\/\/localhost:\d+\/enrol\.html#(vgi_[a-z2-7]{12}_[\w-]{43})/.exec(
    server.output(),
  )?.[1]
  expect(first, server.output()).toBeDefined()
  const adminContext = await browser.newContext()
  const admin = await adminContext.newPage()
  await enrolPasskey(admin, server.url, first as string, 'First administrator', 'Admin key')
  const invitation = await admin.evaluate(async (person) => {
    const res = await fetch('/api/staff/invitations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: person, roles: ['issuer'] }),
    })
    return ((await res.json()) as { link: string }).link
  }, name)
  await adminContext.close()

  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: 'en-GB',
    acceptDownloads: true,
  })
  const page = await context.newPage()
  await enrolPasskey(page, server.url, invitation.split('#')[1] as string, name, `${name} key`)
  await page.goto(`${server.url}/issuer.html`)
  await expect.poll(() => page.locator('#status').textContent()).toContain(name)
  return { context, page }
}
