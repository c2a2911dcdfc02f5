/**
 * @module core/shl/errors
 * Errors of SMART Health Links (HL7 SMART Health Cards and Links IG 1.0.0 STU1, "SMART Health
 * Links"). One closed code per distinct failure, so the page, the CLI and the tests branch on
 * `code` (and `field`), never on a message.
 */
import { CoreError } from '../errors.ts'

export type ShlErrorCode =
  /** Not `shlink:/…` nor a viewer URL with `#shlink:/…`, or the payload is not base64url JSON. */
  | 'SHL_FORMAT'
  /** `url` missing, not https (http only to a loopback host), or longer than 128 characters. */
  | 'SHL_URL'
  /** `key` is not 43 base64url characters decoding to 32 bytes (256 bits). */
  | 'SHL_KEY'
  /** `flag` not a string of single letters in alphabetical order, or `U` together with `P`. */
  | 'SHL_FLAG'
  /** `label` not a string of at most 80 characters. */
  | 'SHL_LABEL'
  /** `exp` not a non-negative number of epoch seconds. */
  | 'SHL_EXP'
  /** `v` is a protocol version this implementation does not speak (only 1). */
  | 'SHL_VERSION'
  /** `exp` is in the past: the link is stale (the spec's hint to receivers). */
  | 'SHL_EXPIRED'
  /** The link has flag `P` and no passcode was given. */
  | 'SHL_PASSCODE_REQUIRED'
  /** The server answered 401: wrong passcode (`remainingAttempts` in the error's detail). */
  | 'SHL_PASSCODE_WRONG'
  /** The server answered 404: the link is deactivated, expired, locked or never existed. */
  | 'SHL_NOT_FOUND'
  /** Any other answer or a network failure (a transient failure, not a verdict on the link). */
  | 'SHL_HTTP'
  /** The manifest is not `{files: [{contentType, embedded | location}, …]}`. */
  | 'SHL_MANIFEST'
  /** A file is not a compact JWE of five base64url parts with a JSON protected header. */
  | 'SHL_JWE_FORMAT'
  /** The JWE header is not `alg: dir`, `enc: A256GCM` (or has an unknown `zip`). */
  | 'SHL_JWE_HEADER'
  /** The authentication tag does not verify under the link's key (wrong key or tampered file). */
  | 'SHL_DECRYPT'
  /** A file (or its inflated plaintext) exceeds the size bound. */
  | 'SHL_TOO_LARGE'
  /** A decrypted file does not parse as its content type (SHC file JSON, FHIR JSON). */
  | 'SHL_CONTENT'

export class ShlError extends CoreError<ShlErrorCode> {
  /** On SHL_PASSCODE_WRONG: the server's `remainingAttempts`, when it sent one. */
  readonly remainingAttempts: number | undefined

  constructor(
    code: ShlErrorCode,
    message: string,
    options?: { field?: string; cause?: unknown; remainingAttempts?: number },
  ) {
    super(code, message, options)
    this.remainingAttempts = options?.remainingAttempts
  }
}
