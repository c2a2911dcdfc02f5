/**
 * @module entry/context
 * The one place a `ServiceContext` is built from real parts — for `vigil serve`, every CLI
 * command, the Worker, the exposure simulator, tests and benchmarks: database → key store
 * (keys created under the store's lock when asked) → the ledger → the context.
 */
import type { Config } from '../platform/config/index.ts'
import {
  type Actor,
  type Clock,
  type Logger,
  type Random,
  type ServiceContext,
  systemClock,
  systemRandom,
} from '../platform/context/index.ts'
import type { Database } from '../platform/db/index.ts'
import { type KeyCrypto, KeyStore } from '../platform/keys/index.ts'
import { announceIssuerKey } from '../services/credentials/index.ts'
import { Ledger, type LedgerOptions, refusingLedger } from '../services/ledger/index.ts'

export interface ContextParts {
  database: Database
  config: Config
  masterKey: Uint8Array
  logger: Logger
  /** Default: the system clock. Tests fix it. */
  clock?: Clock
  /** Default: the platform's CSPRNG. Tests seed it. */
  random?: Random
  /** Seals and signatures: WebCrypto by default, node:crypto on Node (platform/node-crypto). */
  keyCrypto?: KeyCrypto
  /**
   * `announce`: create missing keys, a new issuer key committed with its log announcement (every
   * Node process); `create`: create missing keys without announcing them (tests that count log
   * entries); `existing`: create nothing (the Worker: keys are made from Node).
   */
  keys: 'announce' | 'create' | 'existing'
  /**
   * `writer`: this process appends to the log (opens it, signing the empty-tree checkpoint on
   * first start); `refusing`: appends answer LEDGER_UNAVAILABLE (the Worker swaps in its
   * per-request writer, entry/worker-ledger.ts).
   */
  ledger: { kind: 'writer'; options?: LedgerOptions } | { kind: 'refusing' }
  /** Who acts outside a request: the operator's command line for CLI commands. */
  actor?: Actor
}

export interface BuiltContext {
  ctx: ServiceContext
  /** The log writer, to close on shutdown (and for its witness collector); absent if refusing. */
  ledger: Ledger | undefined
  /** Ids of keys this call created. */
  createdKeys: string[]
}

export async function buildContext(parts: ContextParts): Promise<BuiltContext> {
  const { database, config, logger } = parts
  const clock = parts.clock ?? systemClock
  const random = parts.random ?? systemRandom
  const keys = new KeyStore({
    db: database.db,
    masterKey: parts.masterKey,
    random,
    logName: config.logOrigin,
    ...(parts.keyCrypto === undefined ? {} : { crypto: parts.keyCrypto }),
    now: () => clock.now(),
  })
  const createdKeys =
    parts.keys === 'existing'
      ? []
      : await keys.ensureKeys(parts.keys === 'announce' ? announceIssuerKey(clock) : undefined)
  const base = {
    db: database.db,
    dbKind: database.kind,
    clock,
    random,
    keys,
    config,
    logger,
    actor: parts.actor,
    role: undefined,
    requestId: undefined,
  }
  if (parts.ledger.kind === 'refusing')
    return {
      ctx: { ...base, ledger: refusingLedger(config.logOrigin) },
      ledger: undefined,
      createdKeys,
    }
  const ledger = await Ledger.open(base, parts.ledger.options)
  return { ctx: { ...base, ledger }, ledger, createdKeys }
}
