/**
 * @module core/verify/kinds
 * What a door needs from a Verdict: one of four kinds, each with a plain sentence. `valid`
 * (accept); `not-valid` (proof against the card or the log: forged, altered, revoked, expired,
 * missing from the log, a forked log); `cannot-confirm` (the device lacks what it needs: trust
 * data too old, a card newer than its copy of the log, an issuer it does not know, a certificate
 * kind it does not read); `could-not-read` (nothing, or a damaged or partial scan: try again).
 * The check code stays on the result for support staff; the sentence is a key the pages
 * translate. Pure and total: every code the verifier names maps to exactly one kind.
 */
import type { VerifyErrorCode } from './errors.ts'
import type { Check, CheckCode, Verdict, VerifyCheckCode } from './types.ts'

export const VERDICT_KINDS = ['valid', 'not-valid', 'cannot-confirm', 'could-not-read'] as const
export type VerdictKind = (typeof VERDICT_KINDS)[number]

/** The plain sentences, by key (pages translate `plain.<key>`). */
export const PLAIN_KEYS = [
  'valid',
  // valid, an EU DCC: signed by a key on a trusted list (not in a Vigil ledger)
  'valid-dcc',
  // valid, only WHO claims (ICVP, DDCC) in the HC1 container: the same, with no EU list named
  'valid-who',
  // not-valid
  'altered',
  'forged',
  'revoked',
  'superseded',
  'expired',
  'not-yet-valid',
  'not-in-log',
  'log-forked',
  'witness-bad',
  // cannot-confirm
  'issuer-unknown',
  'data-stale',
  'no-trust',
  'trust-invalid',
  'newer-than-copy',
  'copy-stale',
  'not-yet-published',
  'ledger-unreachable',
  'ledger-proof',
  'checkpoint-unverified',
  'witnesses-missing',
  'revocation-unknown',
  'content-unreadable',
  'dcc-unsupported',
  // not-valid, EU DCC only: its signer may not sign it, or its content breaks the EU format
  'signer-invalid',
  'signer-not-allowed',
  'content-invalid',
  // not-valid, EU DCC with a country's business rules: the rule named does not accept it
  'rule-failed',
  // cannot-confirm: the rule set has no rules for the chosen country
  'rules-none',
  'unexpected',
  // could-not-read
  'empty',
  'damaged',
  'partial',
  'unrecognised',
] as const
export type PlainKey = (typeof PLAIN_KEYS)[number]

export interface PlainVerdict {
  readonly kind: VerdictKind
  readonly key: PlainKey
  /** The deciding check's code (none for a valid card): for support staff. */
  readonly code: CheckCode | undefined
  /**
   * Facts the sentence names: `iss` (unknown issuer), `scanned` and `total` (partial scan),
   * `rule` and `desc` (the business rule that failed, its description in the verifier's
   * language), `country` (of arrival).
   */
  readonly params: Readonly<Record<string, string>>
}

type Plain = readonly [VerdictKind, PlainKey]
const VALID: Plain = ['valid', 'valid']

/**
 * Every code the verifier writes itself, and every VerifyError code. A pass code never decides a
 * non-valid verdict; it maps to `valid` so that the table is total (the typecheck fails on a new
 * code without a row).
 */
export const CODE_KINDS: Readonly<Record<VerifyCheckCode | VerifyErrorCode, Plain>> = {
  VERIFY_FORMAT_OK: VALID,
  VERIFY_INPUT_EMPTY: ['could-not-read', 'empty'],
  VERIFY_INPUT_UNRECOGNISED: ['could-not-read', 'unrecognised'],
  VERIFY_INPUT_DCC: ['cannot-confirm', 'dcc-unsupported'],
  VERIFY_CONTENT_UNREADABLE: ['cannot-confirm', 'content-unreadable'],
  VERIFY_NO_TRUST: ['cannot-confirm', 'no-trust'],
  VERIFY_ISSUER_UNKNOWN: ['cannot-confirm', 'issuer-unknown'],
  VERIFY_ISSUER_TRUSTED: VALID,
  VERIFY_DATA_STALE: ['cannot-confirm', 'data-stale'],
  VERIFY_SIGNATURE_VALID: VALID,
  VERIFY_NOT_EXPIRED: VALID,
  VERIFY_NO_EXPIRY: VALID,
  VERIFY_NO_CRL: VALID,
  VERIFY_NO_RID: VALID,
  VERIFY_NOT_REVOKED: VALID,
  VERIFY_SUPERSEDED: ['not-valid', 'superseded'],
  VERIFY_CHECKPOINT_SIGNED: VALID,
  VERIFY_LOG_FORK: ['not-valid', 'log-forked'],
  VERIFY_SHARD_PAST_FINAL: ['not-valid', 'log-forked'],
  VERIFY_WITNESS_QUORUM_MET: VALID,
  VERIFY_WITNESSES_NOT_REQUIRED: VALID,
  VERIFY_LEDGER_INCLUDED: VALID,
  VERIFY_LEDGER_NOT_FOUND: ['not-valid', 'not-in-log'],
  VERIFY_LEDGER_NOT_YET: ['cannot-confirm', 'newer-than-copy'],
  VERIFY_LEDGER_NOT_IN_CHECKPOINT: ['cannot-confirm', 'not-yet-published'],
  VERIFY_LEDGER_UNAVAILABLE: ['cannot-confirm', 'ledger-unreachable'],
  VERIFY_SNAPSHOT_NEWER: ['cannot-confirm', 'newer-than-copy'],
  VERIFY_SNAPSHOT_STALE: ['cannot-confirm', 'copy-stale'],
  VERIFY_LEDGER_NOT_ANCHORED: VALID,
  VERIFY_CHECKPOINT_UNVERIFIED: ['cannot-confirm', 'checkpoint-unverified'],
  VERIFY_NOT_CHECKED: ['cannot-confirm', 'unexpected'],
  VERIFY_UNEXPECTED: ['cannot-confirm', 'unexpected'],
  VERIFY_TRUST_SIGNATURE: ['cannot-confirm', 'trust-invalid'],
  VERIFY_TRUST_FORMAT: ['cannot-confirm', 'trust-invalid'],
  VERIFY_TRUST_KEY_MISMATCH: ['cannot-confirm', 'trust-invalid'],
  // Entry rules, never a card's verdict: rows only so that the table stays total.
  VERIFY_RULES_NOT_LOGGED: ['cannot-confirm', 'trust-invalid'],
  VERIFY_RULES_PROOF: ['cannot-confirm', 'trust-invalid'],
  SHC_EXPIRED: ['not-valid', 'expired'],
  SHC_NBF_FUTURE: ['not-valid', 'not-yet-valid'],
  SHC_REVOKED: ['not-valid', 'revoked'],
  SHC_CRL_UNAVAILABLE: ['cannot-confirm', 'revocation-unknown'],
  DCC_FORMAT_OK: VALID,
  DCC_SIGNER_TRUSTED: VALID,
  DCC_SIGNATURE_VALID: VALID,
  DCC_NOT_EXPIRED: VALID,
  DCC_NOT_REVOKED: VALID,
  DCC_NO_REVOCATION_LIST: VALID,
  DCC_PREFIX: ['could-not-read', 'unrecognised'],
  DCC_BASE45: ['could-not-read', 'damaged'],
  DCC_ZLIB: ['could-not-read', 'damaged'],
  DCC_COSE: ['could-not-read', 'damaged'],
  DCC_CWT: ['could-not-read', 'damaged'],
  // Signed, yet not a DCC the EU schema allows (e.g. two entries): the EU apps refuse it too.
  DCC_SCHEMA: ['not-valid', 'content-invalid'],
  // No trusted signer has the kid: this device's list may lack it (or the code is forged).
  DCC_KID_UNKNOWN: ['cannot-confirm', 'issuer-unknown'],
  DCC_KEY_USAGE: ['not-valid', 'signer-not-allowed'],
  DCC_TRUST: ['cannot-confirm', 'trust-invalid'],
  DCC_ALG: ['not-valid', 'altered'],
  DCC_SIGNATURE: ['not-valid', 'altered'],
  DCC_NOT_YET_VALID: ['not-valid', 'not-yet-valid'],
  DCC_EXPIRED: ['not-valid', 'expired'],
  DCC_DSC_EXPIRED: ['not-valid', 'signer-invalid'],
  DCC_DSC_NOT_YET_VALID: ['not-valid', 'signer-invalid'],
  DCC_REVOKED: ['not-valid', 'revoked'],
  DCC_RULES_PASSED: VALID,
  // A rule that cannot be evaluated counts as failed (CertLogic spec; the EU apps do the same).
  DCC_RULE_FAILED: ['not-valid', 'rule-failed'],
  DCC_RULE_ERROR: ['not-valid', 'rule-failed'],
  DCC_RULES_NONE: ['cannot-confirm', 'rules-none'],
  DCC_RULES_INVALID: ['cannot-confirm', 'trust-invalid'],
}

/** Core codes passed on by a check, by the check that failed (the table above comes first). */
function byCheck(check: Check): Plain {
  const { id, code } = check
  switch (id) {
    case 'format':
      // Any reading failure of the text, QR digits, JWS or claims: a rescan may well succeed.
      return code === 'SHC_QR_CHUNK_MISSING'
        ? ['could-not-read', 'partial']
        : ['could-not-read', 'damaged']
    case 'issuer':
      // A trusted `iss` whose published keys do not include the card's kid: not its key.
      return code === 'SHC_KEY_NOT_FOUND'
        ? ['not-valid', 'forged']
        : ['cannot-confirm', 'trust-invalid']
    case 'signature':
      return ['not-valid', 'altered']
    case 'expiry':
      return ['not-valid', 'expired']
    case 'revocation':
      return ['cannot-confirm', 'revocation-unknown']
    case 'ledger':
      // An entry no leaf can hold was never logged; a proof that fails is the log's fault.
      return check.result === 'fail'
        ? ['not-valid', 'not-in-log']
        : ['cannot-confirm', 'ledger-proof']
    case 'checkpoint':
      return ['cannot-confirm', 'checkpoint-unverified']
    case 'rules':
      return ['cannot-confirm', 'trust-invalid']
    case 'witnesses':
      // A policy witness's cosignature that does not verify is proof of a lie (see verify.ts).
      return code === 'COSIGNATURE_BAD'
        ? ['not-valid', 'witness-bad']
        : ['cannot-confirm', 'witnesses-missing']
  }
}

function hasOwn(code: CheckCode): code is VerifyCheckCode | VerifyErrorCode {
  return Object.hasOwn(CODE_KINDS, code)
}

/** The kind and sentence of one check's code (its own row, else its check's rule). */
export function plainOfCheck(check: Check): { kind: VerdictKind; key: PlainKey } {
  const [kind, key] = hasOwn(check.code) ? CODE_KINDS[check.code] : byCheck(check)
  return { kind, key }
}

/** `k of n` for a chunked `shc:/C/N/…` set with parts missing (undefined otherwise). */
export interface ScanProgress {
  readonly scanned: number
  readonly total: number
}

/**
 * The Verdict in plain words. A non-valid verdict is never shown as `valid`: should its deciding
 * code map there, the door is told it cannot confirm. `progress` (from qrChunkProgress) fills
 * the partial-scan sentence.
 */
export function plainVerdict(verdict: Verdict, progress?: ScanProgress): PlainVerdict {
  const reason = verdict.reason
  if (verdict.status === 'valid' || reason === undefined) {
    // An EU DCC is not in the ledger: its sentence must not say so.
    const dcc = verdict.dcc
    const whoOnly = dcc?.summary === undefined && (dcc?.who?.length ?? 0) > 0
    const key = dcc === undefined ? 'valid' : whoOnly ? 'valid-who' : 'valid-dcc'
    return { kind: 'valid', key, code: undefined, params: {} }
  }
  let { kind, key } = plainOfCheck(reason)
  if (kind === 'valid') [kind, key] = ['cannot-confirm', 'unexpected']
  const params: Record<string, string> = {}
  const iss = reason.detail?.iss ?? verdict.card?.iss
  if (iss !== undefined) params.iss = iss
  for (const name of ['rule', 'desc', 'country'] as const) {
    const value = reason.detail?.[name]
    if (value !== undefined) params[name] = value
  }
  if (key === 'partial' && progress !== undefined) {
    params.scanned = String(progress.scanned)
    params.total = String(progress.total)
  }
  return { kind, key, code: reason.code, params }
}
