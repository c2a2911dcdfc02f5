/**
 * @module platform/db/prepared
 * A hot raw statement as a named prepared statement on postgres.js. drizzle's `execute` sends
 * every statement unnamed, and postgres.js then describes it before binding (a second round trip
 * and a second write per statement: PostgreSQL protocol §55.2.3 Extended Query). A statement
 * whose text does not change with its input (rows travel as one JSON parameter) is parsed once
 * per connection and then only bound and executed. Elsewhere (PGlite in process, a transaction's
 * handle) the statement runs through drizzle as before; the rows are the same.
 */
import type { SQL } from 'drizzle-orm'
import { type Db, rowsOf } from './client.ts'

interface PostgresJsClient {
  unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown>
}

interface WithClient {
  readonly $client?: unknown
  readonly dialect?: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } }
}

/** The postgres.js client behind `db` (a pool, not a transaction), if that is what it is. */
function postgresClient(db: Db): PostgresJsClient | undefined {
  const client = (db as unknown as WithClient).$client as Partial<PostgresJsClient> | undefined
  return typeof client?.unsafe === 'function' && typeof client === 'function'
    ? (client as PostgresJsClient)
    : undefined
}

export async function executePrepared<T>(db: Db, query: SQL): Promise<T[]> {
  const client = postgresClient(db)
  const dialect = (db as unknown as WithClient).dialect
  if (client === undefined || dialect === undefined) return rowsOf<T>(await db.execute(query))
  const { sql, params } = dialect.sqlToQuery(query)
  return rowsOf<T>(await client.unsafe(sql, params, { prepare: true }))
}
