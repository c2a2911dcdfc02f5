/**
 * @module services/exposure/export-pad
 * Export padding (as google/exposure-notifications-server pads its exports): a batch with fewer
 * than `EXPOSURE.exportMinRecords` keys gets random 16-byte fake keys up to 1,000 + rand[0..100],
 * each copying a real key's metadata (rolling start, period, TR, report type, days since onset)
 * round-robin, so fakes cannot be told apart. Then every key is sorted by its bytes, which destroys
 * upload order.
 */
import type { ExportKey } from '../../core/gaen/index.ts'
import { EXPOSURE } from './settings.ts'

export function padKeys(
  real: readonly ExportKey[],
  random: (n: number) => Uint8Array,
): ExportKey[] {
  if (real.length === 0 || real.length >= EXPOSURE.exportMinRecords) return [...real]
  const r = random(2)
  const extra = (((r[0] as number) << 8) | (r[1] as number)) % (EXPOSURE.exportPaddingRange + 1)
  const target = EXPOSURE.exportMinRecords + extra
  const out = [...real]
  for (let i = 0; out.length < target; i++) {
    const model = real[i % real.length] as ExportKey
    out.push({ ...model, keyData: random(16) })
  }
  return out
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

export const sortKeys = (keys: readonly ExportKey[]): ExportKey[] =>
  [...keys].sort((a, b) => compareBytes(a.keyData, b.keyData))
