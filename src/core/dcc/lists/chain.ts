/**
 * @module core/dcc/lists/chain
 * The checks every loader applies to a DSC (dcc.md §4, EU certificate governance §3): its kid
 * is its own (SHA-256 of the DER, first 8 bytes); the country it is filed under is the one its
 * certificate names; and, where the list gives CSCAs, one CSCA of that country whose subject is
 * the DSC's issuer (AKI = SKI where both are present) signed it and was valid when the DSC's
 * validity began (the shell model). A DSC that fails is dropped with the code of the check.
 */
import { fromBase64 } from '../../codec/index.ts'
import { type CertificateParts, readCertificate } from '../certificate.ts'
import { isSignedBy } from '../certificate-signature.ts'
import { DccListError } from '../errors.ts'
import { type DccSigner, dscKid, signerFromDsc } from '../trust.ts'
import type { DccListProblem } from './types.ts'

export interface ListedDsc {
  readonly der: Uint8Array
  /** The kid the list files it under (checked). */
  readonly kid?: string | undefined
  /** The country the list files it under (checked against the certificate's C). */
  readonly country?: string | undefined
}

export interface ListedCsca {
  readonly der: Uint8Array
  readonly country?: string | undefined
}

const equalBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** Base64 (standard or url-safe) of DER → bytes; DCC_LIST_FORMAT when it is not base64. */
export function derOf(text: unknown, field: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) {
    throw new DccListError('DCC_LIST_FORMAT', `${field} must be base64 DER`, { field })
  }
  try {
    return fromBase64(text)
  } catch {
    throw new DccListError('DCC_LIST_FORMAT', `${field} is not base64`, { field })
  }
}

function problem(err: unknown, kid: string | undefined): DccListProblem {
  const code = err instanceof DccListError ? err.code : 'DCC_LIST_FORMAT'
  const message = err instanceof Error ? err.message : String(err)
  return {
    code,
    message,
    ...(kid === undefined ? {} : { kid }),
  }
}

interface Anchor {
  readonly parts: CertificateParts
  readonly country: string | undefined
}

/** Reads the CSCAs; one filed under a country its certificate does not name is dropped. */
function anchors(cscas: readonly ListedCsca[], problems: DccListProblem[]): Anchor[] {
  const out: Anchor[] = []
  for (const c of cscas) {
    try {
      const parts = readCertificate(c.der)
      if (c.country !== undefined && parts.country !== undefined && parts.country !== c.country) {
        throw new DccListError(
          'DCC_LIST_COUNTRY',
          `a CSCA of ${parts.country} is listed under ${c.country}`,
          { field: 'country' },
        )
      }
      out.push({ parts, country: c.country ?? parts.country })
    } catch (err) {
      problems.push(problem(err, undefined))
    }
  }
  return out
}

async function chainsTo(dsc: CertificateParts, country: string, from: Anchor[]): Promise<boolean> {
  for (const a of from) {
    if (a.country !== country || !equalBytes(a.parts.subject, dsc.issuer)) continue
    const { subjectKeyId: ski } = a.parts
    const aki = dsc.authorityKeyId
    if (aki !== undefined && ski !== undefined && !equalBytes(aki, ski)) continue
    if (dsc.notBefore < a.parts.notBefore || dsc.notBefore > a.parts.notAfter) continue
    if (await isSignedBy(dsc, a.parts)) return true
  }
  return false
}

/**
 * The signers of `dscs` that pass every check, and a problem per DSC dropped. With
 * `requireChain`, a DSC needs a CSCA from `cscas`; without, CSCAs are checked only if given.
 */
export async function checkSigners(
  dscs: readonly ListedDsc[],
  cscas: readonly ListedCsca[],
  requireChain: boolean,
): Promise<{ signers: DccSigner[]; problems: DccListProblem[] }> {
  const problems: DccListProblem[] = []
  const trusted = anchors(cscas, problems)
  const signers: DccSigner[] = []
  for (const d of dscs) {
    try {
      const kid = await dscKid(d.der)
      if (d.kid !== undefined && d.kid !== kid) {
        throw new DccListError('DCC_LIST_KID', `listed kid ${d.kid} is not the DSC's (${kid})`, {
          field: 'kid',
        })
      }
      const parts = readCertificate(d.der)
      const country = d.country ?? parts.country
      if (country === undefined) {
        throw new DccListError('DCC_LIST_COUNTRY', 'the DSC names no country', { field: 'country' })
      }
      if (parts.country !== undefined && parts.country !== country) {
        throw new DccListError(
          'DCC_LIST_COUNTRY',
          `a DSC of ${parts.country} is listed under ${country}`,
          {
            field: 'country',
          },
        )
      }
      if ((requireChain || trusted.length > 0) && !(await chainsTo(parts, country, trusted))) {
        throw new DccListError('DCC_LIST_CHAIN', `no CSCA of ${country} signed the DSC ${kid}`, {
          field: 'certificate',
        })
      }
      signers.push(await signerFromDsc(d.der, { kid, country }))
    } catch (err) {
      problems.push(problem(err, d.kid))
    }
  }
  return { signers, problems }
}
