/**
 * `npm run bench:credentials`: issue 4's figures, one JSON line per figure and a table.
 *
 *   1. credentials.issue   POST /api/credentials over loopback to the real `vigil serve` on
 *                          Postgres, 32 concurrent clients (keep-alive), for a fixed time; rate and
 *                          p50/p99 latency. QR rendering is lazy (GET …/qr.svg), so not included:
 *                          the 201 carries the JWS, the QR text and the ledger receipt.
 *   2. credentials.verify  offline verification on one core: decode QR text, inflate, ES256,
 *                          rebuild the ledger leaf, verify the tlog-proof receipt (checkpoint
 *                          signature, 3 witness cosignatures under a 2-of-3 policy, inclusion);
 *                          see bench/offline.ts; with ES256 through WebCrypto, through
 *                          node:crypto (also with the core's SHA-256 through node:crypto), and in
 *                          Debian Chromium (bench/offline-chromium.ts,
 *                          the page's WebCrypto: one card after another, then a batch with 8
 *                          cards in flight on the page and in two dedicated workers, the
 *                          browser's figure against issue 23's 8,000 cards/s). Then the same
 *                          steps timed one by one.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_SCALE (see bench/ledger.ts); BENCH_WORKERS (default 1)
 * runs the server as `vigil serve --workers N`; BENCH_CLIENTS (default 32); BENCH_ONLY=issue
 * skips the offline verification (for a server profile through BENCH_SERVER_NODE).
 */
import { Agent } from 'node:http'
import { loadavg } from 'node:os'
import { createApiToken } from '../src/services/staff/index.ts'
import { percentile } from './append.ts'
import { credentialBody } from './credential-body.ts'
import { postJson, serveBenchDb } from './http.ts'
import {
  measureOffline,
  measureOfflineNodePlatform,
  measureSteps,
  prepareOffline,
  withNodeEs256,
} from './offline.ts'
import { measureOfflineChromium, measureOfflineWorkers } from './offline-chromium.ts'
import { processCpuSeconds } from './proc.ts'
import { openBenchDb } from './setup.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? '32')
const WORKERS = Number(process.env.BENCH_WORKERS ?? '1')
const SECONDS = Math.max(3, 15 * SCALE)
const WARMUP = Math.max(1, 3 * SCALE)
const VERIFY_CARDS = 200

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS })
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}

async function main() {
  const b = await openBenchDb('postgres')
  const { token } = await createApiToken(b.ctx, {
    name: 'bench',
    roles: ['issuer'],
    expiresAt: new Date(Date.now() + 86_400_000),
  })
  const loadBefore = Number(loadavg()[0]?.toFixed(2))
  const server = await serveBenchDb(b, WORKERS)
  const url = `${server.url}/api/credentials`
  const samples: number[] = []
  const cards: { jws: string; qr: string; receipt: string }[] = []
  let errors = 0
  let counter = 0
  const start = performance.now()
  const measureFrom = start + WARMUP * 1000
  const end = measureFrom + SECONDS * 1000
  // The server's CPU over the measured window only (the warm-up compiles and fills caches).
  let cpuFrom: number | undefined
  const cpuTimer = setTimeout(() => {
    cpuFrom = processCpuSeconds(server.child.pid)
  }, measureFrom - performance.now())
  log(`issuing with ${CLIENTS} clients for ${WARMUP}+${SECONDS} s`)
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now()
        const res = await postJson(agent, url, JSON.stringify(credentialBody(counter++)), token)
        const t1 = performance.now()
        if (res.status !== 201) {
          errors++
          continue
        }
        if (t0 >= measureFrom) samples.push(t1 - t0)
        if (cards.length < VERIFY_CARDS) cards.push(JSON.parse(res.text))
      }
    }),
  )
  clearTimeout(cpuTimer)
  const cpuTo = processCpuSeconds(server.child.pid)
  const serverCpuUs =
    cpuFrom === undefined || cpuTo === undefined || samples.length === 0
      ? undefined
      : Math.round(((cpuTo - cpuFrom) * 1e6) / samples.length)
  samples.sort((x, y) => x - y)
  emit({
    bench: 'credentials.issue',
    engine: 'postgres',
    clients: CLIENTS,
    workers: WORKERS,
    seconds: SECONDS,
    perSec: Math.round(samples.length / SECONDS),
    p50Ms: Number(percentile(samples, 50).toFixed(1)),
    p99Ms: Number(percentile(samples, 99).toFixed(1)),
    errors,
    // With --workers N the primary's children are counted once they exit, so only for 1 worker.
    ...(WORKERS === 1 && serverCpuUs !== undefined
      ? { serverCpuUsPerCredential: serverCpuUs }
      : {}),
    qrRendering: 'lazy',
    loadAvg1m: [loadBefore, Number(loadavg()[0]?.toFixed(2))],
    target: '>= 2000/s, <= 500 µs server CPU, p99 < 100 ms',
  })
  await server.stop()

  const setup = process.env.BENCH_ONLY === 'issue' ? undefined : await prepareOffline(b.ctx, cards)
  if (setup !== undefined) {
    // Offline verification: trust material fetched once (as a venue's cache would hold it).
    const rounds = Math.max(1, Math.round(10 * SCALE))
    emit(await measureOffline(setup, rounds))
    emit(await measureOffline(withNodeEs256(setup), rounds, 'node:crypto'))
    emit(await measureOfflineNodePlatform(setup, rounds))
    // Chromium: at least 100 passes (20,000 cards, a few seconds): 10 passes timed the page's
    // and the workers' JIT warm-up (2,968 against 5,300 cards/s one after another, 2026-12-08).
    // One card after another, then a batch: 8 cards in flight on the page, then in one worker
    // per core.
    const browserRounds = Math.max(rounds, 100)
    emit(await measureOfflineChromium(setup, browserRounds))
    emit(await measureOfflineChromium(setup, browserRounds, 8))
    emit(await measureOfflineWorkers(setup, browserRounds, 2, 8))
    emit(await measureSteps(setup, rounds))
  }
  await b.drop()
  agent.destroy()
  console.log('\n| figure | value | target |\n|---|---|---|')
  for (const f of figures) {
    if (f.bench === 'credentials.issue')
      console.log(
        `| issue over HTTP, ${CLIENTS} clients, ${WORKERS} worker(s) | ${f.perSec}/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms${f.serverCpuUsPerCredential === undefined ? '' : `, ${f.serverCpuUsPerCredential} µs server CPU each`} | ${f.target} |`,
      )
    else if (f.bench === 'credentials.verify' && f.skipped !== undefined)
      console.log(
        `| verify offline, ES256 via ${f.es256} | skipped: ${f.skipped} | ${f.target ?? ''} |`,
      )
    else if (f.bench === 'credentials.verify.workers' && f.skipped === undefined)
      console.log(`| verify offline, ES256 via ${f.es256} | ${f.perSec}/s | ${f.target} |`)
    else if (f.bench === 'credentials.verify')
      console.log(
        `| verify offline, ${Number(f.inFlight ?? 1) > 1 ? 'one page' : 'one core'}, ES256 via ${f.es256} | ${f.perSecOneCore}/s (${f.meanUs} µs each${f.cpuUsPerCard === undefined ? '' : `, ${f.cpuUsPerCard} µs CPU`}${f.mainThreadCpuUsPerCard === undefined ? '' : `, ${f.mainThreadCpuUsPerCard} µs main-thread CPU`}) | ${f.target} |`,
      )
  }
}

await main()
