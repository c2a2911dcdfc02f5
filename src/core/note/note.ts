/**
 * @module core/note/note
 * Signed-note text format (c2sp.org/signed-note §Format): text ending in '\n', one blank line,
 * then one or more lines `— <key name> base64(keyID[4] ‖ signature)`. Parsing does not verify;
 * see openNote. Everything parsed here is attacker-controlled.
 */
import { concatBytes, fromBase64, toBase64 } from '../codec/index.ts'
import { NoteError } from './errors.ts'
import { assertKeyName } from './keys.ts'
import { isValidKeyName, isValidNoteText } from './text.ts'

/** The spec asks verifiers to accept at least 16 signatures; Go's sumdb/note caps at 100. */
export const MAX_NOTE_SIGNATURES = 100
/** Bounds the work on hostile input; leaves room for 100 post-quantum (~5 kB) signatures. */
export const MAX_NOTE_LENGTH = 1 << 20

/** U+2014 EM DASH and a space open every signature line. */
const SIG_PREFIX = '\u2014 '

export interface NoteSignature {
  readonly name: string
  readonly keyId: number
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Uint8Array
}

export interface Note {
  /** The signed text, including its final newline, excluding the blank separator line. */
  readonly text: string
  readonly signatures: readonly NoteSignature[]
}

function malformed(message: string): NoteError {
  return new NoteError('NOTE_MALFORMED', message)
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIG_PREFIX)) throw malformed('signature line must start with an em dash')
  const rest = line.slice(SIG_PREFIX.length)
  const space = rest.indexOf(' ')
  const name = rest.slice(0, space)
  if (space < 0 || !isValidKeyName(name)) throw malformed('invalid key name in signature line')
  let blob: Uint8Array
  try {
    blob = fromBase64(rest.slice(space + 1))
  } catch (cause) {
    throw new NoteError('NOTE_MALFORMED', 'signature is not base64', { cause })
  }
  if (blob.length < 5) throw malformed('signature shorter than key ID plus one byte')
  const keyId = new DataView(blob.buffer, blob.byteOffset, 4).getUint32(0)
  return { name, keyId, signature: blob.slice(4) }
}

export function parseNote(noteText: string): Note {
  if (noteText.length > MAX_NOTE_LENGTH) throw new NoteError('NOTE_TOO_LARGE', 'note too large')
  if (!isValidNoteText(noteText)) throw malformed('control characters or invalid UTF-16')
  // The text is separated from the signatures by the LAST empty line (the text may hold others).
  const split = noteText.lastIndexOf('\n\n')
  if (split < 0) throw malformed('no blank line before the signatures')
  const text = noteText.slice(0, split + 1)
  const block = noteText.slice(split + 2)
  if (block === '') throw new NoteError('NOTE_NO_SIGNATURE', 'note has no signature line')
  if (!block.endsWith('\n')) throw malformed('signature block must end with a newline')
  const lines = block.slice(0, -1).split('\n')
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new NoteError('NOTE_TOO_MANY_SIGNATURES', `more than ${MAX_NOTE_SIGNATURES} signatures`)
  }
  return { text, signatures: lines.map(parseSignatureLine) }
}

export function assertNoteText(text: string): void {
  if (!text.endsWith('\n') || !isValidNoteText(text)) {
    throw malformed('note text must end in a newline and hold no control characters')
  }
}

export function formatSignatureLine(sig: NoteSignature): string {
  assertKeyName(sig.name)
  const id = new Uint8Array(4)
  new DataView(id.buffer).setUint32(0, sig.keyId >>> 0)
  return `${SIG_PREFIX}${sig.name} ${toBase64(concatBytes(id, sig.signature))}\n`
}

export function formatNote(note: Note): string {
  assertNoteText(note.text)
  if (note.signatures.length === 0) throw new NoteError('NOTE_NO_SIGNATURE', 'no signature')
  if (note.signatures.length > MAX_NOTE_SIGNATURES) {
    throw new NoteError('NOTE_TOO_MANY_SIGNATURES', `more than ${MAX_NOTE_SIGNATURES} signatures`)
  }
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`
}
