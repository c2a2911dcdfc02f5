/**
 * @module platform/db/migrate
 * Applies migrations/ with drizzle's migrator. It reads files with node:fs, so it runs from Node
 * (start-up, `vigil migrate`, CI), never inside a Worker. drizzle's migrator takes no lock, so
 * an advisory lock keeps instances that boot together from racing.
 */
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import type { Database } from './client.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url))
const MIGRATION_LOCK = 0x7669_6731 // "vig1"

export async function migrate(
  database: Database,
  migrationsFolder = MIGRATIONS_DIR,
): Promise<void> {
  const config = { migrationsFolder }
  if (database.migrated === true) return
  if (database.kind === 'pglite') {
    // One connection with a global mutex: nothing else can race it.
    const { migrate: run } = await import('drizzle-orm/pglite/migrator')
    await run(database.db as never, config)
    return
  }
  if (database.url === undefined) throw new Error('migrate: a Postgres database needs its URL')
  // A one-connection client, so the session lock and the migrator share a connection.
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const { migrate: run } = await import('drizzle-orm/postgres-js/migrator')
  const client = postgres(database.url, { max: 1, onnotice: () => {} })
  try {
    const db = drizzle(client)
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`)
    try {
      await run(db, config)
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`)
    }
  } finally {
    await client.end({ timeout: 5 })
  }
}
