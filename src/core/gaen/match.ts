/**
 * @module core/gaen/match
 * Device-side matching (as google/exposure-notifications-internals matching_helper.cc): derive the
 * RPIs of each downloaded key, look them up among the observed RPIs, and count a hit only when the
 * observation's interval is within ±12 intervals (2 h) of the RPI's own interval and that interval
 * lies inside the key's period.
 *
 * Cost is set by derivation (one HKDF and one AES block per RPI) and one look-up per RPI, so the
 * observations are indexed once (hash of the RPI's first 32 bits, then a full compare) together
 * with the intervals they cover (observation ±12), and a key derives only the intervals between
 * the first and the last covered one inside its period: a key that no observation can match costs
 * no HKDF at all.
 */
import {
  type GaenCrypto,
  GaenError,
  MATCH_TOLERANCE,
  pureGaenCrypto,
  rpik,
  rpis,
  TEK_ROLLING_PERIOD,
} from './crypto.ts'

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

export interface MatchOptions {
  /** Crypto provider; default pure. Node callers pass the node:crypto one (much faster). */
  crypto?: GaenCrypto | undefined
  /** Filled in when given: keys derived at all, and RPIs derived over all keys. */
  stats?: { derivedKeys: number; derivedRpis: number } | undefined
}

/** Above this many intervals (~2 years) between the oldest and newest scan, no coverage map. */
const MAX_COVERAGE_SPAN = 100_000

export interface ObservationIndex {
  readonly kind: 'gaen-observation-index'
  readonly observations: readonly Observation[]
  /**
   * Open-addressing hash table (linear probing) over the first 32 bits of each RPI: slot →
   * observation index + 1, 0 when empty. Typed arrays, no Map: a Map keyed by 32-bit numbers
   * boxes every key above 2^30, and the 14 million look-ups of a day's download dominated.
   */
  readonly slots: Int32Array
  /** First 32 bits of each observation's RPI, by observation index. */
  readonly heads: Int32Array
  readonly shift: number
  /** The covered intervals [low, high] (observations ±12); empty when high < low. */
  readonly low: number
  readonly high: number
  /**
   * For x in [low, high]: next[x − low] is the first covered interval ≥ x and prev[x − low] the
   * last covered one ≤ x (or out of range when none). Absent when the span is too wide to map.
   */
  readonly next?: Int32Array | undefined
  readonly prev?: Int32Array | undefined
}

/** First 32 bits, big-endian, as a signed int (stays a small integer in V8). */
const head = (b: Uint8Array, o: number) =>
  ((b[o] as number) << 24) |
  ((b[o + 1] as number) << 16) |
  ((b[o + 2] as number) << 8) |
  (b[o + 3] as number)

/** Fibonacci hashing to the table's top bits. */
const slotOf = (h: number, shift: number) => Math.imul(h, 0x9e3779b1) >>> shift

/** Builds the observation index once; `matchKeys` can then be called per export file. */
export function indexObservations(observations: readonly Observation[]): ObservationIndex {
  // A table at most half full keeps probe chains short.
  let bits = 4
  while (1 << bits < 2 * observations.length) bits++
  const shift = 32 - bits
  const slots = new Int32Array(1 << bits)
  const mask = (1 << bits) - 1
  const heads = new Int32Array(observations.length)
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  observations.forEach((o, i) => {
    if (o.rpi.length !== 16) throw new GaenError('GAEN_KEY', 'an RPI is 16 bytes')
    const h = head(o.rpi, 0)
    heads[i] = h
    let s = slotOf(h, shift)
    while (slots[s] !== 0) s = (s + 1) & mask
    slots[s] = i + 1
    if (o.enin - MATCH_TOLERANCE < low) low = o.enin - MATCH_TOLERANCE
    if (o.enin + MATCH_TOLERANCE > high) high = o.enin + MATCH_TOLERANCE
  })
  const base = { kind: 'gaen-observation-index', observations, slots, heads, shift } as const
  if (observations.length === 0) return { ...base, low: 0, high: -1 }
  const span = high - low + 1
  if (span > MAX_COVERAGE_SPAN) return { ...base, low, high }
  // Difference array of the ±12 windows, then a running sum marks the covered intervals.
  const delta = new Int32Array(span + 1)
  for (const o of observations) {
    delta[o.enin - MATCH_TOLERANCE - low] = (delta[o.enin - MATCH_TOLERANCE - low] as number) + 1
    delta[o.enin + MATCH_TOLERANCE + 1 - low] =
      (delta[o.enin + MATCH_TOLERANCE + 1 - low] as number) - 1
  }
  const covered = new Uint8Array(span)
  for (let x = 0, run = 0; x < span; x++) {
    run += delta[x] as number
    covered[x] = run > 0 ? 1 : 0
  }
  const next = new Int32Array(span)
  const prev = new Int32Array(span)
  for (let x = span - 1, n = high + 1; x >= 0; x--) {
    if (covered[x]) n = low + x
    next[x] = n
  }
  for (let x = 0, p = low - 1; x < span; x++) {
    if (covered[x]) p = low + x
    prev[x] = p
  }
  return { ...base, low, high, next, prev }
}

/** The intervals of [from, to] worth deriving: first to last covered one, or null. */
function needed(index: ObservationIndex, from: number, to: number): [number, number] | null {
  const lo = Math.max(from, index.low)
  const hi = Math.min(to, index.high)
  if (lo > hi) return null
  if (index.next === undefined || index.prev === undefined) return [lo, hi]
  const first = index.next[lo - index.low] as number
  const last = index.prev[hi - index.low] as number
  return first <= last ? [first, last] : null
}

export function matchKeys(
  keys: readonly DiagnosisKey[],
  observations: readonly Observation[] | ObservationIndex,
  options: MatchOptions = {},
): Match[] {
  const index = 'kind' in observations ? observations : indexObservations(observations)
  const c = options.crypto ?? pureGaenCrypto
  const { observations: obs, slots, heads, shift } = index
  const mask = slots.length - 1
  const out: Match[] = []
  let derivedKeys = 0
  let derivedRpis = 0
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as DiagnosisKey
    const start = key.rollingStartIntervalNumber
    const period = Math.min(key.rollingPeriod ?? TEK_ROLLING_PERIOD, TEK_ROLLING_PERIOD)
    // An RPI counts only inside the key's own period (the reference matcher clips to it too).
    const range = needed(index, start, start + period - 1)
    if (range === null) continue
    const [from, to] = range
    const count = to - from + 1
    const all = rpis(rpik(key.keyData, c), from, count, c)
    derivedKeys++
    derivedRpis += count
    for (let i = 0; i < count; i++) {
      const h = head(all, 16 * i)
      for (let s = slotOf(h, shift); slots[s] !== 0; s = (s + 1) & mask) {
        const o = (slots[s] as number) - 1
        if (heads[o] !== h) continue
        const ob = obs[o] as Observation
        const enin = from + i
        if (!sameRpi(all, 16 * i, ob.rpi) || Math.abs(ob.enin - enin) > MATCH_TOLERANCE) continue
        out.push({ keyIndex: k, observationIndex: o, enin })
      }
    }
  }
  if (options.stats) {
    options.stats.derivedKeys += derivedKeys
    options.stats.derivedRpis += derivedRpis
  }
  return out
}

function sameRpi(all: Uint8Array, at: number, rpi: Uint8Array): boolean {
  for (let j = 0; j < 16; j++) if (all[at + j] !== rpi[j]) return false
  return true
}
