/**
 * @module core/verify/types
 * The verifier's result: a Verdict (`valid`, `invalid` or `cannot-confirm`) with every check
 * listed in a fixed order, each with its result, a stable reason code and the time of the data
 * it used (e.g. "revocation list as of 10:02"). Codes are closed strings the pages translate;
 * messages are English, for logs and tests.
 */
import type { DccErrorCode, DccSummary, DccType, WhoSummary } from '../dcc/index.ts'
import type { CredentialSummary } from '../fhir/index.ts'
import type { EntryErrorCode } from '../leaf/index.ts'
import type { MerkleErrorCode } from '../merkle/index.ts'
import type { NoteErrorCode } from '../note/index.ts'
import type { ShcErrorCode } from '../shc/index.ts'
import type { VerifyErrorCode } from './errors.ts'

/** The checks, in the order a verifier shows them. */
export const CHECK_IDS = [
  'format',
  'issuer',
  'signature',
  'expiry',
  'revocation',
  'ledger',
  'checkpoint',
  'witnesses',
] as const

/**
 * A check listed only when asked for, after the others: `rules`, a country's EU business rules
 * (CertLogic) applied to an EU DCC when the venue chose a country of arrival.
 */
export const RULES_CHECK_ID = 'rules' as const

export type CheckId = (typeof CHECK_IDS)[number] | typeof RULES_CHECK_ID

/** The reasons the verifier names itself, by the check that gives them. */
const OWN_CODES = [
  // format
  'VERIFY_FORMAT_OK',
  'VERIFY_INPUT_EMPTY',
  'VERIFY_INPUT_UNRECOGNISED',
  'VERIFY_CONTENT_UNREADABLE',
  // issuer (VERIFY_DATA_STALE also for revocation)
  'VERIFY_NO_TRUST',
  'VERIFY_ISSUER_UNKNOWN',
  'VERIFY_ISSUER_TRUSTED',
  'VERIFY_DATA_STALE',
  // signature
  'VERIFY_SIGNATURE_VALID',
  // expiry
  'VERIFY_NOT_EXPIRED',
  'VERIFY_NO_EXPIRY',
  // revocation
  'VERIFY_NO_CRL',
  'VERIFY_NO_RID',
  'VERIFY_NOT_REVOKED',
  'VERIFY_SUPERSEDED',
  // checkpoint and witnesses
  'VERIFY_CHECKPOINT_SIGNED',
  'VERIFY_LOG_FORK',
  /** A checkpoint of a frozen log shard past its final size (docs/LEDGER.md "Shards"). */
  'VERIFY_SHARD_PAST_FINAL',
  'VERIFY_WITNESS_QUORUM_MET',
  'VERIFY_WITNESSES_NOT_REQUIRED',
  // ledger
  'VERIFY_LEDGER_INCLUDED',
  'VERIFY_LEDGER_NOT_FOUND',
  'VERIFY_LEDGER_NOT_YET',
  'VERIFY_LEDGER_NOT_IN_CHECKPOINT',
  'VERIFY_LEDGER_UNAVAILABLE',
  'VERIFY_LEDGER_NOT_ANCHORED',
  'VERIFY_CHECKPOINT_UNVERIFIED',
  // ledger, from the device's offline snapshot (core/snapshot) when the log cannot be reached
  'VERIFY_SNAPSHOT_NEWER',
  'VERIFY_SNAPSHOT_STALE',
  // any check: not reached, or a failure that is not a core error
  'VERIFY_NOT_CHECKED',
  'VERIFY_UNEXPECTED',
] as const satisfies readonly `VERIFY_${string}`[]

/** SMART Health Cards codes the verifier writes itself (expiry, SHC 1.4 revocation). */
const SHC_CODES = [
  'SHC_EXPIRED',
  'SHC_NBF_FUTURE',
  'SHC_REVOKED',
  'SHC_CRL_UNAVAILABLE',
] as const satisfies readonly ShcErrorCode[]

/**
 * EU DCC (HC1) codes: the pass codes the DCC verifier writes, then every step's failure code
 * (core/dcc). Produced by test/unit/verify/verify-dcc.test.ts.
 */
export const DCC_CHECK_CODES = [
  // pass
  'DCC_FORMAT_OK',
  'DCC_SIGNER_TRUSTED',
  'DCC_SIGNATURE_VALID',
  'DCC_NOT_EXPIRED',
  'DCC_NOT_REVOKED',
  'DCC_NO_REVOCATION_LIST',
  // format
  'DCC_PREFIX',
  'DCC_BASE45',
  'DCC_ZLIB',
  'DCC_COSE',
  'DCC_CWT',
  'DCC_SCHEMA',
  // issuer
  'DCC_KID_UNKNOWN',
  'DCC_KEY_USAGE',
  'DCC_TRUST',
  // signature
  'DCC_ALG',
  'DCC_SIGNATURE',
  // expiry
  'DCC_NOT_YET_VALID',
  'DCC_EXPIRED',
  'DCC_DSC_EXPIRED',
  'DCC_DSC_NOT_YET_VALID',
  // revocation
  'DCC_REVOKED',
  // rules (core/certlogic): passed; a rule failed or could not be evaluated; the set has no rule
  // of the country of arrival; the set does not validate
  'DCC_RULES_PASSED',
  'DCC_RULE_FAILED',
  'DCC_RULE_ERROR',
  'DCC_RULES_NONE',
  'DCC_RULES_INVALID',
] as const satisfies readonly (DccErrorCode | `DCC_${string}`)[]

/** Every code the verifier puts on a check by name: a closed list, each produced by a test. */
export const VERIFY_CHECK_CODES = [...OWN_CODES, ...SHC_CODES, ...DCC_CHECK_CODES] as const

export type VerifyCheckCode = (typeof VERIFY_CHECK_CODES)[number]

/**
 * Codes of the core errors a check passes on when a core step rejects the card or the log's
 * data: the card's text, JWS, keys and CRL (shc), the checkpoint note and witness policy (note),
 * the inclusion proof (merkle), the ledger leaf (leaf), the scanned input (verify).
 */
export type CoreCheckCode =
  | ShcErrorCode
  | NoteErrorCode
  | MerkleErrorCode
  | EntryErrorCode
  | VerifyErrorCode

/** A check's code: closed, so a misspelt code fails the typecheck. */
export type CheckCode = VerifyCheckCode | CoreCheckCode

/**
 * `pass` and `fail` are findings; `unknown` means the data needed is missing, stale or
 * unreachable (→ cannot-confirm); `skipped` means the check does not apply or an earlier one
 * made it pointless (it never changes the verdict).
 */
export type CheckResult = 'pass' | 'fail' | 'unknown' | 'skipped'

export interface Check {
  readonly id: CheckId
  readonly result: CheckResult
  /** Stable reason code: a VERIFY_* code of this module or the core code that failed. */
  readonly code: CheckCode
  readonly message: string
  /** POSIX seconds: when the data this check relied on was current (CRL, key set, checkpoint…). */
  readonly asOf?: number
  /** Extra facts for display, e.g. the ledger index or the issuer's name. */
  readonly detail?: Readonly<Record<string, string>>
}

export type VerdictStatus = 'valid' | 'invalid' | 'cannot-confirm'

/** What the card claims, once its signature verified (never shown for an unverified card). */
export interface CardFacts {
  readonly iss: string
  readonly kid: string
  readonly nbf: number
  readonly exp?: number
  readonly issuerName: string
  /** The Vigil deployment whose trust material named the issuer. */
  readonly deployment: string
  /** How the card arrived: a QR text, a bare JWS, or a `.smart-health-card` file. */
  readonly source: 'qr' | 'jws' | 'file'
}

/** What an EU DCC states about itself, once its signature verified. */
export interface DccFacts {
  /** CWT `iss`: the issuing country. */
  readonly country: string | undefined
  /** Base64 key id of the signer certificate. */
  readonly kid: string
  readonly iat: number
  readonly exp: number
  readonly alg: 'ES256' | 'PS256'
  readonly type?: DccType
  /** The country the trust list files the signer under. */
  readonly signerCountry?: string
  /** Name, birth date and the vaccination, test or recovery (only for a schema-valid DCC). */
  readonly summary?: DccSummary
  /** The WHO claims (DDCC vaccination or test, ICVP) the certificate carries, once checked. */
  readonly who?: readonly WhoSummary[]
}

export interface Verdict {
  readonly status: VerdictStatus
  /** The check that decided a non-valid verdict (the first fail, else the first unknown). */
  readonly reason: Check | undefined
  /** Every check, in CHECK_IDS order (then `rules`, when a rule set was applied). */
  readonly checks: readonly Check[]
  /** Name, birth date and what was given or tested: only for a card whose signature verified. */
  readonly summary?: CredentialSummary
  readonly card?: CardFacts
  /** An EU DCC's facts (instead of `summary` and `card`, which are a SMART Health Card's). */
  readonly dcc?: DccFacts
  /** When the trust material used was assembled (POSIX seconds), and its age at `now`. */
  readonly dataAsOf?: number
  readonly dataAge?: number
  /** Non-fatal findings (core warning codes, e.g. SHC_QR_CHUNKED, VERIFY_FILE_MORE_CARDS). */
  readonly warnings: readonly string[]
  /** The `now` the verdict was computed for (POSIX seconds). */
  readonly now: number
}
