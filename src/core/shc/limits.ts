/**
 * @module core/shc/limits
 * Constants of SMART Health Cards 1.4: the fixed strings of the payload and the size bounds. The QR
 * limits come from the spec FAQ (smart-on-fhir/health-cards FAQ/qr.md): a V22 symbol with a byte
 * segment `shc:/` and a numeric segment carries ⌊(data bits − 76) × 3/20⌋ JWS characters. The other
 * bounds are Vigil's guards against attacker-controlled input and are not in the spec.
 */

export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card'
export const FHIR_VERSION = '4.0.1'
/** The only revocation method of §Revocation; RFC 002 `hash-fhir` is not supported. */
export const CRL_METHOD = 'rid'

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H'

/** Longest JWS that fits one V22 QR at each error-correction level (§Chunking Larger SHCs, FAQ). */
export const MAX_QR_JWS_LENGTH: Readonly<Record<QrErrorCorrection, number>> = {
  L: 1195,
  M: 927,
  Q: 670,
  H: 519,
}

/** Historical limit of one chunk of a (deprecated) `shc:/C/N/` set. */
export const MAX_QR_CHUNK_JWS_LENGTH = 1191

/** A QR symbol (V40, level L) holds at most 7089 numeric digits: nothing longer was scanned. */
export const MAX_QR_DIGITS = 7089
/** Chunks accepted in one legacy set (real sets had 2–3; the dev-tools stress set has 17). */
export const MAX_QR_CHUNKS = 32
/** Longest JWS a verifier takes (files may exceed the QR limit; example-02 has 3173). */
export const MAX_JWS_LENGTH = 65_536
/** Inflated payload cap (zip-bomb defence; the spec sets no bound). */
export const MAX_PAYLOAD_BYTES = 1_048_576
/**
 * The payload may inflate to at most this many times its deflated size, plus
 * MAX_INFLATE_SLACK bytes. Real cards inflate about 3× (2.6–3.1 over the spec examples, the
 * vaccination IG and the dev-tools test data); without this bound a 1 KB QR inflates to 1 MiB of
 * JSON, parsed and walked before the signature can be checked.
 */
export const MAX_INFLATE_RATIO = 20
export const MAX_INFLATE_SLACK = 4096
/** Longest `.smart-health-card` file, issuer key set or CRL text that is parsed. */
export const MAX_FILE_LENGTH = 4_194_304
export const MAX_KEYSET_LENGTH = 1_048_576
export const MAX_CRL_LENGTH = 16_777_216
/** Keys in one key set and rids in one CRL. */
export const MAX_KEYS = 1000
export const MAX_CRL_RIDS = 1_000_000

/** Allowance for an issuer clock ahead of ours when checking `nbf` (§Health Card payload). */
export const CLOCK_SKEW_SECONDS = 300
/**
 * NumericDates above this (year 5138) are milliseconds written as seconds, an issuer bug (an
 * `exp` in ms would make the card never expire).
 */
export const MAX_NUMERIC_DATE = 100_000_000_000

/** `vc.rid` and CRL rids: base64url, at most 24 characters (§Revocation). */
export const MAX_RID_LENGTH = 24
/** Deepest nesting walked in a bundle (real FHIR stays under 20; recursion must stay bounded). */
export const MAX_JSON_DEPTH = 64
