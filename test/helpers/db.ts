/**
 * Test databases: PGlite always; real Postgres when TEST_DATABASE_URL is set (a fresh database
 * per call, dropped afterwards). With CI=true the Postgres run is required. Under vitest a
 * migrated database starts from the run's template (test/helpers/db-templates.ts): a copy of a
 * PGlite data directory, or a Postgres clone; elsewhere it is created and migrated here.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { createDb, type Database } from '../../src/platform/db/client.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import {
  databaseUrl,
  PG_TEMPLATE_VAR,
  PGLITE_TEMPLATE_VAR,
  pgPrefix,
  RUN_VAR,
  SCRATCH_VAR,
} from './db-templates.ts'

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
  const migrated = options.migrate !== false
  let database: Database
  let drop = async () => {}
  if (engine === 'pglite') {
    const template = process.env[PGLITE_TEMPLATE_VAR]
    const scratch = process.env[SCRATCH_VAR]
    if (migrated && template && scratch) {
      const dir = mkdtempSync(join(scratch, 'db-'))
      cpSync(template, join(dir, 'db'), { recursive: true })
      database = await createDb({ kind: 'pglite', dataDir: join(dir, 'db') })
      drop = async () => rmSync(dir, { recursive: true, force: true })
    } else {
      database = await createDb({ kind: 'pglite' })
      if (migrated) await migrate(database)
    }
  } else {
    if (!POSTGRES_URL) throw new Error(POSTGRES_SKIP_REASON)
    const template = process.env[PG_TEMPLATE_VAR]
    const run = process.env[RUN_VAR] ?? 'adhoc'
    const name = `${pgPrefix(run)}${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} })
    const clone = migrated && template !== undefined
    await admin.unsafe(
      clone ? `create database ${name} template ${template}` : `create database ${name}`,
    )
    database = await createDb({ kind: 'postgres', url: databaseUrl(POSTGRES_URL, name) })
    if (migrated && !clone) await migrate(database)
    drop = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    }
  }
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

/**
 * Seeds `dataDir` (a `VIGIL_DATA_DIR`) with a copy of the run's migrated PGlite template, so the
 * first `vigil` command there opens a database instead of running initdb. Without a template
 * (outside vitest) the command creates it as usual. Returns `dataDir`.
 */
export function seedDataDir(dataDir: string): string {
  const template = process.env[PGLITE_TEMPLATE_VAR]
  if (template && !existsSync(join(dataDir, 'db')))
    cpSync(template, join(dataDir, 'db'), { recursive: true })
  return dataDir
}
