/**
 * `npm run bench:signals [-- --districts N]`: outbreak signal detection (src/core/signals) over
 * every district × 5 measures × 5 years of weekly counts (400 districts: 2,000 series of 260
 * weeks), on one core (one Node thread, no database: the counts are made here, seeded Poisson
 * around a seasonal mean). One JSON line per figure, then a table. Each figure gives wall and
 * CPU time: the machine is shared, and under load the wall time stretches while CPU time holds.
 *
 *   signals.weekly             the weekly run: this week's Farrington (b = 3, the rest R's
 *                              defaults) and EARS C1, C2, C3 signal for every series.
 *   signals.year               the year back-calculated: Farrington for each of the last 52
 *                              weeks and EARS C1, C2, C3 for every week with history, for
 *                              every series (issue 22's figure). Target < 2 s of one core.
 *   signals.farrington.year    Farrington for each of the last 52 weeks of every series (a
 *                              back-calculation: 104,000 points, up to four GLM fits each)
 *   signals.noufaily.latest    this week with Noufaily's settings (10 seasonal levels, 26 weeks out)
 *   signals.ears.c1 / c2 / c3  every week with enough history (253, 251, 249 a series)
 *   signals.cusum.year         the last year, seasonal mean fitted to the 4 years before
 */
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import {
  type CountSeries,
  cusum,
  ears,
  farrington,
  NOUFAILY,
  type SignalResult,
} from '../src/core/signals/index.ts'
import { formatColumns } from './table.ts'

const { values } = parseArgs({ options: { districts: { type: 'string' } }, strict: true })
const DISTRICTS = Number(values.districts ?? 400)
if (!(Number.isInteger(DISTRICTS) && DISTRICTS > 0)) throw new Error('--districts: a whole number')
const MEASURES = 5
const WEEKS = 5 * 52
const LAST_YEAR = { from: WEEKS - 52, to: WEEKS }

const round = (x: number, digits = 2) => Number(x.toFixed(digits))
const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}

/** Seeded uniforms (32-bit xorshift-multiply) and Poisson draws by inversion. */
function poissonSource(seed: number) {
  let s = seed >>> 0
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296
  }
  return (mean: number) => {
    const u = uniform()
    let k = 0
    let p = Math.exp(-mean)
    let cdf = p
    while (cdf < u && k < 100_000) {
      k++
      p *= mean / k
      cdf += p
    }
    return k
  }
}

/** District × measure series: bases from 0.5 to 40 cases a week, a winter peak. */
function makeSeries(): CountSeries[] {
  const draw = poissonSource(22)
  const out: CountSeries[] = []
  for (let d = 0; d < DISTRICTS; d++) {
    for (let m = 0; m < MEASURES; m++) {
      const base = 0.5 + ((d * 7 + m * 13) % 80) / 2
      const counts = Array.from({ length: WEEKS }, (_, t) =>
        draw(base * (1 + 0.5 * Math.cos((2 * Math.PI * (t - 4 * m)) / 52))),
      )
      out.push({ counts, frequency: 52 })
    }
  }
  return out
}

type Run = (s: CountSeries) => SignalResult

/** Runs every detector over every series; emits wall and CPU seconds and returns both. */
function measure(name: string, series: CountSeries[], runs: Run[], extra = {}) {
  let points = 0
  let alarms = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (const s of series) {
    for (const run of runs) {
      const r = run(s)
      if (!r.ok) throw new Error(`${name}: ${r.reason.message}`)
      points += r.points.length
      for (const p of r.points) if (p.alarm) alarms++
    }
  }
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  emit({
    bench: name,
    series: series.length,
    points,
    seconds: round(seconds, 3),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 3),
    pointsPerSecond: Math.round(points / seconds),
    alarmShare: round(alarms / points, 4),
    ...extra,
  })
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}

function main() {
  emit({
    bench: 'machine',
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    districts: DISTRICTS,
    measures: MEASURES,
    weeks: WEEKS,
    loadAvg1m: round(loadavg()[0] ?? 0),
  })
  const series = makeSeries()
  const latest = { from: WEEKS - 1, to: WEEKS }
  const b3 = { b: 3 }
  // Warm the JIT (and the heap) on a few series so the first figure is not the compiler's: a
  // server runs these warm.
  for (const s of series.slice(0, 100)) {
    farrington(s, { control: b3, range: LAST_YEAR })
    for (const method of ['C1', 'C2', 'C3'] as const) ears(s, { control: { method } })
  }

  const earsAt = (method: 'C1' | 'C2' | 'C3', range?: { from: number; to: number }): Run =>
    range === undefined
      ? (s) => ears(s, { control: { method } })
      : (s) => ears(s, { control: { method }, range })
  const weekly = measure(
    'signals.weekly',
    series,
    [
      (s) => farrington(s, { control: b3, range: latest }),
      earsAt('C1', latest),
      earsAt('C2', latest),
      earsAt('C3', latest),
    ],
    { targetSeconds: 2 },
  )
  const year = measure(
    'signals.year',
    series,
    [
      (s) => farrington(s, { control: b3, range: LAST_YEAR }),
      earsAt('C1'),
      earsAt('C2'),
      earsAt('C3'),
    ],
    { targetSeconds: 2 },
  )
  measure('signals.farrington.year', series, [
    (s) => farrington(s, { control: b3, range: LAST_YEAR }),
  ])
  measure('signals.noufaily.latest', series, [
    (s) => farrington(s, { control: { ...NOUFAILY, ...b3 }, range: latest }),
  ])
  measure('signals.ears.c1', series, [earsAt('C1')])
  measure('signals.ears.c2', series, [earsAt('C2')])
  measure('signals.ears.c3', series, [earsAt('C3')])
  measure('signals.cusum.year', series, [
    (s) => cusum(s, { control: { mean: 'seasonal', resetAfterAlarm: true }, range: LAST_YEAR }),
  ])
  // The targets are one core's work: on a shared machine the wall time stretches with the
  // load while the CPU time holds, so the CPU time decides.
  emit({
    bench: 'done',
    weeklySeconds: round(weekly.seconds, 3),
    weeklyCpuSeconds: round(weekly.cpuSeconds, 3),
    yearSeconds: round(year.seconds, 3),
    yearCpuSeconds: round(year.cpuSeconds, 3),
    targetSeconds: 2,
    met: weekly.cpuSeconds < 2 && year.cpuSeconds < 2,
    loadAvg1m: round(loadavg()[0] ?? 0),
  })

  const rows = figures
    .filter((f) => typeof f.points === 'number')
    .map((f) => [
      String(f.bench),
      String(f.series),
      String(f.points),
      `${f.seconds} s`,
      `${f.cpuSeconds} s`,
      String(f.pointsPerSecond),
      `${round(Number(f.alarmShare) * 100, 2)} %`,
    ])
  process.stderr.write(
    `\n${formatColumns([['figure', 'series', 'points', 'wall', 'CPU', 'points/s', 'alarms'], ...rows])}\n`,
  )
  process.stderr.write(
    `weekly run (Farrington + EARS C1–C3, ${series.length} series): ${round(weekly.cpuSeconds, 3)} s CPU; year back-calculated: ${round(year.cpuSeconds, 3)} s CPU (targets < 2 s); load ${figures[0]?.loadAvg1m} → ${round(loadavg()[0] ?? 0)}\n`,
  )
}

main()
