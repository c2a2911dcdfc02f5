/**
 * The Content-Security-Policy of the pages (CSP Level 3), in one place: the server sends it and
 * the build writes it into the release manifest (docs/RELEASES.md), so a monitor can compare
 * what a page is served with against what was logged. Every page but the verifier gets `PAGE`;
 * the verifier may also fetch the trust material and ledger of other Vigil deployments (a venue
 * may trust several), so its connect-src adds `https:` (and loopback on a development
 * deployment). Scripts stay 'self' everywhere.
 */
export type Directives = Readonly<Record<string, readonly string[]>>

export const PAGE_CSP: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
}

/** The verifier's policy; `loopback` adds development deployments on this machine. */
export function verifierCsp(loopback: boolean): Directives {
  const local = loopback ? ['http://localhost:*', 'http://127.0.0.1:*'] : []
  return { ...PAGE_CSP, 'connect-src': ["'self'", 'https:', ...local] }
}

/** The header value: `name value value; name value` (CSP3 §2.2 serialisation). */
export function serializeCsp(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ')
}

/**
 * Integrity-Policy (W3C SRI Level 2 draft, shipped in Chromium 138): scripts without integrity
 * metadata are blocked. Module preloads with `integrity` satisfy the module graph's imports.
 */
export const INTEGRITY_POLICY = 'blocked-destinations=(script)'
