/**
 * @module services/ledger/checkpoint
 * Signing Vigil checkpoints (format in core/checkpoint) with the key store's log key.
 */
import { checkpointText, type VigilCheckpointFields } from '../../core/checkpoint/index.ts'
import { fromBase64Url, sha256 } from '../../core/codec/index.ts'
import { computeKeyId, SIG_ED25519, type Signer, signNote } from '../../core/note/index.ts'
import type { SigningKey } from '../../platform/keys/index.ts'

/** A note signer over the key store's log key (type 0x01; key id from the key's id). */
export function logSigner(key: SigningKey, name: string): Signer {
  return {
    name,
    // The key ID commits to the name: computed for the current origin (c2sp.org/signed-note).
    keyId: computeKeyId(name, SIG_ED25519, logPublicKey(key)),
    type: SIG_ED25519,
    sign: async (message) => key.sign(message),
  }
}

/** The raw public key of a log key (for building verifiers). */
export function logPublicKey(key: SigningKey): Uint8Array {
  return fromBase64Url(key.publicJwk.x ?? '')
}

export async function signCheckpoint(
  signer: Signer,
  c: VigilCheckpointFields,
): Promise<{ note: string; noteHash: Uint8Array }> {
  const note = await signNote(checkpointText(c), [signer])
  return { note, noteHash: await sha256(new TextEncoder().encode(note)) }
}

export { parseVigilCheckpoint, type VigilCheckpoint } from '../../core/checkpoint/index.ts'
