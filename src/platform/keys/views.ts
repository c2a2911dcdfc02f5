/** Public views of stored keys: JWK for everyone, the signed-note vkey for log keys. */
import { fromBase64Url } from '../../core/codec/index.ts'
import { formatVerifierKey, SIG_ED25519 } from '../../core/note/index.ts'
import type { KeyStore, PublicKeyInfo } from './store.ts'

export interface PublicKeyView {
  id: string
  purpose: PublicKeyInfo['purpose']
  algorithm: PublicKeyInfo['algorithm']
  status: PublicKeyInfo['status']
  createdAt: string
  jwk: Record<string, unknown>
  vkey?: string
}

/**
 * c2sp.org/signed-note verifier key `name+hex(keyID)+base64(0x01 ‖ pubkey)`. The key ID commits
 * to the name, so it is computed for the log's current origin, not taken from the stored id.
 */
export function logVerifierKey(info: PublicKeyInfo, name: string): string {
  return formatVerifierKey({
    name,
    type: SIG_ED25519,
    publicKey: fromBase64Url(info.publicJwk.x ?? ''),
  })
}

export async function publicKeyViews(store: KeyStore, logName: string): Promise<PublicKeyView[]> {
  return (await store.list()).map((k) => {
    const view: PublicKeyView = {
      id: k.id,
      purpose: k.purpose,
      algorithm: k.algorithm,
      status: k.status,
      createdAt: k.createdAt.toISOString(),
      jwk:
        k.purpose === 'issuer'
          ? { ...k.publicJwk, kid: k.id, alg: 'ES256', use: 'sig' }
          : { ...k.publicJwk },
    }
    if (k.purpose === 'log') view.vkey = logVerifierKey(k, logName)
    return view
  })
}
