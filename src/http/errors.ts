/**
 * @module http/errors
 * The one place where errors become HTTP responses (problem+json). A client mistake is never a
 * 500; an unexpected failure is a 500 that says nothing internal and is logged with its id.
 * A browser asking for a page outside /api/ gets the same status as HTML (./error-page.ts).
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { CoreError } from '../core/errors.ts'
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../platform/db/index.ts'

export { DATABASE_RETRY_AFTER_S }

import { ServiceError } from '../platform/errors/index.ts'
import type { AppEnv } from './env.ts'
import { respondError } from './error-page.ts'
import { ProblemError, problemResponse } from './problem.ts'
import { SERVICE_STATUS } from './status.ts'

/**
 * The body could not be read because the client disconnected: Node raises `ECONNRESET` with the
 * message "aborted" from the request stream, and the request's signal is aborted. A database
 * socket reset is also `ECONNRESET` (message "read ECONNRESET", syscall "read"): that one is the
 * database's fault, a 503, and must not be taken for the client's.
 */
function clientWentAway(err: Error, c: Context<AppEnv>): boolean {
  if (c.req.raw.signal?.aborted === true) return true
  const e = err as { code?: unknown; syscall?: unknown }
  return e.code === 'ECONNRESET' && err.message === 'aborted' && e.syscall === undefined
}

export function handleError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get('requestId')
  const instance = new URL(c.req.url).pathname
  const base = { requestId, instance }
  if (err instanceof ProblemError) {
    return respondError(c, err.status, err.code, err.message, {
      ...base,
      field: err.field,
      headers: err.headers,
    })
  }
  if (err instanceof ServiceError) {
    const status = SERVICE_STATUS[err.code]
    // A refusal is routine; a 5xx from a service (back-pressure, not ready) is worth a warning.
    c.get('ctx')?.logger[status >= 500 ? 'warn' : 'debug']('request refused', {
      code: err.code,
      requestId,
    })
    return respondError(c, status, err.code, err.message, {
      ...base,
      field: err.field,
      headers: err.retryAfter === undefined ? {} : { 'retry-after': String(err.retryAfter) },
      members: err.members,
    })
  }
  if (err instanceof CoreError) {
    // The pure core rejects untrusted input with a code; reaching here means a request carried it.
    return respondError(c, 400, err.code, err.message, { ...base, field: err.field })
  }
  if (clientWentAway(err, c)) {
    // Routine (a closed tab, a dropped connection): one line, no stack. Nobody reads the answer.
    c.get('ctx')?.logger.debug('client closed the request', { requestId, instance })
    return respondError(c, 400, 'REQUEST_ABORTED', 'the client closed the request', base)
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode
    return respondError(c, status, `HTTP_${status}`, err.message || 'request failed', base)
  }
  if (isDatabaseUnavailable(err)) {
    // Not the client's fault nor a bug: the database is restarting, failing over or full.
    c.get('ctx')?.logger.warn('database unavailable', { requestId, message: err.message })
    return databaseUnavailable(base)
  }
  c.get('ctx')?.logger.error('unhandled error', {
    requestId,
    error: err.name,
    message: err.message,
    stack: err.stack,
  })
  return respondError(
    c,
    500,
    'INTERNAL',
    'an unexpected error occurred; quote the request id',
    base,
  )
}

/** 503 with Retry-After (RFC 9110 §15.6.4, §10.2.3): the database cannot be reached now. */
export function databaseUnavailable(base: {
  requestId?: string | undefined
  instance?: string
}): Response {
  return problemResponse(503, 'DATABASE_UNAVAILABLE', 'the database is not reachable; try again', {
    ...base,
    headers: { 'retry-after': String(DATABASE_RETRY_AFTER_S) },
  })
}
