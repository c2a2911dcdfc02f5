/**
 * A real deployment for the verifier page's browser tests: the pages built by Vite, a data
 * directory (or a Postgres database when TEST_DATABASE_URL is set) prepared in process — an API
 * token and whatever the test publishes before the server starts — then a real `vigil serve`
 * and Chromium. One per test file.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { build } from 'vite'
import { expect } from 'vitest'
import { toBase64 } from '../../src/core/codec/index.ts'
import { startRuntime } from '../../src/entry/runtime.ts'
import { parseConfig } from '../../src/platform/config/index.ts'
import type { Role, ServiceContext } from '../../src/platform/context/index.ts'
import { createApiToken } from '../../src/services/staff/index.ts'
import { TEST_MASTER_KEY } from './app.ts'
import { launchChromium } from './browser.ts'
import { immunization } from './credentials.ts'
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './db.ts'
import { type RunningServer, startServer } from './server.ts'

/** Where the browser tests of the verifier page save their screenshots. */
export const VERIFY_SHOTS = fileURLToPath(new URL('../../test-results/verify/', import.meta.url))
export const VERIFY_PUBLIC_URL = 'http://localhost:8787'

/** What the API answers for an issued credential (the fields the page tests read). */
export interface IssuedCard {
  id: string
  qr: string
  [field: string]: unknown
}

export interface VerifySite {
  /** The deployment's data directory (removed by close(); tests may put scratch files there). */
  readonly dir: string
  readonly server: RunningServer
  readonly browser: Browser
  readonly token: string
  /** The deployment's environment (for `vigil` commands run beside the server). */
  readonly env: Readonly<Record<string, string>>
  /** POSTs JSON with the site's token; the answer must be a success. */
  post<T = IssuedCard>(path: string, body: unknown): Promise<T>
  /** Issues a credential (an immunization unless `body` says otherwise) through the API. */
  issue(body?: unknown): Promise<IssuedCard>
  close(): Promise<void>
}

export interface VerifySiteOptions {
  /** Names the temporary data directory. */
  name: string
  /** The API token's roles. */
  roles: Role[]
  /** Runs against the deployment before the server starts (publish rules, keep the signer…). */
  prepare?: (ctx: ServiceContext) => Promise<void>
  /** More environment for the server (VIGIL_WEB_DIST…). */
  serverEnv?: Record<string, string>
}

export async function startVerifySite(options: VerifySiteOptions): Promise<VerifySite> {
  mkdirSync(VERIFY_SHOTS, { recursive: true })
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { emptyOutDir: false },
  })
  const dir = mkdtempSync(join(tmpdir(), `vigil-${options.name}-`))
  const env: Record<string, string> = {
    VIGIL_DATA_DIR: dir,
    PUBLIC_URL: VERIFY_PUBLIC_URL,
    VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
    VIGIL_LOG_LEVEL: 'silent',
  }
  let database: TestDatabase | undefined
  if (POSTGRES_URL !== undefined) {
    database = await createTestDatabase('postgres', { migrate: false })
    env.DATABASE_URL = database.url as string
  }
  const runtime = await startRuntime(parseConfig(env), { migrate: true })
  let token: string
  try {
    token = (
      await createApiToken(runtime.ctx, {
        name: 'browser test',
        roles: options.roles,
        expiresAt: new Date(Date.now() + 86_400_000),
      })
    ).token
    await options.prepare?.(runtime.ctx)
  } finally {
    await runtime.ledger.close()
    await runtime.database.close()
  }
  Object.assign(env, options.serverEnv)
  const server = await startServer({ ...env, VIGIL_LOG_LEVEL: 'warn' })
  const browser = await launchChromium()
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status, await res.clone().text()).toBeLessThan(300)
    return (await res.json()) as T
  }
  return {
    dir,
    server,
    browser,
    token,
    env,
    post,
    issue: (body = immunization()) => post<IssuedCard>('/api/credentials', body),
    async close() {
      await browser.close()
      await server.stop()
      await database?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
