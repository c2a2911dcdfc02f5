/**
 * @module core/note/checkpoint
 * Checkpoint note text (c2sp.org/tlog-checkpoint §Note text): origin, tree size (decimal, no
 * leading zeros), base64 RFC 6962 root hash, then optional non-empty extension lines. This is
 * the note body only; signatures are handled by parseNote/openNote.
 */
import { fromBase64, toBase64 } from '../codec/index.ts'
import { NoteError } from './errors.ts'
import { isValidNoteText, parseU64, U64_LIMIT } from './text.ts'

export interface Checkpoint {
  readonly origin: string
  readonly size: bigint
  /** 32-byte SHA-256 Merkle tree head. */
  readonly root: Uint8Array
  /** Opaque extension lines; not auditable, NOT RECOMMENDED by the spec. */
  readonly extensions: readonly string[]
}

/** Parses the text of a checkpoint note (ending in '\n', as returned in Note.text). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n') || !isValidNoteText(text)) {
    throw new NoteError('CHECKPOINT_MALFORMED', 'checkpoint text must end in a newline')
  }
  const lines = text.slice(0, -1).split('\n')
  const [origin, sizeLine, rootLine, ...extensions] = lines
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) {
    throw new NoteError('CHECKPOINT_MALFORMED', 'checkpoint needs origin, size and root lines')
  }
  if (origin === '') throw new NoteError('CHECKPOINT_ORIGIN', 'empty origin', { field: 'origin' })
  const size = parseU64(sizeLine)
  if (size === undefined) {
    throw new NoteError('CHECKPOINT_SIZE', 'size must be a u64 decimal without leading zeros', {
      field: 'size',
    })
  }
  let root: Uint8Array
  try {
    root = fromBase64(rootLine)
  } catch (cause) {
    throw new NoteError('CHECKPOINT_ROOT', 'root hash is not base64', { field: 'root', cause })
  }
  if (root.length !== 32) {
    throw new NoteError('CHECKPOINT_ROOT', 'root hash must be 32 bytes', { field: 'root' })
  }
  if (extensions.some((line) => line === '')) {
    throw new NoteError('CHECKPOINT_MALFORMED', 'extension lines must be non-empty', {
      field: 'extensions',
    })
  }
  return { origin, size, root, extensions }
}

/** Formats checkpoint text (the note body to sign), refusing anything parseCheckpoint rejects. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint
  if (origin === '' || origin.includes('\n')) {
    throw new NoteError('CHECKPOINT_ORIGIN', 'origin must be one non-empty line')
  }
  if (size < 0n || size >= U64_LIMIT) throw new NoteError('CHECKPOINT_SIZE', 'size out of range')
  if (root.length !== 32) throw new NoteError('CHECKPOINT_ROOT', 'root hash must be 32 bytes')
  if (extensions.some((line) => line === '' || line.includes('\n'))) {
    throw new NoteError('CHECKPOINT_MALFORMED', 'extension lines must be single non-empty lines')
  }
  const lines = [origin, size.toString(), toBase64(root), ...extensions]
  const text = `${lines.join('\n')}\n`
  if (!isValidNoteText(text)) {
    throw new NoteError('CHECKPOINT_MALFORMED', 'control characters in checkpoint text')
  }
  return text
}
