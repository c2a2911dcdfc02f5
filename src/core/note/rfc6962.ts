/**
 * @module core/note/rfc6962
 * Verifier for RFC 6962 TreeHeadSignature note signatures (type 0x05, c2sp.org/static-ct-api):
 * the note must be a checkpoint without extension lines, and the signature is
 * `u64 timestamp_ms ‖ TLS DigitallySigned(hash=4 SHA-256, sig=3 ECDSA, u16 len, DER)` over the
 * RFC 6962 §3.5 TreeHeadSignature struct. Key ID = SHA-256(name ‖ \n ‖ 0x05 ‖ LogID)[:4] with
 * LogID = SHA-256(SPKI). Only ECDSA P-256 is supported. Verification only.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, fromUtf8 } from '../codec/index.ts'
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts'
import { toBufferSource } from './ed25519.ts'
import { NoteError } from './errors.ts'
import { assertKeyName, computeKeyId, SIG_RFC6962 } from './keys.ts'
import type { Verifier } from './signer.ts'
import { readU64, u64Bytes } from './text.ts'

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const

/** Reads one minimal, positive DER INTEGER at `at` into a 32-byte big-endian field. */
function readInteger(der: Uint8Array, at: number, out: Uint8Array, offset: number) {
  const len = der[at + 1]
  if (der[at] !== 0x02 || len === undefined || len < 1 || len > 33) return -1
  let value = der.subarray(at + 2, at + 2 + len)
  if (value.length !== len || ((value[0] as number) & 0x80) !== 0) return -1
  if (value[0] === 0 && len > 1) {
    if (((value[1] as number) & 0x80) === 0) return -1 // not minimal
    value = value.subarray(1)
  }
  if (value.length > 32) return -1
  out.set(value, offset + 32 - value.length)
  return at + 2 + len
}

/** Strict DER ECDSA-Sig-Value → IEEE P1363 r ‖ s (what WebCrypto verifies); undefined if bad. */
export function derToP1363(der: Uint8Array): Uint8Array | undefined {
  if (der[0] !== 0x30 || der[1] !== der.length - 2 || der.length > 2 + 2 * 35) return undefined
  const out = new Uint8Array(64)
  const afterR = readInteger(der, 2, out, 0)
  if (afterR < 0) return undefined
  return readInteger(der, afterR, out, 32) === der.length ? out : undefined
}

/** RFC 6962 §3.5: version v1 (0), signature_type tree_hash (1), timestamp, size, root. */
function treeHeadInput(timestamp: bigint, checkpoint: Checkpoint): Uint8Array {
  return concatBytes(
    Uint8Array.of(0, 1),
    u64Bytes(timestamp),
    u64Bytes(checkpoint.size),
    checkpoint.root,
  )
}

function parseNoteSignature(signature: Uint8Array) {
  if (signature.length < 12 || signature[8] !== 4 || signature[9] !== 3) return undefined
  const length = ((signature[10] as number) << 8) | (signature[11] as number)
  if (signature.length !== 12 + length) return undefined
  const raw = derToP1363(signature.subarray(12))
  return raw === undefined ? undefined : { timestamp: readU64(signature, 0), raw }
}

function readCheckpoint(message: Uint8Array): Checkpoint | undefined {
  try {
    const checkpoint = parseCheckpoint(fromUtf8(message))
    return checkpoint.extensions.length === 0 ? checkpoint : undefined
  } catch {
    return undefined
  }
}

/** Builds a type-0x05 verifier from the log's name (its origin) and DER SPKI public key. */
export async function createRfc6962Verifier(name: string, spki: Uint8Array): Promise<Verifier> {
  assertKeyName(name)
  let key: CryptoKey
  try {
    key = await crypto.subtle.importKey('spki', toBufferSource(spki), ECDSA_P256, false, ['verify'])
  } catch (cause) {
    throw new NoteError('NOTE_VKEY_MALFORMED', 'not an ECDSA P-256 SPKI key', { cause })
  }
  return {
    name,
    keyId: computeKeyId(name, SIG_RFC6962, sha256(spki)),
    type: SIG_RFC6962,
    verify: async (message, signature) => {
      const checkpoint = readCheckpoint(message)
      const sig = parseNoteSignature(signature)
      if (checkpoint === undefined || sig === undefined) return false
      const input = treeHeadInput(sig.timestamp, checkpoint)
      const algorithm = { name: 'ECDSA', hash: 'SHA-256' } as const
      return crypto.subtle.verify(algorithm, key, toBufferSource(sig.raw), toBufferSource(input))
    },
  }
}
