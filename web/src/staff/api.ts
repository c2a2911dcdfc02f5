/**
 * The staff API as the pages call it: same-origin JSON requests (the session cookie rides along;
 * the browser adds the Origin header the server checks), and problem+json turned into an error
 * with the stable `code` a person can quote.
 */
import type { Me, Role } from '../../../src/core/api-types/index.ts'
import { t } from '../i18n/index.ts'

export type { Me }

export class ApiError extends Error {
  readonly code: string
  readonly status: number
  /** The request field at fault (problem+json `field`), when the server named one. */
  readonly field: string | undefined

  constructor(code: string, message: string, status: number, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.field = field
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch {
    throw new ApiError('NETWORK', t('staff.network'), 0)
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown
  try {
    data = text === '' ? undefined : JSON.parse(text)
  } catch {
    data = undefined
  }
  if (!res.ok) {
    const problem = (data ?? {}) as { code?: string; detail?: string; field?: string }
    throw new ApiError(
      problem.code ?? `HTTP_${res.status}`,
      problem.detail ?? res.statusText,
      res.status,
      problem.field,
    )
  }
  return data as T
}

/**
 * Any thrown value as words with its code: WebAuthn's DOMExceptions have a name, ours a code. The
 * server's detail stays in its words (English); the code is what support looks up.
 */
export function describe(err: unknown): string {
  if (err instanceof ApiError) return t('staff.error', { message: err.message, code: err.code })
  if (err instanceof Error && err.name === 'NotAllowedError') return t('staff.cancelled')
  if (err instanceof Error)
    return t('staff.error', {
      message: err.message,
      code: 'code' in err ? String(err.code) : err.name,
    })
  return String(err)
}

/** The signed-in person, or undefined when there is no (live) session. */
export async function whoAmI(): Promise<Me | undefined> {
  try {
    return await api<Me>('GET', '/api/staff/me')
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return undefined
    throw err
  }
}

/** The roles, as the server names them (platform/context ROLES; pages import only the core). */
export const ROLES = [
  'admin',
  'issuer',
  'tracer',
  'epidemiologist',
  'auditor',
] as const satisfies readonly Role[]
