/**
 * @module core/shc/errors
 * Errors and warnings of SMART Health Cards (SHC 1.4 / HL7 STU1). One closed code per distinct
 * failure, so callers and tests branch on `code` (and `field`), never on a message. Warnings are
 * findings that do not make a verifier reject (deprecated or non-minimal issuer output).
 */
import { CoreError } from '../errors.ts'

export type ShcErrorCode =
  /** verifyShc was given neither or both of `qr` and `jws`, or an empty QR list. */
  | 'SHC_INPUT'
  /** Input larger than a size bound (QR text, JWS, file, key set, CRL, or a QR card > V22). */
  | 'SHC_TOO_LARGE'
  /** QR text is not `shc:/[C/N/]digits` (§Encoding chunks as QR codes). */
  | 'SHC_QR_FORMAT'
  /** An odd number of digits: each JWS character takes two. */
  | 'SHC_QR_ODD_DIGITS'
  /** A digit pair above 77 (or one mapping outside the base64url alphabet and '.'). */
  | 'SHC_QR_DIGIT_PAIR'
  /** Chunk index 0 or above the total, totals that differ, or chunked mixed with unchunked. */
  | 'SHC_QR_CHUNK_INDEX'
  | 'SHC_QR_CHUNK_MISSING'
  | 'SHC_QR_CHUNK_DUPLICATE'
  /** Not a compact JWS of three base64url parts, or a header that is not a JSON object. */
  | 'SHC_JWS_FORMAT'
  /** Header `alg` missing or not ES256. */
  | 'SHC_HEADER_ALG'
  /** Header `zip` missing or not DEF. */
  | 'SHC_HEADER_ZIP'
  /** Header `kid` missing or not a base64url SHA-256 thumbprint. */
  | 'SHC_HEADER_KID'
  /** The signature is ASN.1/DER, not the 64-byte r‖s of RFC 7515 App. A.3. */
  | 'SHC_SIGNATURE_DER'
  /** The signature does not verify (or has a length other than 64 bytes). */
  | 'SHC_SIGNATURE_INVALID'
  /** The payload is not a raw DEFLATE stream. */
  | 'SHC_INFLATE'
  /** The payload inflates beyond MAX_PAYLOAD_BYTES (decompression bomb). */
  | 'SHC_INFLATE_LIMIT'
  /** The inflated payload is not UTF-8 JSON object text (a BOM included). */
  | 'SHC_PAYLOAD_JSON'
  /** `iss` missing, not https, with a trailing '/', query, fragment or credentials. */
  | 'SHC_ISSUER_URL'
  /** The trust configuration has no key set for this `iss`. */
  | 'SHC_ISSUER_UNKNOWN'
  /** The key resolver failed (a transient failure, not a verdict on the card). */
  | 'SHC_KEYS_UNAVAILABLE'
  /** The issuer key set, or the key selected by `kid`, breaks §Determining keys rules. */
  | 'SHC_KEYSET_INVALID'
  /** No key with the header's `kid` in the key set of the card's own `iss`. */
  | 'SHC_KEY_NOT_FOUND'
  /** The key pair given to the issuer is not an ES256 (P-256) pair that signs and verifies. */
  | 'SHC_SIGNING_KEY'
  /** `nbf` missing or not a non-negative finite NumericDate. */
  | 'SHC_NBF_INVALID'
  | 'SHC_NBF_FUTURE'
  /** `exp` not a NumericDate, not after `nbf`, or implausibly far (milliseconds). */
  | 'SHC_EXP_INVALID'
  | 'SHC_EXPIRED'
  /** `vc`, `vc.credentialSubject` or `vc.rid` malformed. */
  | 'SHC_VC_FORMAT'
  /** `vc.type` is not a string array holding https://smarthealth.cards#health-card. */
  | 'SHC_VC_TYPE'
  | 'SHC_FHIR_VERSION'
  /** `fhirBundle` is not a FHIR Bundle with entries, or holds empty values. */
  | 'SHC_BUNDLE'
  /** The card's `rid` is listed in the issuer's CRL (honouring `rid.<timestamp>`). */
  | 'SHC_REVOKED'
  /** The CRL is malformed or does not match the key (kid, method, ctr vs crlVersion, rids). */
  | 'SHC_CRL_INVALID'
  /** The key has `crlVersion` but no CRL could be obtained (fail closed). */
  | 'SHC_CRL_UNAVAILABLE'
  /** computeRid was given an empty kid, subject or secret. */
  | 'SHC_RID_INPUT'
  /** A `.smart-health-card` file is not `{"verifiableCredential": [jws, ...]}`. */
  | 'SHC_FILE_FORMAT'

export class ShcError extends CoreError<ShcErrorCode> {}

export type ShcWarningCode =
  /** Whitespace around a QR text or JWS was trimmed. */
  | 'SHC_WHITESPACE_TRIMMED'
  /** A chunked `shc:/C/N/` set (deprecated since 1.3.0) was reassembled. */
  | 'SHC_QR_CHUNKED'
  /** A single QR carries the `shc:/1/1/` prefix, which must be omitted when N = 1. */
  | 'SHC_QR_SINGLE_CHUNK_PREFIX'
  /** A single QR holds more than 1195 JWS characters (or a chunk more than 1191): V > 22. */
  | 'SHC_QR_TOO_LARGE'
  /** The inflated payload has optional whitespace (must be minified). */
  | 'SHC_PAYLOAD_NOT_MINIFIED'
  /** `vc.type` lists VerifiableCredential (the W3C mapping adds it; issuers must not). */
  | 'SHC_VC_TYPE_EXTRA'
  /** The bundle keeps id, meta (other than IAL security labels), text or display. */
  | 'SHC_BUNDLE_NOT_MINIMISED'
  /** A file's name does not end in `.smart-health-card`. */
  | 'SHC_FILE_EXTENSION'
  /** The key has `crlVersion` but the trust gives no CRL resolver: revocation not checked. */
  | 'SHC_REVOCATION_UNCHECKED'

export interface ShcWarning {
  readonly code: ShcWarningCode
  readonly message: string
  readonly field?: string
}
