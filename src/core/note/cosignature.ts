/**
 * @module core/note/cosignature
 * Ed25519 checkpoint cosignatures, c2sp.org/tlog-cosignature v1 (signature type 0x04). The
 * signature is `u64 timestamp (big-endian) ‖ Ed25519(message)` where the message is
 * `"cosignature/v1\ntime <t>\n" ‖ checkpoint text`. The message does not name the cosigner,
 * so each cosigner needs its own key. Time is always a parameter here.
 */
import { concatBytes, utf8 } from '../codec/index.ts'
import { parseCheckpoint } from './checkpoint.ts'
import { importEd25519Public, importEd25519Seed, signEd25519, verifyEd25519 } from './ed25519.ts'
import { NoteError } from './errors.ts'
import {
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  type SignerKey,
  type VerifierKey,
} from './keys.ts'
import type { NoteSignature } from './note.ts'
import { addSignatures } from './sign-note.ts'
import type { Signer, Verifier } from './signer.ts'
import { readU64, u64Bytes } from './text.ts'

/** The spec: the timestamp MUST NOT exceed 2^63 - 1. */
export const MAX_COSIGNATURE_TIMESTAMP = (1n << 63n) - 1n
const COSIGNATURE_LENGTH = 8 + 64

export interface Cosigner {
  readonly name: string
  readonly keyId: number
  readonly type: number
  /** Returns the 72-byte timestamped signature over the checkpoint text. */
  cosign(checkpointText: string, timestamp: bigint): Promise<Uint8Array>
  /** A note Signer bound to one timestamp, for signNote/addSignatures. */
  signerAt(timestamp: bigint): Signer
}

function assertTimestamp(timestamp: bigint): void {
  if (timestamp < 0n || timestamp > MAX_COSIGNATURE_TIMESTAMP) {
    throw new NoteError('COSIGNATURE_MALFORMED', 'timestamp outside 0..2^63-1', {
      field: 'timestamp',
    })
  }
}

function assertCosignatureKey(type: number): void {
  if (type !== SIG_COSIGNATURE_V1) {
    throw new NoteError('NOTE_UNSUPPORTED_KEY_TYPE', 'expected a cosignature (0x04) key')
  }
}

/** The exact bytes a v1 cosignature signs. */
export function cosignedMessage(checkpointText: string | Uint8Array, timestamp: bigint) {
  assertTimestamp(timestamp)
  const body = typeof checkpointText === 'string' ? utf8(checkpointText) : checkpointText
  return concatBytes(utf8(`cosignature/v1\ntime ${timestamp}\n`), body)
}

export function readCosignatureTimestamp(signature: Uint8Array): bigint {
  if (signature.length !== COSIGNATURE_LENGTH) {
    throw new NoteError('COSIGNATURE_MALFORMED', 'a v1 cosignature is 8 + 64 bytes')
  }
  const timestamp = readU64(signature, 0)
  assertTimestamp(timestamp)
  return timestamp
}

export async function createCosigner(key: SignerKey | string): Promise<Cosigner> {
  const k = typeof key === 'string' ? await parseSignerKey(key) : key
  assertCosignatureKey(k.type)
  const { privateKey } = await importEd25519Seed(k.seed)
  const sign = async (body: Uint8Array, timestamp: bigint) =>
    concatBytes(
      u64Bytes(timestamp),
      await signEd25519(privateKey, cosignedMessage(body, timestamp)),
    )
  return {
    name: k.name,
    keyId: k.keyId,
    type: k.type,
    cosign: (checkpointText, timestamp) => {
      parseCheckpoint(checkpointText) // a witness cosigns checkpoints, nothing else
      return sign(utf8(checkpointText), timestamp)
    },
    signerAt: (timestamp) => {
      assertTimestamp(timestamp)
      return { name: k.name, keyId: k.keyId, type: k.type, sign: (m) => sign(m, timestamp) }
    },
  }
}

/** Cosigns checkpoint text; the result formats as one note signature line. */
export async function cosign(
  checkpointText: string,
  cosigner: Cosigner,
  timestamp: bigint,
): Promise<NoteSignature> {
  const signature = await cosigner.cosign(checkpointText, timestamp)
  return { name: cosigner.name, keyId: cosigner.keyId, signature }
}

/** Adds one cosignature line per cosigner, all at `timestamp`, to a signed checkpoint note. */
export async function addCosignatures(
  noteText: string,
  cosigners: readonly Cosigner[],
  timestamp: bigint,
): Promise<string> {
  return addSignatures(
    noteText,
    cosigners.map((c) => c.signerAt(timestamp)),
  )
}

/** A note Verifier for type-0x04 keys: plugs cosignatures into openNote. */
export async function createCosignatureVerifier(key: VerifierKey | string): Promise<Verifier> {
  const k = typeof key === 'string' ? parseVerifierKey(key) : key
  assertCosignatureKey(k.type)
  const publicKey = await importEd25519Public(k.publicKey)
  return {
    name: k.name,
    keyId: k.keyId,
    type: k.type,
    verify: async (message, signature) => {
      if (signature.length !== COSIGNATURE_LENGTH) return false
      const timestamp = readU64(signature, 0)
      if (timestamp > MAX_COSIGNATURE_TIMESTAMP) return false
      const signed = cosignedMessage(message, timestamp)
      return verifyEd25519(publicKey, signed, signature.subarray(8))
    },
  }
}

/** Verifies one cosignature over checkpoint text and returns its timestamp (seconds). */
export async function verifyCosignature(
  checkpointText: string,
  signature: Uint8Array,
  key: VerifierKey | string,
): Promise<bigint> {
  const timestamp = readCosignatureTimestamp(signature)
  const verifier = await createCosignatureVerifier(key)
  if (!(await verifier.verify(utf8(checkpointText), signature))) {
    throw new NoteError('COSIGNATURE_BAD', `cosignature by ${verifier.name} does not verify`, {
      field: verifier.name,
    })
  }
  return timestamp
}
