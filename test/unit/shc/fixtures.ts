/**
 * Test-only helpers for SMART Health Cards: pinned evaluation times, a trust resolver over the
 * `shc/issuers/` URL mirror in test/vectors (files by path, never the network), fresh ES256
 * issuers, and ShcError code assertions.
 */
import { existsSync, readFileSync } from 'node:fs'
import { CompactSign, exportJWK } from 'jose'
import { expect } from 'vitest'
import {
  computeKid,
  ShcError,
  type ShcErrorCode,
  type ShcKeyPair,
  type ShcTrust,
} from '../../../src/core/shc/index.ts'
import { VECTORS_DIR } from '../../helpers/vectors.ts'

/** 2024-06-01: spec examples (nbf 2024-05-07) valid, example-03 (exp 2025-05-07) not expired. */
export const SPEC_AT = 1_717_200_000
/** 2022-05-31: the instant the dev-tools suite pins (and the x5c chains are unexpired). */
export const DEVTOOLS_AT = 1_653_955_200
/** "now" in expected.json, pinned so tests do not age: 2026-11-01T00:00:00Z. */
export const NOW = 1_793_491_200

export const SPEC_ISS = 'https://spec.smarthealth.cards/examples/issuer'
export const SPEC_KID = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s'

/**
 * An `https://HOST/PATH` issuer maps to `<root>HOST/PATH/.well-known/…` (vectors README). The
 * iss comes from attacker-controlled cards: dot segments and odd characters resolve to nothing.
 */
function mirrorFile(root: string, iss: string, file: string): string | undefined {
  const rest = iss.slice('https://'.length)
  if (!/^[A-Za-z0-9._~/-]+$/.test(rest) || rest.split('/').some((s) => s === '.' || s === '..')) {
    return undefined
  }
  const path = `${VECTORS_DIR}${root}${rest}/.well-known/${file}`
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/** Trust over a mirror root such as `shc/issuers/`; key sets and CRLs are handed over as text. */
export function mirrorTrust(root = 'shc/issuers/'): ShcTrust {
  return {
    resolveIssuerKeys: async (iss) => mirrorFile(root, iss, 'jwks.json'),
    resolveCrl: async (iss, kid) => mirrorFile(root, iss, `crl/${kid}.json`),
  }
}

export interface FreshIssuer {
  readonly keyPair: ShcKeyPair
  readonly kid: string
  readonly jwks: { keys: Record<string, unknown>[] }
  /** Trust that knows only this issuer, at `iss`. */
  readonly trust: ShcTrust
}

export async function createFreshIssuer(iss = SPEC_ISS, extra = {}): Promise<FreshIssuer> {
  const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const { x, y } = await exportJWK(keyPair.publicKey)
  const kid = await computeKid(keyPair.publicKey)
  const jwks = {
    keys: [{ kty: 'EC', crv: 'P-256', x, y, kid, use: 'sig', alg: 'ES256', ...extra }],
  }
  return {
    keyPair,
    kid,
    jwks,
    trust: { resolveIssuerKeys: async (i) => (i === iss ? jwks : undefined) },
  }
}

export async function expectShcCode(
  action: Promise<unknown> | (() => unknown),
  code: ShcErrorCode,
  field?: string,
): Promise<ShcError> {
  let error: unknown
  try {
    await (typeof action === 'function' ? action() : action)
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(ShcError)
  expect((error as ShcError).code).toBe(code)
  if (field !== undefined) expect((error as ShcError).field).toBe(field)
  return error as ShcError
}

/** Signs arbitrary payload bytes under an arbitrary header (for malformed-card tests). */
export async function signRawJws(
  header: Record<string, unknown>,
  payload: Uint8Array,
  privateKey: CryptoKey,
): Promise<string> {
  return new CompactSign(payload).setProtectedHeader(header as { alg: string }).sign(privateKey)
}
