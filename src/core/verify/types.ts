/**
 * @module core/verify/types
 * The verifier's result: a Verdict (`valid`, `invalid` or `cannot-confirm`) with every check
 * listed in a fixed order, each with its result, a stable reason code and the time of the data
 * it used (e.g. "revocation list as of 10:02"). Codes are closed strings the pages translate;
 * messages are English, for logs and tests.
 */
import type { CredentialSummary } from '../fhir/index.ts'

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

export type CheckId = (typeof CHECK_IDS)[number]

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
  readonly code: string
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

export interface Verdict {
  readonly status: VerdictStatus
  /** The check that decided a non-valid verdict (the first fail, else the first unknown). */
  readonly reason: Check | undefined
  /** Every check, in CHECK_IDS order. */
  readonly checks: readonly Check[]
  /** Name, birth date and what was given or tested: only for a card whose signature verified. */
  readonly summary?: CredentialSummary
  readonly card?: CardFacts
  /** When the trust material used was assembled (POSIX seconds), and its age at `now`. */
  readonly dataAsOf?: number
  readonly dataAge?: number
  /** Non-fatal findings (core warning codes, e.g. SHC_QR_CHUNKED, VERIFY_FILE_MORE_CARDS). */
  readonly warnings: readonly string[]
  /** The `now` the verdict was computed for (POSIX seconds). */
  readonly now: number
}
