/**
 * @module core/note/ed25519
 * Ed25519 through WebCrypto (`crypto.subtle`, available in Node 20, workerd and browsers).
 * WebCrypto imports a private key only as PKCS8 or JWK, so a 32-byte seed (RFC 8032 private key)
 * is wrapped in the fixed RFC 8410 PKCS8 prefix.
 *
 * Verification is cached: a venue checks many cards whose receipts share one checkpoint, and the
 * answer for a (key, message, signature) triple never changes. Only successes are kept, with the
 * exact message bytes, so a cache hit is a byte comparison and a miss is a full verification.
 */
import { concatBytes, equalBytes, fromBase64Url, toBase64 } from '../codec/index.ts'

const ED25519 = { name: 'Ed25519' } as const

/** RFC 8410 §7 OneAsymmetricKey for Ed25519, up to the 32-byte seed. */
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

export interface Ed25519KeyPair {
  readonly privateKey: CryptoKey
  readonly publicKey: Uint8Array
}

/** WebCrypto wants ArrayBuffer-backed views; copy when the view sits on a shared buffer. */
export function toBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : (new Uint8Array(bytes) as Uint8Array<ArrayBuffer>)
}

/** Imports a 32-byte seed; the public key comes from the JWK `x` of a one-off extractable copy. */
export async function importEd25519Seed(seed: Uint8Array): Promise<Ed25519KeyPair> {
  const pkcs8 = toBufferSource(concatBytes(PKCS8_PREFIX, seed))
  const extractable = await crypto.subtle.importKey('pkcs8', pkcs8, ED25519, true, ['sign'])
  const jwk = await crypto.subtle.exportKey('jwk', extractable)
  if (typeof jwk.x !== 'string') throw new TypeError('WebCrypto returned an Ed25519 JWK without x')
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign'])
  return { privateKey, publicKey: fromBase64Url(jwk.x) }
}

export async function signEd25519(key: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(ED25519, key, toBufferSource(message)))
}

/** Bound on each cache below (a verifier sees a handful of logs and checkpoints at a time). */
const CACHE_LIMIT = 1024

/** Imported public keys by their base64 bytes. */
const publicKeys = new Map<string, Promise<CryptoKey>>()
/** Per key: base64 signature → the exact message it verified over. */
const verified = new WeakMap<CryptoKey, Map<string, Uint8Array>>()

export function importEd25519Public(publicKey: Uint8Array): Promise<CryptoKey> {
  const id = toBase64(publicKey)
  let key = publicKeys.get(id)
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', toBufferSource(publicKey), ED25519, false, ['verify'])
    key.catch(() => publicKeys.delete(id))
    if (publicKeys.size >= CACHE_LIMIT) publicKeys.clear()
    publicKeys.set(id, key)
  }
  return key
}

/** Verifies a 64-byte signature; any other length is false before reaching WebCrypto. */
export async function verifyEd25519(
  key: CryptoKey,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 64) return false
  const sig = toBase64(signature)
  const seen = verified.get(key)
  const known = seen?.get(sig)
  if (known !== undefined && equalBytes(known, message)) return true
  const ok = await crypto.subtle.verify(
    ED25519,
    key,
    toBufferSource(signature),
    toBufferSource(message),
  )
  if (ok) {
    const cache = seen ?? new Map<string, Uint8Array>()
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(sig, message.slice())
    verified.set(key, cache)
  }
  return ok
}
