/** Helpers for credential tests: tokens, requests, and trust material read from the app itself. */

import type { ShcTrust } from '../../src/core/shc/index.ts'
import type { Role } from '../../src/platform/context/context.ts'
import { createApiToken } from '../../src/services/staff/index.ts'
import type { TestApp } from './app.ts'

export async function tokenFor(t: TestApp, roles: Role[]): Promise<string> {
  const expiresAt = new Date(t.ctx.clock.now().getTime() + 86_400_000)
  return (await createApiToken(t.ctx, { name: `test ${roles.join(',')}`, roles, expiresAt })).token
}

export function api(t: TestApp, token?: string) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    ...extra,
  })
  return {
    post: (path: string, body: unknown, type = 'application/json') =>
      t.app.request(path, {
        method: 'POST',
        headers: headers({ 'content-type': type }),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path: string) => t.app.request(path, { headers: headers() }),
    delete: (path: string) => t.app.request(path, { method: 'DELETE', headers: headers() }),
  }
}

/** Trust material resolved through the app's own /.well-known endpoints (a loopback issuer). */
export function selfTrust(t: TestApp): ShcTrust {
  const base = t.ctx.config.publicUrl
  return {
    allowLoopbackHttp: true,
    resolveIssuerKeys: async (iss) =>
      iss === base ? (await t.app.request('/.well-known/jwks.json')).json() : undefined,
    resolveCrl: async (_iss, kid) => (await t.app.request(`/.well-known/crl/${kid}.json`)).json(),
  }
}

export const immunization = (overrides: Record<string, unknown> = {}) => ({
  type: 'immunization',
  patient: { givenNames: ['Anne', 'Marie'], familyName: 'Jansen', birthDate: '1985-03-14' },
  immunizations: [
    { code: '208', date: '2021-05-01', lotNumber: 'EW0182', performer: 'GGD Amsterdam' },
    { code: '208', date: '2021-05-29', lotNumber: 'EW0191', performer: 'GGD Amsterdam' },
  ],
  region: 'NL-NH',
  ...overrides,
})

export const testResult = (overrides: Record<string, unknown> = {}) => ({
  type: 'test',
  patient: { givenNames: ['Piet'], familyName: 'de Vries', birthDate: '1970' },
  test: { code: '94558-4', date: '2026-11-23', result: '260415000' },
  region: 'NL-UT',
  ...overrides,
})

/** Letters from a fixed linear congruential sequence: text DEFLATE cannot shrink much. */
function noise(length: number, seed: number): string {
  let s = seed
  return Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return String.fromCharCode(97 + (s % 26))
  }).join('')
}

/**
 * A vaccination history whose card is longer than one QR holds (over 1,195 JWS characters, SHC
 * 1.4): incompressible names, since DEFLATE would shrink repeated letters into a QR that fits.
 */
export const longHistory = () =>
  immunization({
    patient: {
      givenNames: Array.from({ length: 10 }, (_, i) => noise(100, i + 1)),
      familyName: noise(100, 99),
      birthDate: '1985-03-14',
    },
    immunizations: Array.from({ length: 20 }, (_, i) => ({
      code: '208',
      date: `2021-0${1 + (i % 9)}-1${i % 9}`,
      lotNumber: `L${i}`.padEnd(20, 'X'),
      performer: `Clinic ${i}`.padEnd(29, 'Y'),
    })),
  })
