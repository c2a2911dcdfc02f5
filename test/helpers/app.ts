/** Builds the real app over a test database, with a fixed clock and a seeded random source. */

import { buildContext } from '../../src/entry/context.ts'
import { type AppOptions, createApp } from '../../src/http/app.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import { jsonLogger, type ServiceContext } from '../../src/platform/context/index.ts'
import { nodeKeyCrypto } from '../../src/platform/node-crypto/key-crypto.ts'
import type { Ledger } from '../../src/services/ledger/index.ts'
import { createTestDatabase, type Engine, type TestDatabase } from './db.ts'

/** Deterministic bytes (xorshift32): repeatable tests, never for real keys. */
export function seededRandom(seed = 1): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1
  return (n) => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      s ^= s << 13
      s ^= s >>> 17
      s ^= s << 5
      out[i] = s & 0xff
    }
    return out
  }
}

export const TEST_MASTER_KEY = new Uint8Array(32).fill(7)

export interface TestApp {
  app: ReturnType<typeof createApp>
  ctx: ServiceContext
  database: TestDatabase
  ledger: Ledger
  close(): Promise<void>
}

export async function createTestApp(
  engine: Engine,
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  return appOver(await createTestDatabase(engine), env, options)
}

/** The app over a database that is already migrated (a copy of another test's, say). */
export async function appOver(
  database: TestDatabase,
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  const config = parseConfig({
    PUBLIC_URL: 'http://localhost:8787',
    VIGIL_LOG_LEVEL: 'silent',
    ...env,
  })
  const built = await buildContext({
    database,
    config,
    masterKey: TEST_MASTER_KEY,
    logger: jsonLogger('silent'),
    clock: { now: () => new Date('2026-11-24T12:00:00Z') },
    random: seededRandom(42),
    // What the Node server runs (entry/runtime.ts); the workerd test covers WebCrypto.
    keyCrypto: nodeKeyCrypto,
    keys: 'create',
    ledger: { kind: 'writer' },
  })
  const { ctx } = built
  const ledger = built.ledger as Ledger
  const app = createApp({ ...ctx, version: 'test', ledger }, { accessLog: false, ...options })
  return { app, ctx, database, ledger, close: () => database.drop() }
}
