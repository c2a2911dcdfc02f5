/**
 * @module core/dcc/lists/jwks
 * A JWK Set whose keys carry their DSC in `x5c` (RFC 7517 §4.7; hcert Annex A allows JWKS as a
 * national format): the first certificate is the DSC, the kid must be its DCC kid, and any
 * further certificates are its CSCA chain, which the DSC must then chain to. A key without
 * `x5c` is dropped: a bare key has no country, validity or key usage to check.
 */

import { isJsonObject } from '../../codec/index.ts'
import { checkSigners, derOf, type ListedCsca, type ListedDsc } from './chain.ts'
import { formatError, parseListJson } from './json.ts'
import type { DccListOptions, DccListProblem, DccTrustList } from './types.ts'

export async function loadJwksList(
  bytes: Uint8Array | string,
  options: DccListOptions,
): Promise<DccTrustList> {
  const json = parseListJson(bytes)
  if (!isJsonObject(json) || !Array.isArray(json.keys)) throw formatError('a JWK Set has "keys"')
  const problems: DccListProblem[] = []
  const chained: { dsc: ListedDsc; cscas: ListedCsca[] }[] = []
  for (const [i, key] of json.keys.entries()) {
    if (!isJsonObject(key)) throw formatError(`key ${i} is not an object`, `keys[${i}]`)
    const kid = typeof key.kid === 'string' ? key.kid : undefined
    if (!Array.isArray(key.x5c) || key.x5c.length === 0) {
      problems.push({
        code: 'DCC_LIST_FORMAT',
        message: `key ${i} has no x5c`,
        ...(kid ? { kid } : {}),
      })
      continue
    }
    const [dsc, ...rest] = key.x5c.map((c, j) => derOf(c, `keys[${i}].x5c[${j}]`))
    chained.push({ dsc: { der: dsc as Uint8Array, kid }, cscas: rest.map((der) => ({ der })) })
  }
  const signers = []
  for (const { dsc, cscas } of chained) {
    const checked = await checkSigners([dsc], cscas, cscas.length > 0)
    signers.push(...checked.signers)
    problems.push(...checked.problems)
  }
  return { format: 'jwks', source: options.source, asOf: options.asOf, signers, problems }
}
