/**
 * @module core/dcc/lists/revocations
 * A revocation hash list as Vigil imports it (`vigil-dcc-revocations/v1`), shaped after the EU
 * gateway's revocation batches (dcc.md §6): `{"format", "batches": [{country, kid, hashType,
 * expires, entries: [{hash}]}]}`, `hash` being base64 of the first 16 bytes of SHA-256 over the
 * UCI, the country + UCI, or the signature (core/dcc/revocation.ts). A batch past `expires` is
 * dropped (the gateway deletes them), as is one with an unknown hash type.
 */
import { fromBase64, isJsonObject } from '../../codec/index.ts'
import { DCC_HASH_TYPES, type DccHashType, type DccRevocationList } from '../revocation.ts'
import { formatError, parseListJson } from './json.ts'
import type { DccListOptions, DccListProblem } from './types.ts'

export const DCC_REVOCATIONS_FORMAT = 'vigil-dcc-revocations/v1'

export interface DccRevocations {
  readonly source: string
  readonly asOf: number
  readonly revoked: DccRevocationList
  /** How many hashes were loaded. */
  readonly count: number
  readonly problems: readonly DccListProblem[]
}

export function loadDccRevocations(
  bytes: Uint8Array | string,
  options: DccListOptions,
): DccRevocations {
  const json = parseListJson(bytes)
  if (
    !isJsonObject(json) ||
    json.format !== DCC_REVOCATIONS_FORMAT ||
    !Array.isArray(json.batches)
  ) {
    throw formatError(
      `a revocation list is {"format": "${DCC_REVOCATIONS_FORMAT}", "batches": […]}`,
    )
  }
  const revoked: Record<string, Partial<Record<DccHashType, string[]>>> = {}
  const problems: DccListProblem[] = []
  let count = 0
  for (const [i, b] of json.batches.entries()) {
    const field = `batches[${i}]`
    if (!isJsonObject(b) || typeof b.kid !== 'string' || !Array.isArray(b.entries)) {
      throw formatError(`${field} needs kid and entries`, field)
    }
    const kid = b.kid
    const type = b.hashType
    if (!(DCC_HASH_TYPES as readonly unknown[]).includes(type)) {
      problems.push({ code: 'DCC_LIST_FORMAT', message: `${field}: unknown hashType`, kid })
      continue
    }
    const expires = typeof b.expires === 'string' ? Date.parse(b.expires) / 1000 : Number.NaN
    if (Number.isNaN(expires)) throw formatError(`${field}.expires must be a date-time`, field)
    if (expires < options.asOf) continue
    const hashes = b.entries.map((e, j) => {
      const hash = isJsonObject(e) ? e.hash : undefined
      let ok = false
      try {
        ok = typeof hash === 'string' && fromBase64(hash).length === 16
      } catch {}
      if (!ok) throw formatError(`${field}.entries[${j}].hash must be 16 bytes base64`, field)
      return hash as string
    })
    const byType = revoked[kid] ?? {}
    byType[type as DccHashType] = [...(byType[type as DccHashType] ?? []), ...hashes]
    revoked[kid] = byType
    count += hashes.length
  }
  return { source: options.source, asOf: options.asOf, revoked, count, problems }
}
