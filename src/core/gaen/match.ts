/**
 * @module core/gaen/match
 * Device-side matching (gaen.md §2): derive the 144 RPIs of each downloaded key, look them up
 * among the observed RPIs, and count a hit only when the observation's interval is within ±12
 * intervals (2 h) of the RPI's own interval and that interval lies inside the key's period.
 */
import { MATCH_TOLERANCE, rpik, rpis, TEK_ROLLING_PERIOD } from './crypto.ts'

export interface DiagnosisKey {
  keyData: Uint8Array
  rollingStartIntervalNumber: number
  rollingPeriod?: number | undefined
}

export interface Observation {
  rpi: Uint8Array
  /** ENIntervalNumber of the scan. */
  enin: number
}

export interface Match {
  keyIndex: number
  observationIndex: number
  /** The interval the matching RPI belongs to. */
  enin: number
}

const word = (b: Uint8Array, o: number) =>
  (((b[o] as number) << 24) |
    ((b[o + 1] as number) << 16) |
    ((b[o + 2] as number) << 8) |
    (b[o + 3] as number)) >>>
  0

/** Builds the observation index once; `match` can then be called per export file. */
export function indexObservations(observations: readonly Observation[]) {
  const byWord = new Map<number, number[]>()
  observations.forEach((o, i) => {
    const w = word(o.rpi, 0)
    const list = byWord.get(w)
    if (list === undefined) byWord.set(w, [i])
    else list.push(i)
  })
  return { observations, byWord }
}

export function matchKeys(
  keys: readonly DiagnosisKey[],
  observations: readonly Observation[] | ReturnType<typeof indexObservations>,
): Match[] {
  const index = Array.isArray(observations)
    ? indexObservations(observations)
    : (observations as ReturnType<typeof indexObservations>)
  const obs = index.observations
  const out: Match[] = []
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as DiagnosisKey
    const start = key.rollingStartIntervalNumber
    const period = key.rollingPeriod ?? TEK_ROLLING_PERIOD
    const all = rpis(rpik(key.keyData), start, TEK_ROLLING_PERIOD)
    for (let i = 0; i < TEK_ROLLING_PERIOD; i++) {
      const hits = index.byWord.get(word(all, 16 * i))
      if (hits === undefined) continue
      const enin = start + i
      for (const h of hits) {
        const o = obs[h] as Observation
        if (!sameRpi(all, 16 * i, o.rpi)) continue
        if (Math.abs(o.enin - enin) > MATCH_TOLERANCE || i >= period) continue
        out.push({ keyIndex: k, observationIndex: h, enin })
      }
    }
  }
  return out
}

function sameRpi(all: Uint8Array, at: number, rpi: Uint8Array): boolean {
  for (let j = 0; j < 16; j++) if (all[at + j] !== rpi[j]) return false
  return true
}
