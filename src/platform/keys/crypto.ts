/**
 * @module platform/keys/crypto
 * The primitives the key store runs on every request (AES-256-GCM seals, ES256 signatures,
 * keyed hashes),
 * behind one small interface. The default is WebCrypto, which every runtime here has (Workers
 * included). Node passes node:crypto's synchronous calls (keys/node-crypto.ts): per credential
 * they cost 9 µs a seal and 19 µs a signature against 53–67 µs through WebCrypto's key import,
 * thread-pool job and promise (docs/PERFORMANCE.md).
 */

/** ES256 (64-byte r‖s, RFC 7518 §3.4) or Ed25519 signature over `data`. */
export type SignFn = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>

export interface KeyCrypto {
  /** AES-256-GCM: ciphertext ‖ 16-byte tag. */
  aesGcmEncrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | Promise<Uint8Array>
  /** Throws when the tag does not verify (wrong key, tampered data or AAD). */
  aesGcmDecrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | Promise<Uint8Array>
  /** A signing function for an imported private key (ECDSA P-256 or Ed25519). */
  signer(privateKey: CryptoKey): SignFn
  /** HMAC-SHA-256 (RFC 2104) of `message` under `key`. */
  hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array | Promise<Uint8Array>
}

const buf = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>

/** Imported AES keys by their bytes' identity: the master key is imported once, not per seal. */
const aesKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>()

function aesKey(key: Uint8Array): Promise<CryptoKey> {
  let imported = aesKeys.get(key)
  if (imported === undefined) {
    imported = crypto.subtle.importKey('raw', buf(key), 'AES-GCM', false, ['encrypt', 'decrypt'])
    aesKeys.set(key, imported)
  }
  return imported
}

/** Imported HMAC keys by their bytes' identity (the store's derived secrets, kept for its life). */
const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>()

function hmacKey(key: Uint8Array): Promise<CryptoKey> {
  let imported = hmacKeys.get(key)
  if (imported === undefined) {
    const algorithm = { name: 'HMAC', hash: 'SHA-256' }
    imported = crypto.subtle.importKey('raw', buf(key), algorithm, false, ['sign'])
    hmacKeys.set(key, imported)
  }
  return imported
}

export const webKeyCrypto: KeyCrypto = {
  async aesGcmEncrypt(key, nonce, plaintext, aad) {
    const params = { name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad) }
    return new Uint8Array(await crypto.subtle.encrypt(params, await aesKey(key), buf(plaintext)))
  },
  async aesGcmDecrypt(key, nonce, sealed, aad) {
    const params = { name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad) }
    return new Uint8Array(await crypto.subtle.decrypt(params, await aesKey(key), buf(sealed)))
  },
  signer(privateKey) {
    // WebCrypto's ECDSA output is already r‖s (IEEE P1363), as JWS wants.
    const algorithm =
      privateKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : 'Ed25519'
    return async (data) =>
      new Uint8Array(await crypto.subtle.sign(algorithm, privateKey, buf(data)))
  },
  async hmacSha256(key, message) {
    return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(key), buf(message)))
  },
}
