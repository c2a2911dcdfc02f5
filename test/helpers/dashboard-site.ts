/**
 * A deployment on the embedded database in its own data directory, for the dashboard's browser
 * tests: the CLI run against it (demo data, invitations), then the pages built and the real
 * `vigil serve` started beside Chromium. The origin is `localhost` (a WebAuthn RP ID must be a
 * host name; the server's default PUBLIC_URL is http://localhost:PORT).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { buildPages } from './browser.ts'
import { launchChromium } from './chromium.ts'
import { BIN, freePort, type RunningServer, startServer } from './server.ts'

export class DashboardSite {
  readonly dir: string
  readonly env: Record<string, string>
  browser!: Browser
  server!: RunningServer
  origin = ''

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix))
    this.env = { VIGIL_DATA_DIR: this.dir, DATABASE_URL: '', VIGIL_LOG_LEVEL: 'warn', PORT: '' }
  }

  /**
   * Takes a free port for the server, before the first command: that command records the
   * deployment's public URL, and the server must serve under the same one.
   */
  async reservePort(): Promise<void> {
    this.env.PORT = String(await freePort())
  }

  /** `vigil …` against this deployment; its standard output. */
  cli(...args: string[]): string {
    return execFileSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...this.env },
      encoding: 'utf8',
    })
  }

  /** An epidemiologist's invitation token (the part after `#` of the link). */
  invite(name: string): string {
    const token = /#(vgi_\S+)/.exec(
      this.cli('admin', 'invite', '--name', name, '--role', 'epidemiologist'),
    )?.[1]
    if (token === undefined) throw new Error(`no invitation for ${name}`)
    return token
  }

  /** Builds the pages, then starts Chromium and the server together. */
  async start(): Promise<void> {
    await buildPages()
    ;[this.browser, this.server] = await Promise.all([launchChromium(), startServer(this.env)])
    this.origin = this.server.url.replace('127.0.0.1', 'localhost')
  }

  async close(): Promise<void> {
    await this.browser?.close()
    await this.server?.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
