/**
 * @module platform/health/health
 * Readiness probes for /readyz: the query lives here so route files never touch the database
 * layer (docs/ARCHITECTURE.md, import direction).
 */
import { sql } from 'drizzle-orm'
import type { Db } from '../db/index.ts'

/** Resolves once the database answers a trivial query; rejects with the driver's error. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`)
}
