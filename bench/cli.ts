/**
 * `npm run bench:cli`: a CLI command beside the running server, as an operator runs it. Starts
 * `vigil serve` on a fresh data directory (the embedded database), then times
 * `vigil tokens create` from spawn until the token it printed authenticates against the server,
 * and `vigil --help` (process start alone) for comparison. Prints a JSON line per figure and a
 * table. BENCH_RUNS (default 10) runs of each.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../test/helpers/cli.ts'
import { startServer } from '../test/helpers/server.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-cli-'))
const env = { VIGIL_DATA_DIR: dir }
const server = await startServer({ ...env, VIGIL_LOG_LEVEL: 'warn' })
const figures: { bench: string; runs: number; p50Ms: number; maxMs: number; loadAvg1m: number }[] =
  []

function summarise(bench: string, times: number[]) {
  const sorted = [...times].sort((a, b) => a - b)
  const figure = {
    bench,
    runs: sorted.length,
    p50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    maxMs: Math.round(sorted.at(-1) ?? 0),
    loadAvg1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  }
  figures.push(figure)
  console.log(JSON.stringify(figure))
}

try {
  const usable: number[] = []
  const help: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    const r = await runCli(['tokens', 'create', '--name', `bench ${i}`, '--role', 'admin'], env)
    if (r.code !== 0) throw new Error(`tokens create failed: ${r.stderr}`)
    const res = await fetch(`${server.url}/api/tokens`, {
      headers: { authorization: `Bearer ${r.stdout.trim()}` },
    })
    if (res.status !== 200) throw new Error(`the new token was refused: ${res.status}`)
    usable.push(performance.now() - started)
    help.push((await runCli(['--help'], env)).ms)
  }
  summarise('cli.token-usable', usable)
  summarise('cli.process-start', help)
} finally {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}

console.log('\n| figure | p50 | max | load (1 min) |\n|---|---|---|---|')
for (const f of figures)
  console.log(
    `| ${f.bench === 'cli.token-usable' ? '`tokens create` beside the server → token accepted' : '`vigil --help` (process start)'} | ${f.p50Ms} ms | ${f.maxMs} ms | ${f.loadAvg1m} |`,
  )
