/**
 * @module core/note/keys
 * Signed-note keys (c2sp.org/signed-note §Verifier keys): key IDs, verifier keys
 * `name+hex8+base64(type‖pub)`, Go-format signer keys `PRIVATE+KEY+name+hex8+base64(type‖seed)`
 * and Ed25519 key generation. Supported key types: 0x01 (Ed25519 note signature) and 0x04
 * (c2sp.org/tlog-cosignature Ed25519 v1); both carry a 32-byte Ed25519 key.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, fromBase64, toBase64, utf8 } from '../codec/index.ts'
import { importEd25519Seed } from './ed25519.ts'
import { NoteError, type NoteErrorCode } from './errors.ts'
import { isValidKeyName } from './text.ts'

export const SIG_ED25519 = 0x01
export const SIG_COSIGNATURE_V1 = 0x04
export const SIG_RFC6962 = 0x05

/** Key strings longer than this are refused before decoding (attacker-controlled input). */
const MAX_KEY_STRING = 4096
const HEX8 = /^[0-9a-f]{8}$/
const SIGNER_PREFIX = 'PRIVATE+KEY+'

export interface VerifierKey {
  readonly name: string
  /** uint32 key ID (the first 4 bytes of the key hash, big-endian). */
  readonly keyId: number
  readonly type: number
  readonly publicKey: Uint8Array
}

export interface SignerKey extends VerifierKey {
  /** The 32-byte Ed25519 seed (RFC 8032 private key). Secret. */
  readonly seed: Uint8Array
}

export function assertKeyName(name: string, code: NoteErrorCode = 'NOTE_KEY_NAME_INVALID'): void {
  if (!isValidKeyName(name)) throw new NoteError(code, 'invalid key name', { field: 'name' })
}

/** Key ID = SHA-256(name ‖ 0x0A ‖ type ‖ key material)[:4] as a big-endian uint32. */
export function computeKeyId(name: string, type: number, material: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), material))
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0)
}

export function formatKeyId(keyId: number): string {
  return (keyId >>> 0).toString(16).padStart(8, '0')
}

/** Splits `name+hex8+base64` on the first two '+' only: the base64 part may contain '+'. */
function splitKey(text: string, code: NoteErrorCode) {
  const first = text.indexOf('+')
  const second = first < 0 ? -1 : text.indexOf('+', first + 1)
  if (text.length > MAX_KEY_STRING || second < 0) throw new NoteError(code, 'expected name+id+key')
  const name = text.slice(0, first)
  const hex = text.slice(first + 1, second)
  assertKeyName(name, code)
  if (!HEX8.test(hex)) throw new NoteError(code, 'key ID must be 8 lower-case hex digits')
  let blob: Uint8Array
  try {
    blob = fromBase64(text.slice(second + 1))
  } catch (cause) {
    throw new NoteError(code, 'key material is not base64', { cause })
  }
  const type = blob[0]
  if (type === undefined) throw new NoteError(code, 'empty key material')
  return { name, keyId: Number.parseInt(hex, 16), type, material: blob.subarray(1) }
}

function assertEd25519Type(type: number): void {
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1) {
    throw new NoteError('NOTE_UNSUPPORTED_KEY_TYPE', `unsupported key type 0x${type.toString(16)}`)
  }
}

export function parseVerifierKey(vkey: string): VerifierKey {
  const { name, keyId, type, material } = splitKey(vkey, 'NOTE_VKEY_MALFORMED')
  assertEd25519Type(type)
  if (material.length !== 32) throw new NoteError('NOTE_VKEY_MALFORMED', 'Ed25519 key is 32 bytes')
  if (computeKeyId(name, type, material) !== keyId) {
    throw new NoteError('NOTE_KEY_ID_MISMATCH', 'vkey key ID does not match its key')
  }
  return { name, keyId, type, publicKey: material }
}

export function formatVerifierKey(key: Omit<VerifierKey, 'keyId'>): string {
  assertKeyName(key.name)
  assertEd25519Type(key.type)
  if (key.publicKey.length !== 32) {
    throw new NoteError('NOTE_VKEY_MALFORMED', 'Ed25519 key is 32 bytes')
  }
  const keyId = computeKeyId(key.name, key.type, key.publicKey)
  const blob = concatBytes(Uint8Array.of(key.type), key.publicKey)
  return `${key.name}+${formatKeyId(keyId)}+${toBase64(blob)}`
}

/** Builds a signer key from a seed, deriving the public key (and so the key ID) via WebCrypto. */
export async function signerKeyFromSeed(
  name: string,
  seed: Uint8Array,
  type: number = SIG_ED25519,
): Promise<SignerKey> {
  assertKeyName(name)
  assertEd25519Type(type)
  if (seed.length !== 32) throw new NoteError('NOTE_SIGNER_KEY_MALFORMED', 'seed is 32 bytes')
  const { publicKey } = await importEd25519Seed(seed)
  return { name, keyId: computeKeyId(name, type, publicKey), type, publicKey, seed: seed.slice() }
}

/** Parses the Go `golang.org/x/mod/sumdb/note` signer key format; checks the key ID. */
export async function parseSignerKey(skey: string): Promise<SignerKey> {
  const code = 'NOTE_SIGNER_KEY_MALFORMED'
  if (!skey.startsWith(SIGNER_PREFIX)) throw new NoteError(code, 'expected PRIVATE+KEY+ prefix')
  const { name, keyId, type, material } = splitKey(skey.slice(SIGNER_PREFIX.length), code)
  assertEd25519Type(type)
  if (material.length !== 32) throw new NoteError(code, 'Ed25519 seed is 32 bytes')
  const key = await signerKeyFromSeed(name, material, type)
  if (key.keyId !== keyId) throw new NoteError('NOTE_KEY_ID_MISMATCH', 'signer key ID mismatch')
  return key
}

export function formatSignerKey(key: SignerKey): string {
  const blob = concatBytes(Uint8Array.of(key.type), key.seed)
  return `${SIGNER_PREFIX}${key.name}+${formatKeyId(key.keyId)}+${toBase64(blob)}`
}

/**
 * Generates a fresh Ed25519 key (type 0x01 for a log, 0x04 for a witness/cosigner) from 32 bytes
 * of the caller's randomness (RFC 8032 §5.1.5: the seed is the private key).
 */
export async function generateSignerKey(
  name: string,
  random: (length: number) => Uint8Array,
  type: number = SIG_ED25519,
): Promise<SignerKey & { readonly vkey: string; readonly skey: string }> {
  const key = await signerKeyFromSeed(name, random(32), type)
  return { ...key, vkey: formatVerifierKey(key), skey: formatSignerKey(key) }
}
