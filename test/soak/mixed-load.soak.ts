/**
 * `npm run soak -- mixed-load`: 10 minutes at a fixed rate on a real `vigil serve` over Postgres
 * (test/soak/mixed-load.ts). One JSON line per minute and per figure, then a table.
 * Requirement: no errors, a stable p99 per minute, flat memory.
 * Environment: MIXED_LOAD_SECONDS (600), MIXED_LOAD_RATE (40), MIXED_LOAD_PORT (26100),
 * MIXED_LOAD_MIX (the driver's MIX; e.g. `stats=100` for the public statistics alone),
 * TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres).
 */
import { parseMix, runMixedLoad } from './mixed-load.ts'

export async function run(): Promise<void> {
  const seconds = Number(process.env.MIXED_LOAD_SECONDS ?? '600')
  const rate = Number(process.env.MIXED_LOAD_RATE ?? '40')
  const port = Number(process.env.MIXED_LOAD_PORT ?? '26100')
  const mix = process.env.MIXED_LOAD_MIX ? parseMix(process.env.MIXED_LOAD_MIX) : undefined
  const line = (figure: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify(figure)}\n`)
  const report = await runMixedLoad({ port, seconds, rate, window: 60, mix, onLine: line })
  const { windows, ...rest } = report
  line({ bench: 'mixed-load', seconds, rate, mix: mix ?? 'default', ...rest })
  const cell = (v: unknown, width: number) => String(v ?? '–').padStart(width)
  const head = ['minute', 'count', 'errors', 'not sent', 'p50 ms', 'p99 ms', 'RSS MB', 'lag ms']
  const rows = windows.map((w) =>
    [w.window, w.count, w.errors, w.dropped, w.p50Ms, w.p99Ms, w.rssMb, w.maxLagMs]
      .map((v, i) => cell(v, (head[i] as string).length + 2))
      .join(' '),
  )
  process.stdout.write(
    `\n${head.map((h) => h.padStart(h.length + 2)).join(' ')}\n${rows.join('\n')}\n` +
      `memory slope ${report.rssSlopeMbPerMin} MB/min (after minute 1: ` +
      `${report.rssSlopeAfterWarmupMbPerMin}); errors ${report.errors} of ${report.total}; ` +
      `load ${report.loadAvg1m.join(' → ')}\n`,
  )
  if (report.errors > 0) process.exitCode = 1
}
