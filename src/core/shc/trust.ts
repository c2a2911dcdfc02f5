/**
 * @module core/shc/trust
 * Trust material as data (SHC 1.4 §Determining keys associated with an issuer, §Trust): the caller
 * resolves an issuer's key set and CRLs (a curated directory, a VCI snapshot, a cache, or a fetch
 * in a service); the core never fetches. Keys are looked up only for the card's own `iss`, never
 * across issuers (the-commons-project/vci-directory#9): the resolver answering for `iss` is what
 * binds a key to an issuer.
 */
import { ShcError } from './errors.ts'
import { type ShcPublicJwk, selectIssuerKey } from './keyset.ts'
import { parseCrl, type ShcCrl } from './revocation.ts'
import type { Es256Verify } from './verify-signature.ts'

export interface ShcTrust {
  /**
   * The key set (JWKS) of exactly this `iss`, as parsed JSON or JSON text, or undefined when the
   * issuer is not trusted. Throwing means "unavailable now" (SHC_KEYS_UNAVAILABLE).
   */
  readonly resolveIssuerKeys: (iss: string) => Promise<unknown>
  /**
   * The CRL `<iss>/.well-known/crl/<kid>.json` (parsed JSON or text), or undefined when it cannot
   * be had. Without this resolver, revocation is not checked (a warning says so).
   */
  readonly resolveCrl?: (iss: string, kid: string) => Promise<unknown>
  /** Accept `http://localhost` issuers (a development deployment verifying its own cards). */
  readonly allowLoopbackHttp?: boolean
  /** The ES256 implementation (default WebCrypto; see verify-signature.ts). */
  readonly es256?: Es256Verify
}

async function call<T>(fn: () => Promise<T>, code: 'SHC_KEYS_UNAVAILABLE' | 'SHC_CRL_UNAVAILABLE') {
  try {
    return await fn()
  } catch (cause) {
    throw new ShcError(code, 'trust resolver failed', { cause })
  }
}

export async function resolveIssuerKey(
  trust: ShcTrust,
  iss: string,
  kid: string,
): Promise<ShcPublicJwk> {
  const keys = await call(() => trust.resolveIssuerKeys(iss), 'SHC_KEYS_UNAVAILABLE')
  if (keys === undefined || keys === null) {
    throw new ShcError('SHC_ISSUER_UNKNOWN', 'no trusted key set for this issuer', { field: 'iss' })
  }
  return selectIssuerKey(keys, kid)
}

/** The checked CRL of a key with `crlVersion`; missing or unreadable CRLs fail closed. */
export async function resolveCrl(
  resolver: NonNullable<ShcTrust['resolveCrl']>,
  iss: string,
  jwk: ShcPublicJwk & { readonly crlVersion: number },
): Promise<ShcCrl> {
  const crl = await call(() => resolver(iss, jwk.kid), 'SHC_CRL_UNAVAILABLE')
  if (crl === undefined || crl === null) {
    throw new ShcError('SHC_CRL_UNAVAILABLE', 'the key has a CRL but none was found', {
      field: 'crl',
    })
  }
  return parseCrl(crl, { kid: jwk.kid, crlVersion: jwk.crlVersion })
}
