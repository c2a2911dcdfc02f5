/**
 * @module platform/errors/errors
 * The domain layer's one error class. Services throw it; `http/errors.ts` maps it to
 * problem+json in exactly one place.
 */
export type ServiceErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'VALIDATION'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'GONE'

export class ServiceError extends Error {
  readonly code: ServiceErrorCode
  readonly field: string | undefined

  constructor(
    code: ServiceErrorCode,
    message: string,
    options?: { field?: string; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ServiceError'
    this.code = code
    this.field = options?.field
  }
}

/**
 * The VALIDATION error for input a service re-parses with zod (the CLI and batch rows reach
 * services without the HTTP layer's schema): the first issue's message and dotted field path.
 */
export function validationError(
  issues: readonly { message: string; path: readonly PropertyKey[] }[],
  fallback: string,
): ServiceError {
  const issue = issues[0]
  return new ServiceError('VALIDATION', issue?.message ?? fallback, {
    field: issue?.path.map(String).join('.') || undefined,
  })
}
