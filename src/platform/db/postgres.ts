/** Postgres through postgres.js (Node, and Workers with nodejs_compat). */
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import type { Database, Db } from './client.ts'
import { guardTransactions } from './postgres-guard.ts'
import * as schema from './schema/index.ts'

/**
 * Seconds before a closed connection reconnects, after `retries` failed connections in a row.
 * postgres.js's default grows to 10–20 s after seven (shared by the whole pool, so one restart of
 * the server that drops ten connections reaches it): the pool then stalls long after the server
 * is back. A short, capped wait instead: a query meeting a down server fails fast (503) anyway.
 */
const reconnectDelay = (retries: number) => Math.min(0.02 * 2 ** retries, 0.5)

/**
 * `target`: a postgres:// URL, or the Unix socket of the embedded database's host
 * (db/embedded), which speaks the same protocol.
 */
export function createPostgresDb(target: string | { socket: string }, max = 10): Database {
  const options = {
    max,
    // onnotice: silence "already exists" notices from idempotent DDL.
    onnotice: () => {},
    backoff: reconnectDelay,
    // An unreachable host (a failover in progress) answers 503 in seconds, not after 30 s.
    connect_timeout: 5,
    // No query of its own on each new connection: postgres.js runs the array-type lookup
    // un-awaited, so a connection cut during it was an unhandled rejection (a process exit).
    // drizzle parses and writes array columns itself, and raw SQL passes arrays as literals.
    fetch_types: false,
  }
  const client =
    typeof target === 'string'
      ? postgres(target, options)
      : postgres({ ...options, path: target.socket, user: 'postgres', database: 'postgres' })
  const db = drizzle(guardTransactions(client), { schema }) as unknown as Db
  const url = typeof target === 'string' ? target : undefined
  return { db, kind: 'postgres', url, close: () => client.end({ timeout: 5 }) }
}
