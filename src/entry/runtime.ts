/**
 * Node-side wiring shared by `vigil serve` and the other commands: config → database (migrated)
 * → key store → service context. The only place, with worker.ts, that builds real dependencies.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { type Config, ConfigError, parseConfig } from '../platform/config/index.ts'
import { COMMAND_LINE, jsonLogger, type ServiceContext } from '../platform/context/index.ts'
import {
  createDb,
  type Database,
  MIGRATIONS_DIR,
  migrate,
  openEmbedded,
} from '../platform/db/index.ts'
import { applyIdentity, establishIdentity } from '../platform/deployment/index.ts'
import {
  installNodeDeflate,
  installNodeSha256,
  nodeKeyCrypto,
} from '../platform/node-crypto/index.ts'
import { announceMissingIssuerKeys } from '../services/credentials/index.ts'
import type { Ledger } from '../services/ledger/index.ts'
import { buildContext } from './context.ts'
import { resolveMasterKey } from './master-key.ts'

// The server and every command hash through node:crypto and deflate through node:zlib (issue
// 23), not the pure fallbacks the browser and Workers keep.
installNodeSha256()
installNodeDeflate()

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

/** How this process uses the embedded database (db/embedded): `vigil serve` hosts it. */
export interface ProcessRole {
  role?: 'serve' | 'command'
  /** How other processes that wait for this one name it. Default: `vigil <command>`. */
  label?: string
}

/** How long a process waits for another to let go of the embedded database's directory. */
const EMBEDDED_WAIT_MS = 120_000

export function openDatabase(config: Config, who: ProcessRole = {}): Promise<Database> {
  if (config.databaseUrl !== undefined)
    return createDb({ kind: 'postgres', url: config.databaseUrl })
  // PGlite creates its own directory, not the parents (absent when VIGIL_MASTER_KEY is set).
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const role = who.role ?? 'command'
  return openEmbedded({
    dataDir: config.dataDir,
    role,
    label: who.label ?? `vigil ${process.argv.slice(2, 4).join(' ')}`.trim(),
    migrationsFolder: MIGRATIONS_DIR,
    waitMs: EMBEDDED_WAIT_MS,
    onWait: (message) => process.stderr.write(`${message}\n`),
  })
}

export interface Runtime {
  ctx: ServiceContext
  database: Database
  ledger: Ledger
}

export async function startRuntime(
  environment: Config,
  /** `witnesses`: collect cosignatures (serve only; one-shot commands leave it to the server). */
  options: { migrate: boolean; witnesses?: boolean } & ProcessRole,
): Promise<Runtime> {
  const logger = jsonLogger(environment.logLevel, (line) => process.stderr.write(`${line}\n`))
  const masterKey = resolveMasterKey(environment, logger)
  const database = await openDatabase(environment, options)
  try {
    if (options.migrate) await migrate(database)
    // The deployment's identity: recorded by the first process, read by every later one; an
    // environment that names another URL or origin is refused here, before anything is signed.
    const { identity, created: recorded } = await establishIdentity(
      database.db,
      { publicUrl: environment.publicUrl, logOrigin: environment.logOrigin },
      environment.claims,
    )
    if (recorded)
      logger.info(
        `recorded this deployment's identity: ${identity.publicUrl}, log ${identity.logOrigin}`,
      )
    const config = applyIdentity(environment, identity)
    const { ctx, ledger, createdKeys } = await buildContext({
      database,
      config,
      masterKey,
      logger,
      keyCrypto: nodeKeyCrypto,
      // A new issuer key is created together with its announcement in the log's pending entries.
      keys: 'announce',
      // Opens the log: loads its key and signs the empty-tree checkpoint on first start.
      ledger: { kind: 'writer', options: { witnesses: options.witnesses === true } },
      ...(options.role === 'serve' ? {} : { actor: COMMAND_LINE }),
    })
    for (const id of createdKeys) logger.warn(`generated a new signing key ${id}`)
    if (ledger === undefined) throw new Error('a Node process writes the log')
    // Integrates pending announcements, and announces any issuer key the log does not have.
    for (const id of await announceMissingIssuerKeys(ctx))
      logger.warn(`issuer key ${id} was not in the log: announced it now`)
    return { ctx, database, ledger }
  } catch (err) {
    await database.close()
    throw err
  }
}
