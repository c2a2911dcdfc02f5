/**
 * `npm run soak -- http-fuzz`: the full HTTP fuzz campaign (docs/RELIABILITY.md "HTTP fuzz").
 * On PGlite, then on Postgres (TEST_DATABASE_URL, or the local default, in a fresh database):
 * 20,000 generated requests through `app.request()` and 2,000 raw ones over a socket. Prints
 * one JSON line per figure and a table; exits 1 on any broken response. VIGIL_FUZZ_SEED replays.
 */
import type { Engine } from '../helpers/db.ts'

const APP_REQUESTS = Number(process.env.VIGIL_FUZZ_REQUESTS ?? 20_000)
const RAW_REQUESTS = Number(process.env.VIGIL_FUZZ_RAW ?? 2_000)
const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres'

export async function run(): Promise<void> {
  const seed = Number(process.env.VIGIL_FUZZ_SEED ?? Date.now() % 1_000_000)
  // The test helpers read TEST_DATABASE_URL when first imported: set the default before that.
  process.env.TEST_DATABASE_URL ??= DEFAULT_POSTGRES
  const { fuzzApp, fuzzRaw, serveRaw, setUp, Tally } = await import('./http-fuzz.ts')
  const { readFileSync } = await import('node:fs')
  console.error(`http-fuzz: seed ${seed} (replay with VIGIL_FUZZ_SEED=${seed})`)
  const rows: string[][] = []
  let broken = 0
  for (const engine of ['pglite', 'postgres'] as Engine[]) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0]
    const setup = await setUp(engine)
    try {
      for (const kind of ['app', 'raw'] as const) {
        const tally = new Tally()
        const started = performance.now()
        if (kind === 'app') await fuzzApp(setup, seed, APP_REQUESTS, tally)
        else {
          const server = await serveRaw(setup, seed)
          try {
            await fuzzRaw(setup, server.port, seed, RAW_REQUESTS, tally)
          } finally {
            await server.close()
          }
          const errors = server.logged.filter((l) => l.level === 'error' || l.level === 'warn')
          for (const e of errors.slice(0, 5))
            tally.failures.push({ seed, request: 'server log', status: 0, why: e.msg })
        }
        const seconds = (performance.now() - started) / 1000
        const figure = {
          campaign: 'http-fuzz',
          engine,
          kind,
          seed,
          requests: tally.count,
          seconds: Number(seconds.toFixed(1)),
          statuses: tally.statuses(),
          failures: tally.failures.length,
          slowestMs: Number(tally.slowest.ms.toFixed(1)),
          slowest: tally.slowest.request,
          load1: Number(load),
        }
        console.log(JSON.stringify(figure))
        for (const f of tally.failures) console.error(`  FAIL ${f.status} ${f.request}: ${f.why}`)
        broken += tally.failures.length
        const fivexx = [...tally.byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0)
        rows.push([
          engine,
          kind,
          String(tally.count),
          String(fivexx),
          String(tally.failures.length),
          seconds.toFixed(1),
          tally.slowest.ms.toFixed(0),
          tally.slowest.request.slice(0, 60),
        ])
      }
    } finally {
      await setup.t.close()
    }
  }
  const head = ['engine', 'kind', 'requests', '5xx', 'broken', 's', 'slowest ms', 'slowest request']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  for (const r of [head, ...rows])
    console.error(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '))
  if (broken > 0) process.exitCode = 1
}
