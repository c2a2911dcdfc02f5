/** PGlite: embedded Postgres (18.x in WASM, one connection). */
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import type { Database, Db } from './client.ts'
import * as schema from './schema/index.ts'

export async function createPgliteDb(dataDir?: string): Promise<Database> {
  const client = dataDir === undefined ? new PGlite() : new PGlite(dataDir)
  await client.waitReady
  const db = drizzle(client, { schema }) as unknown as Db
  return { db, kind: 'pglite', close: () => client.close() }
}
