/**
 * @module core/errors
 * The one error base of the pure core. Each part narrows `code` to its own closed union, so
 * callers (and tests) branch on a stable code, never on a message.
 */
export class CoreError<Code extends string = string> extends Error {
  readonly code: Code
  /** The input field or element at fault, when one can be named. */
  readonly field: string | undefined

  constructor(code: Code, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.field = options?.field
  }
}
