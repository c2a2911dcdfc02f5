/**
 * Test databases: in-memory PGlite always; real Postgres when TEST_DATABASE_URL is set (a fresh
 * database per call, dropped afterwards). With CI=true the Postgres run is required.
 */
import postgres from 'postgres'
import { createDb, type Database } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'

export type Engine = 'pglite' | 'postgres'

/** VIGIL_TEST_ENGINES=pglite: a deliberate PGlite-only run (CI's second pass under Node 24). */
const PGLITE_ONLY = process.env.VIGIL_TEST_ENGINES === 'pglite'
export const POSTGRES_URL = PGLITE_ONLY ? undefined : process.env.TEST_DATABASE_URL
export const IN_CI = process.env.CI === 'true'

if (IN_CI && !POSTGRES_URL && !PGLITE_ONLY) {
  throw new Error('CI=true requires TEST_DATABASE_URL: the Postgres suite is not optional in CI')
}

/** The engines this run covers, and a one-line reason for any that is skipped. */
export const ENGINES: Engine[] = POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite']
export const POSTGRES_SKIP_REASON = POSTGRES_URL
  ? undefined
  : 'postgres: TEST_DATABASE_URL is not set'

export interface TestDatabase extends Database {
  /** For postgres: a URL to the fresh database (for extra connections). */
  url?: string
  drop(): Promise<void>
}

export async function createTestDatabase(
  engine: Engine,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  let database: Database
  let drop = async () => {}
  if (engine === 'pglite') {
    database = await createDb({ kind: 'pglite' })
  } else {
    if (!POSTGRES_URL) throw new Error(POSTGRES_SKIP_REASON)
    const name = `vigil_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name}`)
    const url = new URL(POSTGRES_URL)
    url.pathname = `/${name}`
    database = await createDb({ kind: 'postgres', url: url.toString() })
    drop = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    }
  }
  if (options.migrate !== false) await migrate(database)
  let closed = false
  return {
    ...database,
    async close() {
      if (closed) return
      closed = true
      await database.close()
    },
    async drop() {
      if (!closed) {
        closed = true
        await database.close()
      }
      await drop()
    },
  }
}
