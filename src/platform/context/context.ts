/**
 * @module platform/context/context
 * What services receive instead of importing I/O (docs/ARCHITECTURE.md). Only src/entry builds
 * real ones; tests build their own with a fixed clock and seeded randomness.
 */
import type { Config } from '../config/index.ts'
import type { Db } from '../db/index.ts'
import type { KeyStore } from '../keys/index.ts'

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

/** Who is acting: a staff member signed in with a passkey, or a records system's API token. */
export interface Actor {
  kind: 'staff' | 'token'
  /** Staff user id or token id: what the audit trail records. */
  id: string
  name: string
  roles: readonly Role[]
}

export interface ServiceContext {
  db: Db
  dbKind: 'pglite' | 'postgres'
  clock: Clock
  random: Random
  keys: KeyStore
  config: Config
  logger: Logger
}

export const systemClock: Clock = { now: () => new Date() }

export const systemRandom: Random = (length) => crypto.getRandomValues(new Uint8Array(length))

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
