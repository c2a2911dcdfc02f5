/**
 * @module core/shc/issuer-url
 * The `iss` claim (§Health Card payload, §Determining keys): an https URL without a trailing '/'
 * (keys live at `<iss>/.well-known/jwks.json`). A query, fragment or user-info would make that
 * URL ambiguous, so they are refused too.
 */
import { ShcError } from './errors.ts'

const MAX_ISS_LENGTH = 2048

function reject(message: string): ShcError {
  return new ShcError('SHC_ISSUER_URL', message, { field: 'iss' })
}

const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$/

/**
 * True for exactly `http://localhost`, `http://127.0.0.1` or `http://[::1]`, with an optional
 * port and nothing after it: a development deployment on this machine (never a real issuer). The
 * one loopback test: pass `new URL(u).origin` to ask it of a URL that may carry a path.
 */
export function isLoopbackHttpOrigin(url: string): boolean {
  return LOOPBACK.test(url)
}

export interface IssuerUrlOptions {
  /** Accept `http://localhost[:port]` (development only; off unless the caller opts in). */
  readonly allowLoopbackHttp?: boolean
}

export function checkIssuerUrl(iss: unknown, options: IssuerUrlOptions = {}): string {
  if (typeof iss !== 'string' || iss.length === 0 || iss.length > MAX_ISS_LENGTH) {
    throw reject('iss must be a URL string')
  }
  if (options.allowLoopbackHttp === true && isLoopbackHttpOrigin(iss)) return iss
  if (!iss.startsWith('https://')) throw reject('iss must use https')
  if (iss.endsWith('/')) throw reject('iss must not end with "/"')
  let url: URL
  try {
    url = new URL(iss)
  } catch (cause) {
    throw new ShcError('SHC_ISSUER_URL', 'iss is not a URL', { field: 'iss', cause })
  }
  if (/[?#\s]/.test(iss) || url.username !== '' || url.password !== '') {
    throw reject('iss must not carry a query, fragment, whitespace or credentials')
  }
  return iss
}
