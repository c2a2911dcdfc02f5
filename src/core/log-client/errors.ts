/**
 * @module core/log-client/errors
 * The one error of reading a log over HTTP. It is an I/O failure, not a verdict on the data, so
 * it is deliberately not a CoreError: callers that turn core codes into verdicts (core/verify)
 * must not mistake a server's code for one of their own.
 */

export type LogClientErrorCode =
  /** No answer at all: offline, name not resolved, connection refused, blocked by CORS. */
  | 'NETWORK'
  /** An answer that is not what the log API serves: not JSON, a field missing or malformed. */
  | 'BAD_RESPONSE'
  /** A failure status whose body named no problem `code`. */
  | `HTTP_${number}`

export class LogClientError extends Error {
  /**
   * The problem+json `code` the server gave (an RFC 9457 §3.2 extension member), so a person can
   * quote the server's own code; otherwise one of LogClientErrorCode.
   */
  readonly code: string
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined
  /** The problem+json `field` at fault, when the server named one. */
  readonly field: string | undefined

  constructor(
    code: string,
    message: string,
    options: { status?: number; field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LogClientError'
    this.code = code
    this.status = options.status
    this.field = options.field
  }
}
