/** Postgres through postgres.js (Node, and Workers with nodejs_compat). */
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import type { Database, Db } from './client.ts'
import * as schema from './schema/index.ts'

export function createPostgresDb(url: string, max = 10): Database {
  // onnotice: silence "already exists" notices from idempotent DDL.
  const client = postgres(url, { max, onnotice: () => {} })
  const db = drizzle(client, { schema }) as unknown as Db
  return { db, kind: 'postgres', url, close: () => client.end({ timeout: 5 }) }
}
