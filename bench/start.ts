/**
 * `npm run bench:start`: how long `vigil serve` takes to answer on an existing data directory
 * (issue 23), against the limit measured in the same run: a bare Hono + @hono/node-server
 * process that opens the same PGlite data directory and answers /healthz. Each is a fresh
 * `node` process, timed from spawn to the first 200 on /healthz; BENCH_RUNS (default 5) of each,
 * alternating, and the median reported. Also `vigil serve` through tsx (the sources transpiled at
 * start, as before issue 23) for comparison.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/helpers/server.ts'
import { formatColumns } from './table.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? '5')
const TARGET = 1.5
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const round = (x: number, d = 2) => Number(x.toFixed(d))

/** Spawns, waits for /healthz to answer 200, stops it; milliseconds from spawn to answer. */
async function timeStart(args: string[], env: Record<string, string>, port: number) {
  const t0 = performance.now()
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (d) => (err += d))
  const exited = new Promise((resolve) => child.on('exit', resolve))
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited early:\n${err}`)
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break
      } catch {}
      if (performance.now() - t0 > 120_000) throw new Error(`no answer:\n${err}`)
      await new Promise((r) => setTimeout(r, 5))
    }
    return performance.now() - t0
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-start-'))
const bare = join(dir, 'bare.mjs')
writeFileSync(
  bare,
  `import { PGlite } from '${import.meta.resolve('@electric-sql/pglite')}'
import { Hono } from '${import.meta.resolve('hono')}'
import { serve } from '${import.meta.resolve('@hono/node-server')}'
const db = new PGlite(process.argv[2])
await db.waitReady
const app = new Hono()
app.get('/healthz', async (c) => c.json((await db.query('select 1 as ok')).rows[0]))
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' })
process.on('SIGTERM', () => server.close(async () => { await db.close(); process.exit(0) }))
`,
)
const env = {
  VIGIL_DATA_DIR: join(dir, 'data'),
  VIGIL_LOG_LEVEL: 'error',
  DATABASE_URL: '',
  HOST: '127.0.0.1',
}
process.stdout.write(
  `${JSON.stringify({ bench: 'machine', cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadAvg1m: round(loadavg()[0] ?? 0) })}\n`,
)
try {
  const port = await freePort()
  log('first start: a new data directory (initdb, migrations, keys; pages and dist/ if missing)')
  Object.assign(env, { PUBLIC_URL: `http://127.0.0.1:${port}` })
  const first = await timeStart([join(ROOT, 'bin/vigil.js'), 'serve'], env, port)
  log(`first start ${Math.round(first)} ms`)
  const kinds = {
    vigil: [join(ROOT, 'bin/vigil.js'), 'serve'],
    bare: [bare, join(dir, 'data', 'db')],
    tsx: ['--import', 'tsx', join(ROOT, 'src/entry/cli.ts'), 'serve'],
  }
  const times: Record<string, number[]> = { vigil: [], bare: [], tsx: [] }
  for (let r = 0; r < RUNS; r++) {
    for (const [kind, args] of Object.entries(kinds)) {
      times[kind]?.push(await timeStart(args, env, port))
    }
    log(
      `run ${r + 1}: ${Object.entries(times)
        .map(([k, v]) => `${k} ${Math.round(v.at(-1) ?? 0)} ms`)
        .join(', ')}`,
    )
  }
  const median = (xs: number[] = []) =>
    xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
  const limit = median(times.bare)
  const rows = [['figure', 'median ms', 'runs (ms)', '× Hono + PGlite open']]
  for (const [kind, xs] of Object.entries(times)) {
    const figure = {
      bench: `start.${kind}`,
      medianMs: Math.round(median(xs)),
      runsMs: xs.map((x) => Math.round(x)),
      ratioToBare: round(median(xs) / limit),
      ...(kind === 'vigil' ? { target: TARGET } : {}),
    }
    process.stdout.write(`${JSON.stringify(figure)}\n`)
    rows.push([
      figure.bench,
      String(figure.medianMs),
      figure.runsMs.join(', '),
      String(figure.ratioToBare),
    ])
  }
  process.stdout.write(
    `${JSON.stringify({ bench: 'done', loadAvg1m: round(loadavg()[0] ?? 0) })}\n`,
  )
  process.stderr.write(`\n${formatColumns(rows)}\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
