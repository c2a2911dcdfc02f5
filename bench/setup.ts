/**
 * Bench wiring: a fresh database per run (dropped afterwards, like test/helpers/db.ts), the
 * service context and Ledger built the way src/entry/runtime.ts builds them for `vigil serve`.
 */
import postgres from 'postgres'
import { buildContext } from '../src/entry/context.ts'
import { parseConfig } from '../src/platform/config/config.ts'
import { jsonLogger, type ServiceContext } from '../src/platform/context/context.ts'
import { createDb, type Database } from '../src/platform/db/client.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { nodeKeyCrypto } from '../src/platform/node-crypto/key-crypto.ts'
import type { Ledger } from '../src/services/ledger/ledger.ts'
import type { SequencerOptions } from '../src/services/ledger/sequencer.ts'

export type Engine = 'postgres' | 'pglite'

/** The app's public URL (the log origin is derived from it). */
export const PUBLIC_URL = 'http://localhost:8787'

export const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDb {
  engine: Engine
  ctx: ServiceContext
  /** The master key sealing this database's keys (a server on it needs the same one). */
  masterKey: Uint8Array
  database: Database
  ledger: Ledger
  /** For postgres: an admin connection to the bench database (for size queries). */
  url?: string
  drop(): Promise<void>
}

export async function openBenchDb(
  engine: Engine,
  options: SequencerOptions = {},
  /** The deployment's public URL (the issuer `iss`; the log origin derives from it). */
  publicUrl = PUBLIC_URL,
): Promise<BenchDb> {
  let database: Database
  let dropDb = async () => {}
  let url: string | undefined
  if (engine === 'pglite') {
    database = await createDb({ kind: 'pglite' })
  } else {
    const name = `vigil_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name}`)
    const u = new URL(DATABASE_URL)
    u.pathname = `/${name}`
    url = u.toString()
    // The same pool as `vigil serve` (createDb's default size).
    database = await createDb({ kind: 'postgres', url })
    dropDb = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    }
  }
  await migrate(database)
  const config = parseConfig({ PUBLIC_URL: publicUrl, VIGIL_LOG_LEVEL: 'silent' })
  const masterKey = crypto.getRandomValues(new Uint8Array(32))
  const built = await buildContext({
    database,
    config,
    masterKey,
    logger: jsonLogger('silent'),
    // As `vigil serve` runs (src/entry/runtime.ts).
    keyCrypto: nodeKeyCrypto,
    keys: 'create',
    ledger: { kind: 'writer', options },
  })
  const { ctx } = built
  const ledger = built.ledger as Ledger
  let dropped = false
  return {
    engine,
    ctx,
    masterKey,
    database,
    ledger,
    url,
    async drop() {
      if (dropped) return
      dropped = true
      await database.close()
      await dropDb()
    },
  }
}
