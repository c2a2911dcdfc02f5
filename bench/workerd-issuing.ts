/**
 * `npm run bench:workerd`: issue 19's figure — issuing through the Worker in workerd (`wrangler
 * dev` on the pre-built bundle, Postgres through the local Hyperdrive binding) side by side with
 * the Node server (`vigil serve`, a child process) in the same run, on the same database:
 * POST /api/credentials with 32 keep-alive clients for a fixed time each, Node first, then the
 * Worker; rate, p50 and p99; one JSON line per figure, then a table.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_SCALE (default 1: 3 s warm-up + 15 s per server),
 * BENCH_CLIENTS (default 32).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { toBase64 } from '../src/core/codec/base64.ts'
import { createApiToken } from '../src/services/staff/index.ts'
import { freePort } from '../test/helpers/server.ts'
import { bundleWorker, spawnWorker } from '../test/workerd/harness.ts'
import { percentile } from './append.ts'
import { credentialBody } from './credential-body.ts'
import { postJson, serveBenchDb } from './http.ts'
import { openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? '32')
const SECONDS = Math.max(3, 15 * SCALE)
const WARMUP = Math.max(1, 3 * SCALE)

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const load1 = () => Number(loadavg()[0]?.toFixed(2))

interface Figure {
  bench: 'workerd.issue'
  runtime: 'node' | 'workerd'
  clients: number
  seconds: number
  perSec: number
  p50Ms: number
  p99Ms: number
  errors: number
  loadAvg1m: [number, number]
}

async function issueFor(runtime: Figure['runtime'], base: string, token: string): Promise<Figure> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS })
  const url = `${base}/api/credentials`
  const samples: number[] = []
  let errors = 0
  let counter = 0
  const loadBefore = load1()
  const start = performance.now()
  const measureFrom = start + WARMUP * 1000
  const end = measureFrom + SECONDS * 1000
  log(`${runtime}: issuing with ${CLIENTS} clients for ${WARMUP}+${SECONDS} s`)
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now()
        const status = await postJson(
          agent,
          url,
          JSON.stringify(credentialBody(counter++)),
          token,
        ).then(
          (r) => r.status,
          () => 0,
        )
        const t1 = performance.now()
        if (status !== 201) {
          errors++
          continue
        }
        if (t0 >= measureFrom) samples.push(t1 - t0)
      }
    }),
  )
  agent.destroy()
  samples.sort((x, y) => x - y)
  return {
    bench: 'workerd.issue',
    runtime,
    clients: CLIENTS,
    seconds: SECONDS,
    perSec: Math.round(samples.length / SECONDS),
    p50Ms: Number(percentile(samples, 50).toFixed(1)),
    p99Ms: Number(percentile(samples, 99).toFixed(1)),
    errors,
    loadAvg1m: [loadBefore, load1()],
  }
}

async function main() {
  const b = await openBenchDb('postgres')
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-workerd-'))
  const { token } = await createApiToken(b.ctx, {
    name: 'bench',
    roles: ['issuer'],
    expiresAt: new Date(Date.now() + 86_400_000),
  })
  const figures: Figure[] = []
  // The Node server records the deployment's identity, which the Worker then reads.
  const server = await serveBenchDb(b)
  try {
    figures.push(await issueFor('node', server.url, token))
  } finally {
    await server.stop()
  }
  log('bundling the Worker (wrangler deploy --dry-run)')
  const bundle = bundleWorker(dir)
  const worker = await spawnWorker(b, await freePort(), bundle, {
    VIGIL_MASTER_KEY: toBase64(b.masterKey),
    VIGIL_LOG_ORIGIN: b.ctx.config.logOrigin,
  })
  try {
    figures.push(await issueFor('workerd', worker.url, token))
  } finally {
    await worker.kill()
  }
  for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`)
  console.log(
    `\n${formatColumns([
      ['runtime', 'clients', 'credentials/s', 'p50 ms', 'p99 ms', 'errors', 'load 1m'],
      ...figures.map((f) => [
        f.runtime,
        String(f.clients),
        String(f.perSec),
        String(f.p50Ms),
        String(f.p99Ms),
        String(f.errors),
        f.loadAvg1m.join(' → '),
      ]),
    ])}`,
  )
  rmSync(dir, { recursive: true, force: true })
  await b.ledger.close()
  await b.drop()
}

await main()
