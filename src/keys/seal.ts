/**
 * @module keys/seal
 * Keys at rest: AES-256-GCM under the master key, a fresh 96-bit nonce per seal (NIST SP 800-38D
 * §8.2.2), the row id as associated data. Layout: version byte 1 ‖ nonce(12) ‖ ciphertext+tag.
 */
const VERSION = 1

export class SealError extends Error {
  readonly code = 'KEY_UNSEAL_FAILED'
}

/** A key as bytes, or already imported for AES-GCM (the key store imports the master key once). */
export type SealKey = Uint8Array | CryptoKey

export async function importSealKey(masterKey: SealKey): Promise<CryptoKey> {
  if (!(masterKey instanceof Uint8Array)) return masterKey
  if (masterKey.length !== 32) throw new SealError('master key must be 32 bytes')
  return crypto.subtle.importKey('raw', masterKey as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ])
}

export async function seal(
  masterKey: SealKey,
  plaintext: Uint8Array,
  associated: string,
  random: (n: number) => Uint8Array,
): Promise<Uint8Array> {
  const key = await importSealKey(masterKey)
  const nonce = random(12)
  const additionalData = new TextEncoder().encode(associated)
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData },
      key,
      plaintext as Uint8Array<ArrayBuffer>,
    ),
  )
  const out = new Uint8Array(1 + 12 + ct.length)
  out[0] = VERSION
  out.set(nonce, 1)
  out.set(ct, 13)
  return out
}

export async function unseal(
  masterKey: SealKey,
  sealed: Uint8Array,
  associated: string,
): Promise<Uint8Array> {
  if (sealed.length < 13 + 16 || sealed[0] !== VERSION) throw new SealError('unknown sealed format')
  const key = await importSealKey(masterKey)
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: sealed.subarray(1, 13) as Uint8Array<ArrayBuffer>,
          additionalData: new TextEncoder().encode(associated),
        },
        key,
        sealed.subarray(13) as Uint8Array<ArrayBuffer>,
      ),
    )
  } catch {
    // Wrong master key, or a tampered or moved blob: GCM cannot tell which.
    throw new SealError('cannot unseal key: wrong master key or tampered record')
  }
}
