/**
 * @module platform/keys/seal
 * Keys at rest: AES-256-GCM under the master key, a fresh 96-bit nonce per seal (NIST SP 800-38D
 * §8.2.2), the row id as associated data. Layout: version byte 1 ‖ nonce(12) ‖ ciphertext+tag.
 */
import { type KeyCrypto, webKeyCrypto } from './crypto.ts'

const VERSION = 1
const KEY_BYTES = 32

export class SealError extends Error {
  readonly code = 'KEY_UNSEAL_FAILED'
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new SealError('master key must be 32 bytes')
}

export async function seal(
  key: Uint8Array,
  plaintext: Uint8Array,
  associated: string,
  random: (n: number) => Uint8Array,
  aead: KeyCrypto = webKeyCrypto,
): Promise<Uint8Array> {
  checkKey(key)
  const nonce = random(12)
  const ct = await aead.aesGcmEncrypt(key, nonce, plaintext, new TextEncoder().encode(associated))
  const out = new Uint8Array(1 + 12 + ct.length)
  out[0] = VERSION
  out.set(nonce, 1)
  out.set(ct, 13)
  return out
}

export async function unseal(
  key: Uint8Array,
  sealed: Uint8Array,
  associated: string,
  aead: KeyCrypto = webKeyCrypto,
): Promise<Uint8Array> {
  if (sealed.length < 13 + 16 || sealed[0] !== VERSION) throw new SealError('unknown sealed format')
  checkKey(key)
  try {
    return await aead.aesGcmDecrypt(
      key,
      sealed.subarray(1, 13),
      sealed.subarray(13),
      new TextEncoder().encode(associated),
    )
  } catch {
    // Wrong master key, or a tampered or moved blob: GCM cannot tell which.
    throw new SealError('cannot unseal key: wrong master key or tampered record')
  }
}
