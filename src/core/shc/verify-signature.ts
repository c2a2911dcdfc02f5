/**
 * @module core/shc/verify-signature
 * ES256 over the ASCII bytes `header.payload` (§Health Card signing) with jose, against the
 * issuer JWK chosen by `kid`. The 64-byte r‖s form was checked when the JWS was parsed.
 */
import { compactVerify, errors, importJWK } from 'jose'
import { ShcError } from './errors.ts'
import type { ShcPublicJwk } from './keyset.ts'

/** Bound on the imported-key cache (a verifier trusts a few hundred issuer keys at most). */
const CACHE_LIMIT = 1024
/** Imported issuer keys by their RFC 7638 members (kty and crv are fixed: EC, P-256). */
const imported = new Map<string, Promise<Awaited<ReturnType<typeof importJWK>>>>()

function importIssuerKey(jwk: ShcPublicJwk) {
  const id = `${jwk.kty}.${jwk.crv}.${jwk.x}.${jwk.y}`
  let key = imported.get(id)
  if (key === undefined) {
    key = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'ES256')
    key.catch(() => imported.delete(id))
    if (imported.size >= CACHE_LIMIT) imported.clear()
    imported.set(id, key)
  }
  return key
}

export async function verifyShcSignature(jws: string, jwk: ShcPublicJwk): Promise<void> {
  let key: Awaited<ReturnType<typeof importJWK>>
  try {
    key = await importIssuerKey(jwk)
  } catch (cause) {
    // x/y that are not a point on P-256.
    throw new ShcError('SHC_KEYSET_INVALID', 'issuer key is not a P-256 public key', {
      field: 'kid',
      cause,
    })
  }
  try {
    await compactVerify(jws, key, { algorithms: ['ES256'] })
  } catch (cause) {
    if (cause instanceof errors.JWSSignatureVerificationFailed) {
      throw new ShcError('SHC_SIGNATURE_INVALID', 'signature does not verify', {
        field: 'signature',
        cause,
      })
    }
    throw new ShcError('SHC_JWS_FORMAT', 'JWS rejected by the verifier', { cause })
  }
}
