/**
 * @module core/dcc/validity
 * Time and key usage. The clock is the verifier's, passed in (POSIX seconds), with a stated
 * skew for `iat` only. Following dcc.md §3 (and the EU apps) the checks are: iat ≤ now + skew,
 * now ≤ exp, the DSC valid at now, and iat ≥ DSC notBefore (hcert §3.3.5: a DCC cannot predate
 * its signer). `exp` beyond the DSC's notAfter is a warning, not a failure: issuers did sign so
 * (dgc-testdata PL/1.3.0/6), and the DSC's own expiry is enforced at `now` anyway.
 */
import { DccError } from './errors.ts'
import type { DccSigner } from './trust.ts'

/** Allowed clock difference for `iat`, in seconds (a device clock a few minutes fast or slow). */
export const DCC_CLOCK_SKEW_SECONDS = 300

/** The certificate types of hcert §3.3.2 (exactly one per DCC). */
export type DccType = 'v' | 't' | 'r'

/**
 * hcert Annex A.4 extended key usage OIDs per type, with the early test-certificate family
 * (an extra `0` arc) that the EU reference apps accept too.
 */
const EKU_TYPES: Readonly<Record<string, DccType>> = {
  '1.3.6.1.4.1.1847.2021.1.1': 't',
  '1.3.6.1.4.1.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.1847.2021.1.3': 'r',
  '1.3.6.1.4.1.0.1847.2021.1.1': 't',
  '1.3.6.1.4.1.0.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.0.1847.2021.1.3': 'r',
}

export interface TimeInput {
  readonly iat: number
  readonly exp: number
}

/** Throws the first time failure (DCC_NOT_YET_VALID, DCC_EXPIRED, DCC_DSC_*); returns warnings. */
export function checkDccTime(
  claims: TimeInput,
  signer: Pick<DccSigner, 'notBefore' | 'notAfter'> | undefined,
  now: number,
  skew = DCC_CLOCK_SKEW_SECONDS,
): string[] {
  const fail = (
    code: 'DCC_NOT_YET_VALID' | 'DCC_EXPIRED' | 'DCC_DSC_EXPIRED' | 'DCC_DSC_NOT_YET_VALID',
    message: string,
    field: string,
  ) => new DccError(code, message, { field })
  if (claims.iat > now + skew) throw fail('DCC_NOT_YET_VALID', 'issued in the future', 'iat')
  if (now > claims.exp) throw fail('DCC_EXPIRED', 'the certificate has expired', 'exp')
  const warnings: string[] = []
  if (signer !== undefined) {
    const { notBefore, notAfter } = signer
    if (notAfter !== undefined && now > notAfter) {
      throw fail('DCC_DSC_EXPIRED', 'the signer certificate has expired', 'dsc')
    }
    if (notBefore !== undefined && (now + skew < notBefore || claims.iat + skew < notBefore)) {
      throw fail('DCC_DSC_NOT_YET_VALID', 'signed before its signer certificate was valid', 'dsc')
    }
    if (notAfter !== undefined && claims.exp > notAfter) warnings.push('DCC_EXP_AFTER_DSC')
  }
  return warnings
}

/**
 * hcert Annex A.4: a DSC carrying any DCC type OID may sign only those types; one with none of
 * them (no extension, or unrelated OIDs such as ICAO's 2.23.136.1.1.14.2) may sign every type.
 */
export function checkDccKeyUsage(type: DccType, eku: readonly string[] | undefined): void {
  const allowed = (eku ?? []).map((oid) => EKU_TYPES[oid]).filter((t) => t !== undefined)
  if (allowed.length > 0 && !allowed.includes(type)) {
    throw new DccError('DCC_KEY_USAGE', `the signer may not sign type ${type} certificates`, {
      field: 'eku',
    })
  }
}
