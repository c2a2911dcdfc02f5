/**
 * @module core/dcc/lists/verifier-service
 * A capture of a national verifier service (dgca-verifier-service, dcc.md §4): the JSON array
 * of `GET /signercertificateStatus` (the valid kids) and each `GET /signercertificateUpdate`
 * answer (a base64 DER body with its `X-KID` header), saved as
 * `{"signercertificateStatus": [kid…], "signercertificateUpdate": [{"kid", "rawData"}…]}`.
 * Apps delete kids the status list no longer names, so a DSC absent from it is not loaded.
 * The service has no list signature (TLS only); CSCAs, when the importer has them, are
 * given as `cscas` (base64 DER) and then every DSC must chain to one.
 */

import { isJsonObject } from '../../codec/index.ts'
import { checkSigners, derOf, type ListedCsca, type ListedDsc } from './chain.ts'
import { formatError, parseListJson } from './json.ts'
import type { DccListOptions, DccTrustList } from './types.ts'

export async function loadVerifierServiceList(
  bytes: Uint8Array | string,
  options: DccListOptions,
): Promise<DccTrustList> {
  const json = parseListJson(bytes)
  if (!isJsonObject(json)) throw formatError('a verifier-service capture is a JSON object')
  const status = json.signercertificateStatus
  const updates = json.signercertificateUpdate
  if (!Array.isArray(status) || !status.every((k) => typeof k === 'string')) {
    throw formatError('signercertificateStatus must be an array of kids', 'signercertificateStatus')
  }
  if (!Array.isArray(updates)) {
    throw formatError('signercertificateUpdate must be an array', 'signercertificateUpdate')
  }
  const valid = new Set<string>(status)
  const dscs: ListedDsc[] = []
  for (const [i, u] of updates.entries()) {
    if (!isJsonObject(u) || typeof u.kid !== 'string') {
      throw formatError(`update ${i} needs kid and rawData`, `signercertificateUpdate[${i}]`)
    }
    if (!valid.has(u.kid)) continue
    dscs.push({ der: derOf(u.rawData, `signercertificateUpdate[${i}].rawData`), kid: u.kid })
  }
  const cscaList = json.cscas === undefined ? [] : json.cscas
  if (!Array.isArray(cscaList)) throw formatError('cscas must be an array', 'cscas')
  const cscas: ListedCsca[] = cscaList.map((c, i) => ({ der: derOf(c, `cscas[${i}]`) }))
  const checked = await checkSigners(dscs, cscas, cscas.length > 0)
  return { format: 'verifier-service', source: options.source, asOf: options.asOf, ...checked }
}
