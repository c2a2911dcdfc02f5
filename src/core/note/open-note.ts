/**
 * @module core/note/open-note
 * Verifying a signed note (c2sp.org/signed-note §Signatures): signatures whose (name, key ID) is
 * unknown are ignored; a known key's signature MUST verify (we reject the whole note otherwise);
 * at least one known signature must verify.
 */
import { utf8 } from '../codec/index.ts'
import { NoteError } from './errors.ts'
import { SIG_COSIGNATURE_V1 } from './keys.ts'
import { type Note, type NoteSignature, parseNote } from './note.ts'
import type { Verifier } from './signer.ts'
import { readU64 } from './text.ts'

export interface VerifiedSignature extends NoteSignature {
  readonly type: number
  /** For a type-0x04 cosignature: its POSIX timestamp in seconds. */
  readonly timestamp?: bigint
}

export interface OpenedNote {
  readonly text: string
  readonly verified: readonly VerifiedSignature[]
  /** Signatures from unknown keys, identical repeats dropped. */
  readonly unverified: readonly NoteSignature[]
}

/** Key names cannot hold a newline, so `name\nkeyId` is an unambiguous map key. */
export function keyRef(name: string, keyId: number): string {
  return `${name}\n${keyId >>> 0}`
}

export function indexVerifiers(verifiers: readonly Verifier[]): Map<string, Verifier> {
  const byRef = new Map<string, Verifier>()
  for (const v of verifiers) {
    const ref = keyRef(v.name, v.keyId)
    if (byRef.has(ref)) {
      throw new NoteError('NOTE_VERIFIER_CONFLICT', 'two verifiers share a name and key ID', {
        field: v.name,
      })
    }
    byRef.set(ref, v)
  }
  return byRef
}

function sameSignature(a: NoteSignature, b: NoteSignature): boolean {
  if (a.name !== b.name || a.keyId !== b.keyId || a.signature.length !== b.signature.length) {
    return false
  }
  return a.signature.every((byte, i) => byte === b.signature[i])
}

/** Parses (when given text) and verifies a note against the configured verifiers. */
export async function openNote(
  note: string | Note,
  verifiers: readonly Verifier[],
): Promise<OpenedNote> {
  const parsed = typeof note === 'string' ? parseNote(note) : note
  const byRef = indexVerifiers(verifiers)
  const message = utf8(parsed.text)
  const verified: VerifiedSignature[] = []
  const unverified: NoteSignature[] = []
  const seen = new Set<string>()
  for (const sig of parsed.signatures) {
    const ref = keyRef(sig.name, sig.keyId)
    const verifier = byRef.get(ref)
    if (verifier === undefined) {
      if (!unverified.some((u) => sameSignature(u, sig))) unverified.push(sig)
      continue
    }
    if (seen.has(ref)) {
      throw new NoteError('NOTE_DUPLICATE_SIGNATURE', 'a known key signs twice', {
        field: sig.name,
      })
    }
    seen.add(ref)
    if (!(await verifier.verify(message, sig.signature))) {
      throw new NoteError('NOTE_BAD_SIGNATURE', `signature by ${sig.name} does not verify`, {
        field: sig.name,
      })
    }
    const timestamp = verifier.type === SIG_COSIGNATURE_V1 ? readU64(sig.signature, 0) : undefined
    verified.push({
      ...sig,
      type: verifier.type,
      ...(timestamp === undefined ? {} : { timestamp }),
    })
  }
  if (verified.length === 0) {
    throw new NoteError('NOTE_UNKNOWN_KEY', 'no signature from a known key')
  }
  return { text: parsed.text, verified, unverified }
}
