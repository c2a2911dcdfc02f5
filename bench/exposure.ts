/**
 * `npm run bench:exposure`: the exposure service's figures, one JSON line per figure and a table.
 *
 *   1. exposure.export   `exportBatch` over 100,000 keys on Postgres: select, pad, sort, encode,
 *                        sign, zip, store, ledger append. Target < 2 s.
 *   2. exposure.publish  POST /api/exposure/publish (14 keys each, certificate + HMAC checked) on
 *                        Postgres, 32 concurrent clients: over HTTP to the real `vigil serve` (a
 *                        child process on the bench database, keep-alive loopback), and in process
 *                        through `app.fetch` (the service and the database without HTTP).
 *                        Certificates are prepared beforehand through the real code → token →
 *                        certificate flow, the clock stepped past the global verify limit.
 *   3. exposure.match    core/gaen `matchKeys` on one core: 100,000 downloaded keys against 10,000
 *                        observed RPIs (100 of them real), with the node:crypto provider
 *                        (platform/node-crypto) and with the pure default. Target < 3 s.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_SCALE (scales the key counts and publish requests),
 * BENCH_ONLY (comma-separated subset of export,publish,match; default all).
 */
import { Agent, request as httpRequest } from 'node:http'
import { toBase64 } from '../src/core/codec/base64.ts'
import {
  dayStart,
  type GaenCrypto,
  indexObservations,
  intervalNumber,
  matchKeys,
  type Observation,
  pureGaenCrypto,
  rpi,
  rpik,
  TEK_ROLLING_PERIOD,
  tekmac,
} from '../src/core/gaen/index.ts'
import { createApp } from '../src/http/app.ts'
import { exposureKeys } from '../src/platform/db/schema/exposure.ts'
import { nodeGaenCrypto } from '../src/platform/node-crypto/gaen.ts'
import { exportBatch } from '../src/services/exposure/export.ts'
import { EXPOSURE } from '../src/services/exposure/settings.ts'
import { createApiToken } from '../src/services/staff/create-token.ts'
import { percentile } from './append.ts'
import { serveBenchDb } from './http.ts'
import { openBenchDb } from './setup.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
if (!(SCALE > 0)) throw new Error('BENCH_SCALE must be a positive number')
const CLIENTS = 32
const PUBLISHES = Math.max(200, Math.round(2000 * SCALE))
const EXPORT_KEYS = Math.max(1000, Math.round(100_000 * SCALE))
const MATCH_KEYS = Math.max(1000, Math.round(100_000 * SCALE))
const OBSERVED = 10_000
const PARTS = new Set((process.env.BENCH_ONLY ?? 'export,publish,match').split(','))
const HOUR = 3_600_000

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}
const rand = (n: number) => crypto.getRandomValues(new Uint8Array(n))

/** A keep-alive client with little overhead of its own (it shares the machine with the server). */
const agent = new Agent({ keepAlive: true, maxSockets: 64 })

function httpPost(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Sends `requests` with CLIENTS in flight through `send`; every answer must insert 14 keys. */
async function loadPublish(
  requests: readonly string[],
  send: (body: string, i: number) => Promise<{ status: number; body: string }>,
) {
  let next = 0
  const latencies: number[] = []
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (;;) {
        const i = next++
        if (i >= requests.length) return
        const t = performance.now()
        const r = await send(requests[i] as string, i)
        const body = JSON.parse(r.body) as { insertedExposures?: number }
        if (r.status !== 200 || body.insertedExposures !== 14)
          throw new Error(`publish: HTTP ${r.status} ${r.body.slice(0, 300)}`)
        latencies.push(performance.now() - t)
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  latencies.sort((x, y) => x - y)
  return {
    requests: requests.length,
    seconds: Number(seconds.toFixed(3)),
    perSec: Math.round(requests.length / seconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
  }
}

async function main() {
  const b = await openBenchDb('postgres')
  let offset = 0
  const ctx = { ...b.ctx, clock: { now: () => new Date(Date.now() + offset) } }
  const app = createApp({ ...ctx, version: 'bench', ledger: b.ledger }, { accessLog: false })
  const today = dayStart(intervalNumber(Date.now() / 1000))
  try {
    if (PARTS.has('export')) await benchExport(b, ctx, today)
    if (PARTS.has('publish'))
      await benchPublish(b, ctx, app, today, (ms) => {
        offset = ms
      })
  } finally {
    await b.drop()
  }
  if (PARTS.has('match')) benchMatch(today)
  printTable()
}

type Bench = Awaited<ReturnType<typeof openBenchDb>>

async function benchExport(b: Bench, ctx: Bench['ctx'], today: number) {
  log(`export: inserting ${EXPORT_KEYS} keys`)
  const hour = Math.floor((Date.now() - 30 * HOUR) / HOUR) * HOUR
  for (let i = 0; i < EXPORT_KEYS; i += 5000) {
    await b.ctx.db.insert(exposureKeys).values(
      Array.from({ length: Math.min(5000, EXPORT_KEYS - i) }, (_, j) => ({
        keyData: rand(16),
        transmissionRisk: 2,
        rollingStart: today - (1 + ((i + j) % 13)) * TEK_ROLLING_PERIOD,
        rollingPeriod: TEK_ROLLING_PERIOD,
        reportType: 1,
        daysSinceOnset: 0,
        healthAuthority: 'vigil',
        availableHour: new Date(hour),
      })),
    )
  }
  const e0 = performance.now()
  const files = await exportBatch(ctx)
  const exportSeconds = (performance.now() - e0) / 1000
  emit({
    bench: 'exposure.export',
    keys: EXPORT_KEYS,
    files: files.length,
    exportedKeys: files.reduce((s, f) => s + f.keyCount, 0),
    seconds: Number(exportSeconds.toFixed(3)),
    target: '< 2 s',
  })
}

async function benchPublish(
  b: Bench,
  ctx: Bench['ctx'],
  app: ReturnType<typeof createApp>,
  today: number,
  setOffset: (ms: number) => void,
) {
  // Certificates first (verify limit: 2,000 per hour for everyone, so step the clock).
  const total = 2 * PUBLISHES + 64
  log(`publish: preparing ${total} certificates`)
  const { token: tracer } = await createApiToken(ctx, {
    name: 'bench tracer',
    roles: ['tracer'],
    expiresAt: new Date(Date.now() + 2 * 86_400_000),
  })
  const call = async (path: string, body: unknown, address: string, auth?: string) => {
    const r = await app.request(
      path,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        },
        body: JSON.stringify(body),
      },
      { incoming: { socket: { remoteAddress: address } } },
    )
    return { status: r.status, json: (await r.json()) as Record<string, unknown> }
  }
  const chunk = EXPOSURE.verifyGlobalLimit.limit - 100
  const tokens: string[] = []
  let offset = -20 * HOUR
  setOffset(offset)
  for (let i = 0; i < total; i += 100) {
    if (i > 0 && i % chunk < 100) {
      offset += HOUR
      setOffset(offset)
    }
    const n = Math.min(100, total - i)
    const r = await call(
      '/api/exposure/codes/batch',
      { cases: Array.from({ length: n }, () => ({ testType: 'confirmed' })) },
      '192.0.2.1',
      tracer,
    )
    if (r.status !== 201 && r.status !== 200) throw new Error(`codes: ${JSON.stringify(r.json)}`)
    const codes = r.json.codes as { code: string }[]
    for (const [j, c] of codes.entries()) {
      const v = await call(
        '/api/exposure/verify',
        { code: c.code },
        `10.${(i + j) >> 8}.${(i + j) & 255}.1`,
      )
      if (v.status !== 200) throw new Error(`verify: ${JSON.stringify(v.json)}`)
      tokens.push(v.json.token as string)
    }
  }
  setOffset(0)
  const requests: string[] = []
  for (const [i, token] of tokens.entries()) {
    const keys = Array.from({ length: 14 }, (_, d) => ({
      key: toBase64(rand(16)),
      rollingStartNumber: today - (14 - d) * TEK_ROLLING_PERIOD,
      rollingPeriod: TEK_ROLLING_PERIOD,
      transmissionRisk: 0,
    }))
    const hmacKey = rand(32)
    const c = await call(
      '/api/exposure/certificate',
      { token, ekeyhmac: tekmac(hmacKey, keys) },
      `10.200.${i & 255}.1`,
    )
    if (c.status !== 200) throw new Error(`certificate: ${JSON.stringify(c.json)}`)
    requests.push(
      JSON.stringify({
        temporaryExposureKeys: keys,
        healthAuthorityID: 'vigil',
        verificationPayload: c.json.certificate,
        hmacKey: toBase64(hmacKey),
        padding: toBase64(rand(1024)),
      }),
    )
  }
  const warmup = requests.slice(0, 64)
  const overHttp = requests.slice(64, 64 + PUBLISHES)
  const inProcess = requests.slice(64 + PUBLISHES)

  log(`publish over HTTP: ${overHttp.length} requests, ${CLIENTS} clients`)
  const server = await serveBenchDb(b)
  try {
    const send = (body: string) => httpPost(`${server.url}/api/exposure/publish`, body)
    await loadPublish(warmup, send)
    emit({
      bench: 'exposure.publish',
      transport: 'HTTP, vigil serve child process, keep-alive loopback',
      engine: 'postgres',
      clients: CLIENTS,
      keysPerRequest: 14,
      ...(await loadPublish(overHttp, send)),
    })
  } finally {
    await server.stop()
  }

  log(`publish in process: ${inProcess.length} requests, ${CLIENTS} clients`)
  emit({
    bench: 'exposure.publish',
    transport: 'in-process app.fetch',
    engine: 'postgres',
    clients: CLIENTS,
    keysPerRequest: 14,
    ...(await loadPublish(inProcess, async (body, i) => {
      const r = await app.request(
        '/api/exposure/publish',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body },
        { incoming: { socket: { remoteAddress: `10.100.${i & 255}.1` } } },
      )
      return { status: r.status, body: await r.text() }
    })),
  })
}

/** Matching on one core, with each crypto provider. */
function benchMatch(today: number) {
  log(`match: ${MATCH_KEYS} keys against ${OBSERVED} observations`)
  const keys = Array.from({ length: MATCH_KEYS }, (_, i) => ({
    keyData: rand(16),
    rollingStartIntervalNumber: today - (1 + (i % 14)) * TEK_ROLLING_PERIOD,
    rollingPeriod: TEK_ROLLING_PERIOD,
  }))
  // Scans over the last 14 days, every interval covered (the worst case for range pruning).
  const observations: Observation[] = Array.from({ length: OBSERVED }, (_, i) => {
    if (i < 100) {
      const k = keys[i * 37] as (typeof keys)[number]
      const enin = k.rollingStartIntervalNumber + (i % 144)
      return { rpi: rpi(rpik(k.keyData), enin), enin }
    }
    return { rpi: rand(16), enin: today - 1 - (i % (14 * 144)) }
  })
  for (const [name, c] of [
    ['node:crypto', nodeGaenCrypto],
    ['pure', pureGaenCrypto],
  ] as [string, GaenCrypto][]) {
    const stats = { derivedKeys: 0, derivedRpis: 0 }
    // CPU time next to wall time: on a shared machine the wall clock also counts other work.
    const cpu0 = process.cpuUsage()
    const m0 = performance.now()
    const matches = matchKeys(keys, indexObservations(observations), { crypto: c, stats })
    const matchSeconds = (performance.now() - m0) / 1000
    const cpu = process.cpuUsage(cpu0)
    if (matches.length !== 100) throw new Error(`expected 100 matches, got ${matches.length}`)
    emit({
      bench: 'exposure.match',
      crypto: name,
      keys: MATCH_KEYS,
      observations: OBSERVED,
      matches: matches.length,
      derivedRpis: stats.derivedRpis,
      seconds: Number(matchSeconds.toFixed(3)),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
      rpisPerSec: Math.round(stats.derivedRpis / matchSeconds),
      target: '< 3 s',
    })
  }
}

function printTable() {
  console.log('\n| figure | value | target |\n|---|---|---|')
  for (const f of figures) {
    if (f.bench === 'exposure.publish')
      console.log(
        `| publish, Postgres, ${CLIENTS} clients (${f.transport}) | ${f.perSec}/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms | — |`,
      )
    else if (f.bench === 'exposure.export')
      console.log(`| export of ${f.keys} keys | ${f.seconds} s (${f.files} file) | ${f.target} |`)
    else
      console.log(
        `| match ${f.keys} keys × ${f.observations} RPIs, one core, ${f.crypto} | ${f.seconds} s wall, ${f.cpuSeconds} s CPU (${f.rpisPerSec} RPIs/s) | ${f.target} |`,
      )
  }
}

await main()
