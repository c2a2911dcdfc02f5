/**
 * @module core/note/errors
 * Errors of signed notes, checkpoints, cosignatures, witness policies and tlog-proofs. One closed
 * code per distinct failure, so callers and tests branch on `code`, never on a message.
 */
import { CoreError } from '../errors.ts'

export type NoteErrorCode =
  /** Note structure: no blank separator line, bad signature line, bad base64, control chars. */
  | 'NOTE_MALFORMED'
  /** The blank separator line is there but no signature line follows it. */
  | 'NOTE_NO_SIGNATURE'
  /** More signature lines than a verifier accepts (MAX_NOTE_SIGNATURES). */
  | 'NOTE_TOO_MANY_SIGNATURES'
  /** The note exceeds MAX_NOTE_LENGTH characters. */
  | 'NOTE_TOO_LARGE'
  /** No signature line matches a known (name, key ID): the note must be rejected. */
  | 'NOTE_UNKNOWN_KEY'
  /** A signature from a known key does not verify. */
  | 'NOTE_BAD_SIGNATURE'
  /** The same known (name, key ID) signs the note twice. */
  | 'NOTE_DUPLICATE_SIGNATURE'
  /** Two configured verifiers share one (name, key ID). */
  | 'NOTE_VERIFIER_CONFLICT'
  /** A key name is empty or holds '+', whitespace or control characters. */
  | 'NOTE_KEY_NAME_INVALID'
  | 'NOTE_VKEY_MALFORMED'
  | 'NOTE_SIGNER_KEY_MALFORMED'
  /** The key ID written in a vkey or signer key is not the one its key material gives. */
  | 'NOTE_KEY_ID_MISMATCH'
  /** A signature type this module cannot sign or verify with. */
  | 'NOTE_UNSUPPORTED_KEY_TYPE'
  /** Checkpoint body structure: line count, final newline, empty extension line. */
  | 'CHECKPOINT_MALFORMED'
  /** Empty origin, or an origin that is not the expected one / has no log in the policy. */
  | 'CHECKPOINT_ORIGIN'
  | 'CHECKPOINT_SIZE'
  | 'CHECKPOINT_ROOT'
  /** A cosignature of the wrong length or with a timestamp above 2^63 - 1. */
  | 'COSIGNATURE_MALFORMED'
  /** A cosignature from a known witness does not verify. */
  | 'COSIGNATURE_BAD'
  /** A cosignature timestamp is later than the caller's `notAfter`. */
  | 'COSIGNATURE_FUTURE'
  /** Policy text or value: syntax, unknown or duplicate names, thresholds, duplicate keys. */
  | 'POLICY_MALFORMED'
  /** The witness quorum is not reached. */
  | 'POLICY_NOT_MET'
  /** tlog-proof structure: header, extra, index, hash lines, separator. */
  | 'PROOF_MALFORMED'
  /** The inclusion proof does not bind the leaf hash to the checkpoint root. */
  | 'PROOF_INCLUSION'

export class NoteError extends CoreError<NoteErrorCode> {}
