/**
 * @module platform/db/client
 * One factory for both engines: PGlite (embedded, the default: a data directory or in memory) and
 * Postgres through postgres.js. Never a module-level client: Workers need one per request (workerd
 * refuses I/O objects made for another request), and tests want one per file. The Worker imports
 * ./postgres.ts directly, so PGlite's WASM never enters its bundle.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type * as schema from './schema/index.ts'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>

export type DbTarget =
  | { kind: 'postgres'; url: string; max?: number }
  /** `dataDir` absent: in memory. */
  | { kind: 'pglite'; dataDir?: string }

export interface Database {
  db: Db
  kind: DbTarget['kind']
  /** The Postgres URL (for tools that need their own connection, such as the migrator). */
  url?: string
  /** Migrations were applied when it opened (the embedded database's host does that). */
  migrated?: boolean
  close(): Promise<void>
}

export async function createDb(target: DbTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const { createPostgresDb } = await import('./postgres.ts')
    return createPostgresDb(target.url, target.max)
  }
  const { createPgliteDb } = await import('./pglite.ts')
  return createPgliteDb(target.dataDir)
}

/**
 * Rows of a raw `db.execute(sql…)`: postgres.js returns an array, PGlite `{ rows }`. Raw int8
 * differs too (string on postgres.js, number or bigint on PGlite): convert with `toBigInt`.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}

export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' || typeof value === 'string') return BigInt(value)
  throw new TypeError(`not an integer: ${String(value)}`)
}
