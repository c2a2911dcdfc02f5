/**
 * @module http/problem
 * RFC 9457 problem details. Every 4xx/5xx Vigil sends is one of these, with a stable `code`
 * (what clients branch on), the `field` at fault when there is one, and the request id.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export const PROBLEM_TYPE_BASE = 'https://vigil.dev/problems/'

export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail?: string
  field?: string
  instance?: string
  requestId?: string
  /** Extension members a protocol requires (RFC 9457 §3.2), e.g. SHL's `remainingAttempts`. */
  [member: string]: string | number | undefined
}

/** Thrown anywhere in the HTTP layer; rendered by the app's error handler. */
export class ProblemError extends Error {
  readonly status: ContentfulStatusCode
  readonly code: string
  readonly field: string | undefined
  readonly headers: Record<string, string>

  constructor(
    status: ContentfulStatusCode,
    code: string,
    detail: string,
    options?: { field?: string; headers?: Record<string, string>; cause?: unknown },
  ) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ProblemError'
    this.status = status
    this.code = code
    this.field = options?.field
    this.headers = options?.headers ?? {}
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export function problemBody(
  status: number,
  code: string,
  detail: string,
  extra: {
    field?: string | undefined
    instance?: string
    requestId?: string | undefined
    members?: Readonly<Record<string, number>> | undefined
  },
): Problem {
  const body: Problem = {
    // Extension members first: the standard members below can never be overwritten by one.
    ...extra.members,
    type: PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-'),
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
  }
  if (extra.field !== undefined) body.field = extra.field
  if (extra.instance !== undefined) body.instance = extra.instance
  if (extra.requestId !== undefined) body.requestId = extra.requestId
  return body
}

export function problemResponse(
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  extra: {
    field?: string | undefined
    instance?: string
    requestId?: string | undefined
    headers?: Record<string, string>
    members?: Readonly<Record<string, number>> | undefined
  },
): Response {
  const headers = new Headers(extra.headers)
  headers.set('content-type', 'application/problem+json')
  headers.set('cache-control', 'no-store')
  return new Response(JSON.stringify(problemBody(status, code, detail, extra)), { status, headers })
}
