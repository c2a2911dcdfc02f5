/**
 * @module core/shc/verify-signature
 * ES256 over the ASCII bytes `header.payload` (§Health Card signing, RFC 7515 §5.2) against the
 * issuer JWK chosen by `kid`: the key is imported once with jose, the signature checked with
 * WebCrypto directly on the parsed 64-byte r‖s. jose's compactVerify would split, decode and
 * parse the JWS a second time; parseShcJws has already checked its form and header (ES256 only,
 * no `crit`), which is everything compactVerify checks before the signature.
 */
import { importJWK } from 'jose'
import { utf8 } from '../codec/bytes.ts'
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
 * Verifies the card's signature. `parsed` is parseShcJws(jws) when the caller has it; without
 * it the JWS is parsed here (a malformed one throws parseShcJws's error).
 */
export async function verifyShcSignature(
  jws: string,
  jwk: ShcPublicJwk,
  parsed: ParsedShcJws = parseShcJws(jws),
): Promise<void> {
  let key: CryptoKey
  try {
    key = await importIssuerKey(jwk)
  } catch (cause) {
    // x/y that are not a point on P-256.
    throw new ShcError('SHC_KEYSET_INVALID', 'issuer key is not a P-256 public key', {
      field: 'kid',
      cause,
    })
  }
  // The signing input is everything before the last '.' (the JWS is base64url and dots only).
  const signingInput = utf8(jws.slice(0, jws.lastIndexOf('.'))) as Uint8Array<ArrayBuffer>
  const signature = parsed.signature as Uint8Array<ArrayBuffer>
  if (!(await crypto.subtle.verify(ES256, key, signature, signingInput))) {
    throw new ShcError('SHC_SIGNATURE_INVALID', 'signature does not verify', {
      field: 'signature',
    })
  }
}
