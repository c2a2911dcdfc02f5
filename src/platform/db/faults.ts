/**
 * @module platform/db/faults
 * One answer to "is this error the database being unreachable?" — a lost or refused connection, a
 * server shutting down or restarting, a full server — as opposed to a bad query or bad data. The
 * HTTP layer turns such an error into 503 with Retry-After; background jobs retry sooner.
 */

/** postgres.js's own errors for a connection that closed under a query (its `errors.js`). */
const DRIVER_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED'])

/** Socket-level errors from Node (a reset, refused, unreachable or unresolvable server). */
const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * SQLSTATEs (PostgreSQL, Appendix A) the server sends as it drops the session: 57P01
 * admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P05
 * idle_session_timeout; and class 08, connection exception.
 */
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P05'])

/**
 * Unavailable, though the connection may live on: 57P03 cannot_connect_now (starting up, or a
 * standby being promoted), class 53 insufficient resources (53300 too_many_connections), and
 * postgres.js's CONNECT_TIMEOUT.
 */
const BUSY_CODES = new Set(['57P03', 'CONNECT_TIMEOUT'])

/** PGlite's messages once the embedded database is closing or closed (shutdown, a failed boot). */
const PGLITE_MESSAGES = new Set(['PGlite is closed', 'PGlite is closing'])

/** How deep to follow `cause` (drizzle wraps driver errors in DrizzleQueryError). */
const MAX_DEPTH = 5

const codeOf = (err: object): string | undefined => {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

function lost(err: object): boolean {
  const code = codeOf(err)
  if (code === undefined) return false
  return (
    DRIVER_LOST.has(code) ||
    SOCKET_CODES.has(code) ||
    LOST_SQLSTATES.has(code) ||
    /^08[0-9A-Z]{3}$/.test(code)
  )
}

function unavailable(err: object): boolean {
  if (lost(err)) return true
  const code = codeOf(err)
  if (code !== undefined && (BUSY_CODES.has(code) || /^53[0-9A-Z]{3}$/.test(code))) return true
  const message = (err as { message?: unknown }).message
  return typeof message === 'string' && PGLITE_MESSAGES.has(message)
}

function anyInChain(err: unknown, test: (e: object) => boolean): boolean {
  let current: unknown = err
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (typeof current !== 'object' || current === null) return false
    if (test(current)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** True when `err`, or an error it wraps, means the database cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return anyInChain(err, unavailable)
}

/** True when `err` says the connection it ran on is gone (not merely a busy or full server). */
export function isConnectionLost(err: unknown): boolean {
  return anyInChain(err, lost)
}

/** Seconds a client should wait before trying again (RFC 9110 §10.2.3 Retry-After). */
export const DATABASE_RETRY_AFTER_S = 2
