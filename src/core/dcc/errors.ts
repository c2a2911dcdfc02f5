/**
 * @module core/dcc/errors
 * One closed code per step of the EU DCC (HC1) pipeline, so a verifier, a page and a test can
 * say which step refused a certificate without reading messages (hcert spec v1.0.8 §2–§3).
 */
import { CoreError } from '../errors.ts'

export type DccErrorCode =
  /** The text does not start with `HC1:` (HC2…HCZ are reserved; HL0 and no prefix occur). */
  | 'DCC_PREFIX'
  /** Not strict Base45 (RFC 9285 §4.2): a foreign character, a dangling character, an overflow. */
  | 'DCC_BASE45'
  /** Not a zlib stream (RFC 1950), a corrupt or truncated one, or one that inflates too far. */
  | 'DCC_ZLIB'
  /** Not a COSE_Sign1 (RFC 9052 §4.2): wrong tag, array shape, header or field types. */
  | 'DCC_COSE'
  /** The COSE payload is not a CWT claims map with iss, iat, exp and the hcert claim (−260/1). */
  | 'DCC_CWT'
  /** The header's `alg` is missing, not ES256/PS256, or not the one the signer's key allows. */
  | 'DCC_ALG'
  /** No trusted signer certificate (DSC) has the certificate's key id. */
  | 'DCC_KID_UNKNOWN'
  /** No DSC with that key id verifies the signature. */
  | 'DCC_SIGNATURE'
  /** `iat` is later than the verifier's clock (plus the allowed skew). */
  | 'DCC_NOT_YET_VALID'
  /** The verifier's clock is past `exp`. */
  | 'DCC_EXPIRED'
  /** The signer certificate is past its notAfter at the verifier's clock. */
  | 'DCC_DSC_EXPIRED'
  /** The signer certificate is not valid yet, or the DCC claims to predate it (iat < notBefore). */
  | 'DCC_DSC_NOT_YET_VALID'
  /** The signer certificate's extended key usage does not allow this certificate type. */
  | 'DCC_KEY_USAGE'
  /** The payload is not a DCC of a known schema generation (required fields, types, one entry). */
  | 'DCC_SCHEMA'
  /** A hash of the certificate (UCI, country + UCI, or signature) is on the revocation list. */
  | 'DCC_REVOKED'
  /** Trust material that is not usable: a DSC that is not DER X.509, an unsupported key. */
  | 'DCC_TRUST'

export class DccError extends CoreError<DccErrorCode> {}

/** Trust-list loaders' codes (core/dcc/lists): why a list or one of its entries was refused. */
export type DccListErrorCode =
  /** A trust list that is not in the format it claims (JSON shape, base64, DER, DID document). */
  | 'DCC_LIST_FORMAT'
  /** A trust list's own signature (DID proof, detached JWS) is missing, unknown or does not verify. */
  | 'DCC_LIST_SIGNATURE'
  /** A DSC that no listed CSCA of its country signed (AKI/SKI, signature or validity). */
  | 'DCC_LIST_CHAIN'
  /** A DSC or CSCA filed under a country its certificate does not name. */
  | 'DCC_LIST_COUNTRY'
  /** A listed kid that is not the DSC's own (SHA-256 of its DER, first 8 bytes). */
  | 'DCC_LIST_KID'

export class DccListError extends CoreError<DccListErrorCode> {}
