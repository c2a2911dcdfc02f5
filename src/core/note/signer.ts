/**
 * @module core/note/signer
 * The signer and verifier shapes every signed-note signature type plugs into, and the plain
 * Ed25519 note signature (type 0x01, c2sp.org/signed-note §Ed25519 signatures).
 */
import { importEd25519Public, importEd25519Seed, signEd25519, verifyEd25519 } from './ed25519.ts'
import { NoteError } from './errors.ts'
import {
  parseSignerKey,
  parseVerifierKey,
  SIG_ED25519,
  type SignerKey,
  type VerifierKey,
} from './keys.ts'

/** Produces the signature bytes (without the 4-byte key ID) of one note signature line. */
export interface Signer {
  readonly name: string
  readonly keyId: number
  readonly type: number
  sign(message: Uint8Array): Promise<Uint8Array>
}

/** Checks the signature bytes (without key ID) of one line against the note text bytes. */
export interface Verifier {
  readonly name: string
  readonly keyId: number
  readonly type: number
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>
}

function assertType(actual: number, expected: number, hint: string): void {
  if (actual !== expected) {
    throw new NoteError('NOTE_UNSUPPORTED_KEY_TYPE', `key type 0x${actual.toString(16)}: ${hint}`)
  }
}

/** A type-0x01 Ed25519 note signer from a signer key value or a Go-format `PRIVATE+KEY+…`. */
export async function createSigner(key: SignerKey | string): Promise<Signer> {
  const k = typeof key === 'string' ? await parseSignerKey(key) : key
  assertType(k.type, SIG_ED25519, 'a cosigner key signs through createCosigner')
  const { privateKey } = await importEd25519Seed(k.seed)
  return {
    name: k.name,
    keyId: k.keyId,
    type: k.type,
    sign: (message) => signEd25519(privateKey, message),
  }
}

/** A type-0x01 Ed25519 note verifier from a vkey string or value. */
export async function createEd25519Verifier(key: VerifierKey | string): Promise<Verifier> {
  const k = typeof key === 'string' ? parseVerifierKey(key) : key
  assertType(k.type, SIG_ED25519, 'expected an Ed25519 (0x01) vkey')
  const publicKey = await importEd25519Public(k.publicKey)
  return {
    name: k.name,
    keyId: k.keyId,
    type: k.type,
    verify: (message, signature) => verifyEd25519(publicKey, message, signature),
  }
}
