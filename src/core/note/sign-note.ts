/**
 * @module core/note/sign-note
 * Signing a note text, and adding signature lines (e.g. witness cosignatures) to a signed note.
 * Every signer signs the exact UTF-8 bytes of the text, final newline included.
 */
import { utf8 } from '../codec/index.ts'
import { NoteError } from './errors.ts'
import { assertKeyName } from './keys.ts'
import { assertNoteText, formatNote, type NoteSignature, parseNote } from './note.ts'
import type { Signer } from './signer.ts'

async function signAll(text: string, signers: readonly Signer[]): Promise<NoteSignature[]> {
  const message = utf8(text)
  const out: NoteSignature[] = []
  for (const signer of signers) {
    assertKeyName(signer.name)
    out.push({ name: signer.name, keyId: signer.keyId, signature: await signer.sign(message) })
  }
  return out
}

function assertDistinct(signatures: readonly NoteSignature[]): void {
  const seen = new Set<string>()
  for (const { name, keyId } of signatures) {
    const id = `${name}\n${keyId}`
    if (seen.has(id)) {
      throw new NoteError('NOTE_DUPLICATE_SIGNATURE', 'two signatures from one key', {
        field: name,
      })
    }
    seen.add(id)
  }
}

/** Signs `text` (which must end in '\n') with every signer, in order. */
export async function signNote(text: string, signers: readonly Signer[]): Promise<string> {
  assertNoteText(text)
  const signatures = await signAll(text, signers)
  assertDistinct(signatures)
  return formatNote({ text, signatures })
}

/**
 * Appends signature lines to an already signed note (how a witness adds its cosignature). The
 * existing lines are kept verbatim and are not verified here.
 */
export async function addSignatures(noteText: string, signers: readonly Signer[]): Promise<string> {
  const note = parseNote(noteText)
  const signatures = [...note.signatures, ...(await signAll(note.text, signers))]
  assertDistinct(signatures)
  return formatNote({ text: note.text, signatures })
}
