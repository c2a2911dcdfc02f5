/**
 * Node-side wiring shared by `vigil serve` and the other commands: config → database (migrated)
 * → key store → service context. The only place, with worker.ts, that builds real dependencies.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Config, ConfigError, parseConfig } from '../config/config.ts'
import { jsonLogger, type ServiceContext, systemClock, systemRandom } from '../context.ts'
import { announceIssuerKeys } from '../credentials/issuer.ts'
import { createDb, type Database } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { nodeKeyCrypto } from '../keys/node-crypto.ts'
import { KeyStore } from '../keys/store.ts'
import { Ledger } from '../ledger/ledger.ts'
import { resolveMasterKey } from './master-key.ts'

export const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version

/** Parses the environment, or prints one line naming the variable and exits. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
}

export function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl !== undefined)
    return createDb({ kind: 'postgres', url: config.databaseUrl })
  // PGlite creates its own directory, not the parents (absent when VIGIL_MASTER_KEY is set).
  mkdirSync(config.dataDir, { recursive: true })
  return createDb({ kind: 'pglite', dataDir: join(config.dataDir, 'db') })
}

export interface Runtime {
  ctx: ServiceContext
  database: Database
  ledger: Ledger
}

export async function startRuntime(
  config: Config,
  /** `witnesses`: collect cosignatures (serve only; one-shot commands leave it to the server). */
  options: { migrate: boolean; witnesses?: boolean },
): Promise<Runtime> {
  const logger = jsonLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`))
  const masterKey = resolveMasterKey(config, logger)
  const database = await openDatabase(config)
  if (options.migrate) await migrate(database)
  const keys = new KeyStore({
    db: database.db,
    masterKey,
    random: systemRandom,
    logName: config.logOrigin,
    crypto: nodeKeyCrypto,
  })
  const created = await keys.ensureKeys()
  for (const id of created) logger.warn(`generated a new signing key ${id}`)
  const ctx: ServiceContext = {
    db: database.db,
    dbKind: database.kind,
    clock: systemClock,
    random: systemRandom,
    keys,
    config,
    logger,
  }
  // Opens the log: loads its key and signs the empty-tree checkpoint on first start.
  const ledger = await Ledger.open(ctx, { witnesses: options.witnesses === true })
  // Each new issuer key is announced in the ledger, so a key that appears without an entry is suspect.
  await announceIssuerKeys(ctx, ledger, created)
  return { ctx, database, ledger }
}
