/**
 * The six detectors the simulated-outbreak tests run side by side (core/signals), each over one
 * range of weeks with its stated false-alarm ceiling: Farrington with b = 3 (five years leave
 * three full years plus a window), the same with Noufaily's settings, EARS C1–C3, and CUSUM with
 * the seasonal mean restarted after each alarm.
 */
import {
  type CountSeries,
  cusum,
  ears,
  farrington,
  NOUFAILY,
  type SignalResult,
} from '../../src/core/signals/index.ts'

export type SignalMethod = [name: string, ceiling: number, run: (s: CountSeries) => SignalResult]

/** False-alarm ceilings (shares of the district-weeks counted), one per method. */
export interface Ceilings {
  farrington: number
  noufaily: number
  c1: number
  c2: number
  c3: number
  cusum: number
}

export function signalMethods(range: { from: number; to: number }, c: Ceilings): SignalMethod[] {
  return [
    ['Farrington (b 3)', c.farrington, (s) => farrington(s, { control: { b: 3 }, range })],
    [
      'Farrington, Noufaily settings (b 3)',
      c.noufaily,
      (s) => farrington(s, { control: { ...NOUFAILY, b: 3 }, range }),
    ],
    ['EARS C1', c.c1, (s) => ears(s, { control: { method: 'C1' }, range })],
    ['EARS C2', c.c2, (s) => ears(s, { control: { method: 'C2' }, range })],
    ['EARS C3', c.c3, (s) => ears(s, { control: { method: 'C3' }, range })],
    [
      'CUSUM (seasonal mean, reset after alarm)',
      c.cusum,
      (s) => cusum(s, { control: { mean: 'seasonal', resetAfterAlarm: true }, range }),
    ],
  ]
}

/** The weeks a detector raised an alarm in (a refusal, e.g. too little history, throws). */
export function alarmWeeks(result: SignalResult): number[] {
  if (!result.ok) throw new Error(result.reason.message)
  return result.points.filter((p) => p.alarm).map((p) => p.index)
}
