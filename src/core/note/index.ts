/**
 * @module core/note
 * C2SP signed notes, checkpoints, cosignatures, witness policies and tlog-proofs: the formats a
 * Vigil verifier needs to trust a log's tree head offline.
 */
export * from './checkpoint.ts'
export * from './cosignature.ts'
export * from './errors.ts'
export {
  computeKeyId,
  formatKeyId,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  SIG_RFC6962,
  type SignerKey,
  signerKeyFromSeed,
  type VerifierKey,
} from './keys.ts'
export * from './note.ts'
export { type OpenedNote, openNote, type VerifiedSignature } from './open-note.ts'
export * from './policy.ts'
export * from './policy-text.ts'
export * from './proof.ts'
export * from './rfc6962.ts'
export * from './sign-note.ts'
export * from './signer.ts'
export * from './text.ts'
export * from './verifier.ts'
export * from './verify-checkpoint.ts'
