/**
 * @module platform/context/context
 * What services receive instead of importing I/O (docs/ARCHITECTURE.md). Only src/entry builds
 * real ones; tests build their own with a fixed clock and seeded randomness.
 */
import type { Config } from '../config/index.ts'
import type { Db } from '../db/index.ts'
import { ServiceError } from '../errors/index.ts'
import type { KeyStore } from '../keys/index.ts'
import type { LedgerPort } from './ledger-port.ts'

export interface Clock {
  now(): Date
}

export type Random = (length: number) => Uint8Array

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

export const ROLES = ['admin', 'issuer', 'tracer', 'epidemiologist', 'auditor'] as const
export type Role = (typeof ROLES)[number]

/**
 * Who is acting: a staff member signed in with a passkey, a records system's API token, or the
 * deployment itself (a CLI command run by its operator, a timer).
 */
export interface Actor {
  kind: 'staff' | 'token' | 'system'
  /** Staff user id or token id: what the audit trail records. */
  id: string
  name: string
  roles: readonly Role[]
}

/**
 * What every service verb receives as its first argument: `verb(ctx, input)`. Built by one
 * function (`src/entry/context.ts`) for the Node server, the Worker, the CLI, tests and
 * benchmarks; the HTTP layer makes a per-request copy carrying the actor and request id.
 */
export interface ServiceContext {
  readonly db: Db
  readonly dbKind: 'pglite' | 'postgres'
  /** The only source of time for services (tests fix it). */
  readonly clock: Clock
  /** The only source of randomness for services (tests seed it). */
  readonly random: Random
  readonly keys: KeyStore
  readonly config: Config
  readonly logger: Logger
  readonly ledger: LedgerPort
  /** Who acts; undefined for an anonymous request. */
  readonly actor: Actor | undefined
  /** The role the route let the request through with (recorded in the audit trail). */
  readonly role: Role | undefined
  /** The HTTP request's id (quoted in errors and the audit trail); undefined outside a request. */
  readonly requestId: string | undefined
}

/** The operator's command line: `vigil tokens create`, `vigil import`, … (all roles). */
export const COMMAND_LINE: Actor = {
  kind: 'system',
  id: 'cli',
  name: 'vigil command line',
  roles: ROLES,
}

/**
 * The actor of a verb that needs one (the route's requireRole has let only actors through; a
 * service called without one is refused, not trusted).
 */
export function requireActor(ctx: Pick<ServiceContext, 'actor'>): Actor {
  if (ctx.actor === undefined) throw new ServiceError('UNAUTHENTICATED', 'no one is signed in')
  return ctx.actor
}

export const systemClock: Clock = { now: () => new Date() }

/**
 * Random bytes from the platform's CSPRNG (WebCrypto getRandomValues), drawn 4 KiB at a time and
 * handed out once each: an issuance asks for a dozen small pieces (ids, nonces, data keys), and
 * one call per piece was a measurable share of its CPU on Node (each a call into OpenSSL), as
 * Node's own randomUUID pools for the same reason. Large requests go straight to the source.
 */
const POOL_BYTES = 4096
let pool = new Uint8Array(0)
let pooled = 0

export const systemRandom: Random = (length) => {
  if (length > 256) return crypto.getRandomValues(new Uint8Array(length))
  if (pooled + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES))
    pooled = 0
  }
  const out = pool.slice(pooled, pooled + length)
  // Handed out bytes are not kept: a later copy of the pool holds nothing already given.
  pool.fill(0, pooled, pooled + length)
  pooled += length
  return out
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const

/**
 * JSON lines on stdout/stderr. Callers pass no personal data: request logs carry method, route,
 * status, duration and request id, never IP addresses, user agents or bodies.
 */
export function jsonLogger(level: Config['logLevel'], write = console.log): Logger {
  const min = LEVELS.indexOf(level)
  const at = (name: (typeof LEVELS)[number]) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(name) < min) return
    write(JSON.stringify({ time: new Date().toISOString(), level: name, msg, ...fields }))
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
