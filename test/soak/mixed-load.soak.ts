/**
 * `npm run soak -- mixed-load`: 10 minutes at 40 requests/s on a real `vigil serve` over
 * Postgres (test/soak/mixed-load.ts). One JSON line per minute and per figure, then a table.
 * Requirement: no errors, a stable p99 per minute, flat memory.
 * Environment: MIXED_LOAD_SECONDS (600), MIXED_LOAD_RATE (40), MIXED_LOAD_PORT (26100),
 * TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres).
 */
import { runMixedLoad } from './mixed-load.ts'

export async function run(): Promise<void> {
  const seconds = Number(process.env.MIXED_LOAD_SECONDS ?? '600')
  const rate = Number(process.env.MIXED_LOAD_RATE ?? '40')
  const port = Number(process.env.MIXED_LOAD_PORT ?? '26100')
  const line = (figure: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify(figure)}\n`)
  const report = await runMixedLoad({ port, seconds, rate, window: 60, onLine: line })
  const { windows, ...rest } = report
  line({ bench: 'mixed-load', seconds, rate, ...rest })
  const rows = windows.map(
    (w) =>
      `${String(w.window).padStart(6)} ${String(w.count).padStart(7)} ${String(w.errors).padStart(6)} ` +
      `${String(w.p50Ms).padStart(8)} ${String(w.p99Ms).padStart(8)} ${String(w.rssMb).padStart(8)}`,
  )
  process.stdout.write(
    `\n${'minute'.padStart(6)} ${'count'.padStart(7)} ${'errors'.padStart(6)} ${'p50 ms'.padStart(8)} ` +
      `${'p99 ms'.padStart(8)} ${'RSS MB'.padStart(8)}\n${rows.join('\n')}\n` +
      `memory slope ${report.rssSlopeMbPerMin} MB/min (after minute 1: ` +
      `${report.rssSlopeAfterWarmupMbPerMin}); errors ${report.errors} of ${report.total}; ` +
      `load ${report.loadAvg1m.join(' → ')}\n`,
  )
  if (report.errors > 0) process.exitCode = 1
}
