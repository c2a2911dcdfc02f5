/**
 * @module core/signals/reference-periods
 * Which past periods form Farrington's baseline for period k, and the seasonal block each one
 * falls in (Noufaily et al. 2013, §2.2; R surveillance's `blocks`). Reference periods lie
 * i · frequency back (i = 1…b); a window of w periods either side of each is level `noPeriods`;
 * with noPeriods > 1 the stretch between two windows is cut into noPeriods − 1 further levels,
 * the longer blocks first. The current window and the `pastWeeksNotIncluded` periods before k
 * are left out, so a growing outbreak does not feed its own baseline.
 */

export interface BaselinePeriods {
  /** Period indices, ascending. */
  index: number[]
  /** Seasonal level of each, 1…noPeriods (noPeriods marks the windows around reference weeks). */
  level: number[]
}

export interface BlockOptions {
  frequency: number
  b: number
  w: number
  noPeriods: number
  pastWeeksNotIncluded: number
}

/** The baseline periods for period k (k ≥ b · frequency + w). */
export function baselinePeriods(k: number, o: BlockOptions): BaselinePeriods {
  const first = k - o.b * o.frequency - o.w
  const level = new Array<number>(k - first + 1).fill(0)
  const set = (from: number, to: number, value: number) => {
    for (let t = from; t <= to; t++) level[t - first] = value
  }
  set(k - o.w, k, o.noPeriods)
  for (let i = 1; i <= o.b; i++) {
    const ref = k - i * o.frequency
    set(ref - o.w, ref + o.w, o.noPeriods)
    if (o.noPeriods === 1) continue
    // The gap between this window and the next (more recent) one, in noPeriods − 1 blocks.
    const gap = o.frequency - 2 * o.w - 1
    const size = Math.floor(gap / (o.noPeriods - 1))
    const longer = gap % (o.noPeriods - 1)
    let start = ref + o.w + 1
    for (let j = 1; j < o.noPeriods; j++) {
      const length = size + (j <= longer ? 1 : 0)
      set(start, start + length - 1, j)
      start += length
    }
  }
  const out: BaselinePeriods = { index: [], level: [] }
  const lastIncluded = k - o.pastWeeksNotIncluded - 1
  for (let t = first; t <= lastIncluded; t++) {
    const l = level[t - first] as number
    if (l > 0) {
      out.index.push(t)
      out.level.push(l)
    }
  }
  return out
}
