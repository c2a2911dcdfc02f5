/**
 * @module core/dcc/lists/eu-dto
 * The EU gateway's trust list (dgc-gateway `TrustListDto[]`, dcc.md §4): entries of
 * `certificateType` CSCA, UPLOAD, DSC (and AUTHENTICATION, the gateway's own mTLS clients,
 * ignored), each `{kid, timestamp, country, certificateType, thumbprint, signature, rawData}`.
 * Every entry's thumbprint must be the SHA-256 of its DER; every DSC must chain to a CSCA of
 * its country.
 *
 * The per-entry `signature` is a base64 CMS SignedData (cms.ts) over the entry's DER, detached:
 * for CSCA and UPLOAD entries (the gateway's "trusted parties") it is signed offline by the
 * gateway's trust anchor (DCCG_TA); for a DSC it is the country's upload, signed by one of its
 * UPLOAD certificates. With `trustAnchors` (the TA certificates the operator pinned, DER) both
 * are verified: a CSCA or UPLOAD entry without a valid TA signature, and a DSC without a valid
 * signature by an accepted UPLOAD certificate of its own country from the same list, are dropped
 * (DCC_LIST_SIGNATURE). Without anchors the entries load as before, with a warning that their
 * signatures were not checked: anyone who can edit the file could then add a CSCA and its DSCs.
 */
import { fromBase64, isJsonObject, sha256, toHex } from '../../codec/index.ts'
import { type CertificateParts, readCertificate } from '../certificate.ts'
import { verifySignedContent } from '../cms.ts'
import { DccListError } from '../errors.ts'
import { checkSigners, derOf, type ListedCsca, type ListedDsc } from './chain.ts'
import { formatError, parseListJson } from './json.ts'
import type { DccListOptions, DccListProblem, DccTrustList } from './types.ts'

const COUNTRY = /^[A-Z]{2}$/

export interface EuDtoListOptions extends DccListOptions {
  /** The gateway trust anchor certificate(s) (DER) whose signatures CSCA and UPLOAD entries carry. */
  readonly trustAnchors?: readonly Uint8Array[]
}

const PEM = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g

/**
 * Trust anchor certificates from a file as operators get them: one or more PEM CERTIFICATE
 * blocks, or one DER certificate. Each is checked to be X.509 (DCC_LIST_FORMAT otherwise).
 */
export function readTrustAnchors(bytes: Uint8Array): Uint8Array[] {
  // Lenient UTF-8: a DER file is not text (its bytes become U+FFFD), and PEM is ASCII.
  const text = new TextDecoder().decode(bytes)
  const blocks = [...text.matchAll(PEM)].map((m) => fromBase64((m[1] ?? '').replace(/\s+/g, '')))
  const ders = blocks.length > 0 ? blocks : bytes[0] === 0x30 ? [bytes] : []
  if (ders.length === 0) {
    throw new DccListError('DCC_LIST_FORMAT', 'no PEM or DER certificate in the trust anchor', {
      field: 'trustAnchors',
    })
  }
  readAnchors(ders)
  return ders
}

interface Entry {
  readonly index: number
  readonly type: 'CSCA' | 'UPLOAD' | 'DSC'
  readonly country: string
  readonly kid: string | undefined
  readonly der: Uint8Array
  readonly signature: unknown
}

function readAnchors(anchors: readonly Uint8Array[]): CertificateParts[] {
  return anchors.map((der, i) => {
    try {
      return readCertificate(der)
    } catch (err) {
      throw new DccListError(
        'DCC_LIST_FORMAT',
        `trust anchor ${i} is not an X.509 certificate: ${(err as Error).message}`,
        { field: 'trustAnchors' },
      )
    }
  })
}

/** Verifies an entry's CMS signature by one of `signers`; a problem naming the entry if not. */
async function signatureProblem(
  e: Entry,
  signers: readonly CertificateParts[],
  by: string,
): Promise<DccListProblem | undefined> {
  const name = `entry ${e.index} (${e.type} of ${e.country})`
  const kid = e.kid === undefined ? {} : { kid: e.kid }
  if (typeof e.signature !== 'string' || e.signature.length === 0) {
    return { code: 'DCC_LIST_SIGNATURE', message: `${name}: no signature by ${by}`, ...kid }
  }
  try {
    await verifySignedContent(derOf(e.signature, `[${e.index}].signature`), e.der, signers)
    return undefined
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    return { code: 'DCC_LIST_SIGNATURE', message: `${name}: ${reason} (${by})`, ...kid }
  }
}

export async function loadEuDtoList(
  bytes: Uint8Array | string,
  options: EuDtoListOptions,
): Promise<DccTrustList> {
  const json = parseListJson(bytes)
  if (!Array.isArray(json)) throw formatError('an EU gateway trust list is a JSON array')
  const anchors = readAnchors(options.trustAnchors ?? [])
  const entries: Entry[] = []
  const problems: DccListProblem[] = []
  for (const [i, entry] of json.entries()) {
    if (!isJsonObject(entry)) throw formatError(`entry ${i} is not an object`, `[${i}]`)
    const { certificateType: type, country, kid, thumbprint, rawData, signature } = entry
    if (type !== 'DSC' && type !== 'CSCA' && type !== 'UPLOAD') continue
    if (typeof country !== 'string' || !COUNTRY.test(country)) {
      throw formatError(`entry ${i}: country must be ISO 3166-1 alpha-2`, `[${i}].country`)
    }
    const der = derOf(rawData, `[${i}].rawData`)
    if (typeof thumbprint !== 'string' || thumbprint.toLowerCase() !== toHex(await sha256(der))) {
      problems.push({
        code: 'DCC_LIST_FORMAT',
        message: `entry ${i}: thumbprint is not the SHA-256 of rawData`,
        ...(typeof kid === 'string' ? { kid } : {}),
      })
      continue
    }
    entries.push({
      index: i,
      type,
      country,
      kid: typeof kid === 'string' ? kid : undefined,
      der,
      signature,
    })
  }
  let accepted = entries
  const warnings: DccListProblem[] = []
  if (anchors.length > 0) {
    accepted = []
    // The trust anchor signs only the certificate: the country beside it is not signed, so an
    // UPLOAD certificate must name the country it is filed under (a CSCA: chain.ts compares).
    const uploads = new Map<string, CertificateParts[]>()
    for (const e of entries.filter((x) => x.type !== 'DSC')) {
      const p = await signatureProblem(e, anchors, 'the trust anchor')
      if (p !== undefined) {
        problems.push(p)
        continue
      }
      if (e.type === 'UPLOAD') {
        let parts: CertificateParts
        try {
          parts = readCertificate(e.der)
          // Required, not only compared: an UPLOAD naming no country could be filed anywhere.
          if (parts.country !== e.country) {
            throw new DccListError(
              'DCC_LIST_COUNTRY',
              `an UPLOAD certificate of ${parts.country ?? 'no country'} is listed under ${e.country}`,
            )
          }
        } catch (err) {
          const code = err instanceof DccListError ? err.code : 'DCC_LIST_FORMAT'
          const message = `entry ${e.index}: ${(err as Error).message}`
          problems.push({ code, message, ...(e.kid === undefined ? {} : { kid: e.kid }) })
          continue
        }
        uploads.set(e.country, [...(uploads.get(e.country) ?? []), parts])
      }
      accepted.push(e)
    }
    for (const e of entries.filter((x) => x.type === 'DSC')) {
      const by = `an UPLOAD certificate of ${e.country}`
      const p = await signatureProblem(e, uploads.get(e.country) ?? [], by)
      if (p === undefined) accepted.push(e)
      else problems.push(p)
    }
  } else if (entries.length > 0) {
    warnings.push({
      code: 'DCC_LIST_SIGNATURE',
      message:
        'the entries’ signatures (trust anchor, upload) were not checked: no gateway trust anchor is configured',
    })
  }
  const cscas: ListedCsca[] = accepted
    .filter((e) => e.type === 'CSCA')
    .map((e) => ({ der: e.der, country: e.country }))
  const dscs: ListedDsc[] = accepted
    .filter((e) => e.type === 'DSC')
    .map((e) => ({ der: e.der, country: e.country, kid: e.kid }))
  const checked = await checkSigners(dscs, cscas, true)
  return {
    format: 'eu-dto',
    source: options.source,
    asOf: options.asOf,
    signers: checked.signers,
    problems: [...problems, ...checked.problems],
    ...(warnings.length > 0 ? { warnings } : {}),
  }
}
