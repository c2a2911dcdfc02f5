/**
 * The public log as the page reads it: one core/log-client over this origin. Everything the
 * server says is untrusted until checked: the checkpoint by its signature, tiles by the verified
 * root. HTTP failures are the client's LogClientError; this page's own checks throw PageError.
 */
import { createLogClient } from '../../../src/core/log-client/index.ts'

export const log = createLogClient('', (url) => fetch(url))

/** A failed check of the page's own, with the stable `code` a person can quote. */
export class PageError extends Error {
  readonly code: string
  readonly field: string | undefined

  constructor(code: string, message: string, options: { field?: string } = {}) {
    super(message)
    this.name = 'PageError'
    this.code = code
    this.field = options.field
  }
}

/** Any thrown value as `{ code, message }`: core and client errors carry a code, others get one. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return { code: err.code, message: err instanceof Error ? err.message : String(err) }
  }
  return { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) }
}
