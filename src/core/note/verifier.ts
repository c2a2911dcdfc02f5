/**
 * @module core/note/verifier
 * One entry point from a vkey to a note Verifier, dispatching on the signature type byte:
 * 0x01 Ed25519 note signature, 0x04 Ed25519 v1 cosignature. (0x05 keys have no standard vkey
 * encoding; build those with createRfc6962Verifier.)
 */
import { createCosignatureVerifier } from './cosignature.ts'
import { parseVerifierKey, SIG_COSIGNATURE_V1, type VerifierKey } from './keys.ts'
import { createEd25519Verifier, type Verifier } from './signer.ts'

export async function createVerifier(key: VerifierKey | string): Promise<Verifier> {
  const k = typeof key === 'string' ? parseVerifierKey(key) : key
  return k.type === SIG_COSIGNATURE_V1 ? createCosignatureVerifier(k) : createEd25519Verifier(k)
}
