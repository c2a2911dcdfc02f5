/**
 * @module platform/node-crypto/es256
 * ES256 verification through node:crypto's synchronous `verify` (core/shc `Es256Verify`), for
 * Node verifiers: the same OpenSSL check as WebCrypto without its thread-pool round trip and
 * promise, which cost about as much as the verification itself per card. Imported keys are
 * cached by their coordinates (a verifier trusts a few hundred issuer keys at most).
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto'
import type { Es256Verify } from '../../core/shc/index.ts'

const CACHE_LIMIT = 1024
const keys = new Map<string, KeyObject>()

export const nodeEs256: Es256Verify = (jwk, signingInput, signature) => {
  const id = `${jwk.x}.${jwk.y}`
  let key = keys.get(id)
  if (key === undefined) {
    // Throws for coordinates that are not a P-256 point (the caller's SHC_KEYSET_INVALID).
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' })
    if (keys.size >= CACHE_LIMIT) keys.clear()
    keys.set(id, key)
  }
  // RFC 7518 §3.4: the JWS signature is the 64-byte r‖s, not DER.
  return verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature)
}
