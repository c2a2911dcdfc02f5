/**
 * The keys a phone app exports, as the citizen page accepts them: an array of
 * `{key, rollingStartNumber, rollingPeriod, transmissionRisk?}` or a GAEN publish body
 * (`{temporaryExposureKeys: [...]}`). Checked here only for shape; the server applies the rules.
 */
import { fromBase64 } from '../../../src/core/codec/index.ts'
import type { TekMacKey } from '../../../src/core/gaen/index.ts'

export class KeysError extends Error {
  readonly code = 'KEYS_UNREADABLE'
}

function integer(v: unknown, name: string, i: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new KeysError(`key ${i + 1}: ${name} must be a whole number`)
  return v
}

export function parseKeys(text: string): TekMacKey[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new KeysError('the keys are not JSON')
  }
  const list =
    data !== null && typeof data === 'object' && !Array.isArray(data)
      ? (data as { temporaryExposureKeys?: unknown }).temporaryExposureKeys
      : data
  if (!Array.isArray(list))
    throw new KeysError('expected an array of keys or {"temporaryExposureKeys": [...]}')
  if (list.length === 0) throw new KeysError('there are no keys')
  return list.map((raw, i) => {
    if (raw === null || typeof raw !== 'object')
      throw new KeysError(`key ${i + 1} is not an object`)
    const k = raw as Record<string, unknown>
    if (typeof k.key !== 'string') throw new KeysError(`key ${i + 1}: "key" is missing`)
    let bytes: Uint8Array
    try {
      bytes = fromBase64(k.key)
    } catch {
      throw new KeysError(`key ${i + 1}: "key" is not base64`)
    }
    if (bytes.length !== 16) throw new KeysError(`key ${i + 1}: "key" must be 16 bytes`)
    const out: TekMacKey = {
      key: k.key,
      rollingStartNumber: integer(k.rollingStartNumber, 'rollingStartNumber', i),
      rollingPeriod: integer(k.rollingPeriod ?? 144, 'rollingPeriod', i),
    }
    if (k.transmissionRisk !== undefined)
      out.transmissionRisk = integer(k.transmissionRisk, 'transmissionRisk', i)
    return out
  })
}

/** The first and last day the keys cover, as `YYYY-MM-DD`. */
export function span(keys: readonly TekMacKey[]): [string, string] {
  const day = (interval: number) => new Date(interval * 600_000).toISOString().slice(0, 10)
  const starts = keys.map((k) => k.rollingStartNumber)
  return [day(Math.min(...starts)), day(Math.max(...starts))]
}
