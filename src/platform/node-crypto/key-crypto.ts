/**
 * @module platform/node-crypto/key-crypto
 * keys/crypto's `KeyCrypto` through node:crypto's synchronous calls, for the Node server and CLI.
 * The same OpenSSL primitives as WebCrypto on Node, without a thread-pool job, promise and key
 * import per call. Workers keep WebCrypto (the default).
 */
import { createCipheriv, createDecipheriv, createHmac, KeyObject, sign } from 'node:crypto'
import type { KeyCrypto } from '../keys/index.ts'

const TAG_BYTES = 16

export const nodeKeyCrypto: KeyCrypto = {
  aesGcmEncrypt(key, nonce, plaintext, aad) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES })
    cipher.setAAD(aad)
    const head = cipher.update(plaintext)
    const tail = cipher.final()
    const out = new Uint8Array(head.length + tail.length + TAG_BYTES)
    out.set(head)
    out.set(tail, head.length)
    out.set(cipher.getAuthTag(), head.length + tail.length)
    return out
  },
  aesGcmDecrypt(key, nonce, sealed, aad) {
    if (sealed.length < TAG_BYTES) throw new Error('sealed data shorter than its tag')
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES })
    decipher.setAAD(aad)
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
    const head = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES))
    const tail = decipher.final()
    const out = new Uint8Array(head.length + tail.length)
    out.set(head)
    out.set(tail, head.length)
    return out
  },
  signer(privateKey) {
    // KeyObject.from accepts non-extractable CryptoKeys: the key stays inside OpenSSL.
    const key = KeyObject.from(privateKey)
    if (privateKey.algorithm.name === 'ECDSA') {
      // RFC 7518 §3.4: JWS wants r‖s, not DER.
      return (data) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
    }
    return (data) => sign(null, data, key)
  },
  hmacSha256(key, message) {
    return new Uint8Array(createHmac('sha256', key).update(message).digest())
  },
}
