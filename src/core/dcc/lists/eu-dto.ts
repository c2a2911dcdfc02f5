/**
 * @module core/dcc/lists/eu-dto
 * The EU gateway's trust list (dgc-gateway `TrustListDto[]`, dcc.md §4): entries of
 * `certificateType` CSCA and DSC (UPLOAD and AUTHENTICATION are the gateway's own and ignored),
 * each `{kid, timestamp, country, certificateType, thumbprint, signature, rawData}`. Every entry's
 * thumbprint must be the SHA-256 of its DER; every DSC must chain to a CSCA of its country. The
 * per-entry `signature` (the trust anchor's or the upload CMS) is the gateway's check at upload
 * and is not re-verified here: the CSCA → DSC chain is.
 */
import { sha256, toHex } from '../../codec/index.ts'
import { checkSigners, derOf, type ListedCsca, type ListedDsc } from './chain.ts'
import { formatError, isObject, parseListJson } from './json.ts'
import type { DccListOptions, DccListProblem, DccTrustList } from './types.ts'

const COUNTRY = /^[A-Z]{2}$/

export async function loadEuDtoList(
  bytes: Uint8Array | string,
  options: DccListOptions,
): Promise<DccTrustList> {
  const json = parseListJson(bytes)
  if (!Array.isArray(json)) throw formatError('an EU gateway trust list is a JSON array')
  const dscs: ListedDsc[] = []
  const cscas: ListedCsca[] = []
  const problems: DccListProblem[] = []
  for (const [i, entry] of json.entries()) {
    if (!isObject(entry)) throw formatError(`entry ${i} is not an object`, `[${i}]`)
    const { certificateType: type, country, kid, thumbprint, rawData } = entry
    if (type !== 'DSC' && type !== 'CSCA') continue
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
    if (type === 'CSCA') cscas.push({ der, country })
    else dscs.push({ der, country, kid: typeof kid === 'string' ? kid : undefined })
  }
  const checked = await checkSigners(dscs, cscas, true)
  return {
    format: 'eu-dto',
    source: options.source,
    asOf: options.asOf,
    signers: checked.signers,
    problems: [...problems, ...checked.problems],
  }
}
