/**
 * @module core/shc/verify-signature
 * ES256 over the ASCII bytes `header.payload` (§Health Card signing, RFC 7515 §5.2) against the
 * issuer JWK chosen by `kid`: the key is imported once with jose, the signature checked with
 * WebCrypto directly on the parsed 64-byte r‖s. jose's compactVerify would split, decode and
 * parse the JWS a second time; parseShcJws has already checked its form and header (ES256 only,
 * no `crit`), which is everything compactVerify checks before the signature.
 */
import { importJWK } from 'jose'
import { utf8 } from '../codec/index.ts'
import { ShcError } from './errors.ts'
import { type ParsedShcJws, parseShcJws } from './jws.ts'
import type { ShcPublicJwk } from './keyset.ts'

/** Bound on the imported-key cache (a verifier trusts a few hundred issuer keys at most). */
const CACHE_LIMIT = 1024
/** Imported issuer keys by their RFC 7638 members (kty and crv are fixed: EC, P-256). */
const imported = new Map<string, Promise<CryptoKey>>()
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const

function importIssuerKey(jwk: ShcPublicJwk): Promise<CryptoKey> {
  const id = `${jwk.kty}.${jwk.crv}.${jwk.x}.${jwk.y}`
  let key = imported.get(id)
  if (key === undefined) {
    key = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'ES256').then((k) => {
      if (k instanceof Uint8Array) throw new TypeError('expected an EC key')
      return k
    })
    key.catch(() => imported.delete(id))
    if (imported.size >= CACHE_LIMIT) imported.clear()
    imported.set(id, key)
  }
  return key
}

/**
 * An ES256 implementation: true when the 64-byte r‖s `signature` verifies over `signingInput`
 * under the P-256 key `jwk`; throws when the key is not a P-256 public key. The default is
 * WebCrypto (browsers, Workers, Node). Node callers may pass a synchronous node:crypto one
 * (src/credentials/node-es256.ts): it skips WebCrypto's thread-pool round trip, which costs
 * about as much as the verification itself per card.
 */
export type Es256Verify = (
  jwk: ShcPublicJwk,
  signingInput: Uint8Array,
  signature: Uint8Array,
) => boolean | Promise<boolean>

export const webCryptoEs256: Es256Verify = async (jwk, signingInput, signature) =>
  crypto.subtle.verify(
    ES256,
    await importIssuerKey(jwk),
    signature as Uint8Array<ArrayBuffer>,
    signingInput as Uint8Array<ArrayBuffer>,
  )

/**
 * Verifies the card's signature. `parsed` is parseShcJws(jws) when the caller has it; without
 * it the JWS is parsed here (a malformed one throws parseShcJws's error).
 */
export async function verifyShcSignature(
  jws: string,
  jwk: ShcPublicJwk,
  parsed: ParsedShcJws = parseShcJws(jws),
  es256: Es256Verify = webCryptoEs256,
  /** utf8(jws) when the caller has it (it hashes the same bytes for the ledger leaf). */
  jwsBytes: Uint8Array = utf8(jws),
): Promise<void> {
  // The signing input is everything before the last '.' (the JWS is base64url and dots only,
  // so characters and bytes line up).
  const signingInput = jwsBytes.subarray(0, jws.lastIndexOf('.'))
  let valid: boolean
  try {
    const result = es256(jwk, signingInput, parsed.signature)
    valid = typeof result === 'boolean' ? result : await result
  } catch (cause) {
    // x/y that are not a point on P-256.
    throw new ShcError('SHC_KEYSET_INVALID', 'issuer key is not a P-256 public key', {
      field: 'kid',
      cause,
    })
  }
  if (!valid) {
    throw new ShcError('SHC_SIGNATURE_INVALID', 'signature does not verify', {
      field: 'signature',
    })
  }
}
