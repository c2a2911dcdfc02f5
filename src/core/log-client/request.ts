/**
 * @module core/log-client/request
 * One GET against the log API: a failure status becomes a LogClientError carrying the RFC 9457
 * problem details the server sent (`code`, `detail`, `field`); a fetch that never answers becomes
 * NETWORK; an unreadable body, BAD_RESPONSE.
 */
import { LogClientError } from './errors.ts'

/**
 * Fetches one URL. Injected so the client does no I/O of its own: the browser's fetch (or one that
 * caches), Node's global fetch, or a Hono app's `request` in tests.
 */
export type LogFetch = (url: string, init?: RequestInit) => Response | Promise<Response>

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

async function failure(res: Response, label: string): Promise<LogClientError> {
  let problem: unknown
  try {
    problem = await res.json()
  } catch {}
  const p = (typeof problem === 'object' && problem !== null ? problem : {}) as Record<
    string,
    unknown
  >
  const detail = text(p.detail)
  const field = text(p.field)
  return new LogClientError(
    text(p.code) ?? `HTTP_${res.status}`,
    `${label} answered ${res.status}${detail === undefined ? '' : `: ${detail}`}`,
    field === undefined ? { status: res.status } : { status: res.status, field },
  )
}

/** GET `url`; `label` names it in messages (the path, without the deployment's address). */
export async function get(fetch: LogFetch, url: string, label: string): Promise<Response> {
  let res: Response
  try {
    res = await fetch(url)
  } catch (cause) {
    throw new LogClientError('NETWORK', `the log did not answer ${label}`, { cause })
  }
  if (res.ok) return res
  throw await failure(res, label)
}

export async function readText(res: Response, label: string): Promise<string> {
  try {
    return await res.text()
  } catch (cause) {
    throw new LogClientError('NETWORK', `the answer to ${label} was cut short`, { cause })
  }
}

export async function readBytes(res: Response, label: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await res.arrayBuffer())
  } catch (cause) {
    throw new LogClientError('NETWORK', `the answer to ${label} was cut short`, { cause })
  }
}

export async function readJson(res: Response, label: string): Promise<unknown> {
  const body = await readText(res, label)
  try {
    return JSON.parse(body) as unknown
  } catch (cause) {
    throw new LogClientError('BAD_RESPONSE', `${label} did not answer JSON`, { cause })
  }
}

/** The `Date` header (RFC 9110 §6.6.1) as POSIX seconds: when the log answered, even for a cached copy. */
export function responseTime(res: Response): number | undefined {
  const date = res.headers.get('date')
  const ms = date === null ? Number.NaN : Date.parse(date)
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000)
}
