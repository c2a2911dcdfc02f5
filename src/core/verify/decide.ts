/**
 * @module core/verify/decide
 * The verdict from its checks, one rule for every credential format (SMART Health Card, EU
 * DCC): `invalid` when a check of the card itself fails or the log is caught lying, else
 * `cannot-confirm` when anything failed or is unknown, else `valid` (see verify.ts).
 */
import type { Check, CheckCode, CheckId, VerdictStatus } from './types.ts'

/**
 * Proof that the log or a witness lies, not just missing data: a cosignature from a policy
 * witness that does not verify, or two signed tree heads that cannot both hold (a fork). The
 * verdict is `invalid`, as for a bad card.
 */
const LOG_FRAUD_CODES = new Set<CheckCode>([
  'COSIGNATURE_BAD',
  'VERIFY_LOG_FORK',
  // A frozen log shard's key signed a tree past its final size (docs/LEDGER.md "Shards").
  'VERIFY_SHARD_PAST_FINAL',
])
/** A failure of one of these is a failure of the card: the verdict is `invalid`. */
const CARD_CHECKS = new Set<CheckId>([
  'format',
  'issuer',
  'signature',
  'expiry',
  'revocation',
  'ledger',
  // A country's acceptance rule that the certificate does not meet (EU DCC business rules).
  'rules',
])
/** Decides the verdict from the checks (see the module comment). */
export function decideVerdict(checks: readonly Check[]): {
  status: VerdictStatus
  reason: Check | undefined
} {
  const failed = checks.find(
    (c) => c.result === 'fail' && (CARD_CHECKS.has(c.id) || LOG_FRAUD_CODES.has(c.code)),
  )
  if (failed !== undefined) return { status: 'invalid', reason: failed }
  const doubt =
    checks.find((c) => c.result === 'fail') ?? checks.find((c) => c.result === 'unknown')
  if (doubt !== undefined) return { status: 'cannot-confirm', reason: doubt }
  return { status: 'valid', reason: undefined }
}
