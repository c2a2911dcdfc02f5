/**
 * `npm run bench:exposure`: issue 8's figures, one JSON line per figure and a table.
 *
 *   1. exposure.publish  POST /api/exposure/publish (14 keys each, certificate + HMAC checked) on
 *                        Postgres, 32 concurrent clients, in process through `app.fetch` (no
 *                        socket: the figure is the service and the database, not loopback HTTP).
 *                        Certificates are prepared beforehand through the real code → token →
 *                        certificate flow, the clock stepped past the global verify limit.
 *   2. exposure.export   `exportBatch` over 100,000 keys on Postgres: select, pad, sort, encode,
 *                        sign, zip, store, ledger append. Target < 2 s.
 *   3. exposure.match    core/gaen `matchKeys` on one core: 100,000 downloaded keys against 10,000
 *                        observed RPIs (100 of them real). Target < 3 s.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_SCALE (scales the key counts and publish requests).
 */
import { toBase64 } from '../src/core/codec/base64.ts'
import {
  dayStart,
  intervalNumber,
  type Observation,
  rpi,
  rpik,
  TEK_ROLLING_PERIOD,
  tekmac,
} from '../src/core/gaen/index.ts'
import { indexObservations, matchKeys } from '../src/core/gaen/match.ts'
import { exposureKeys } from '../src/db/schema/exposure.ts'
import { exportBatch } from '../src/exposure/export.ts'
import { EXPOSURE } from '../src/exposure/settings.ts'
import { createApp } from '../src/http/app.ts'
import { createApiToken } from '../src/staff/create-token.ts'
import { percentile } from './append.ts'
import { openBenchDb } from './setup.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
if (!(SCALE > 0)) throw new Error('BENCH_SCALE must be a positive number')
const CLIENTS = 32
const PUBLISHES = Math.max(200, Math.round(2000 * SCALE))
const EXPORT_KEYS = Math.max(1000, Math.round(100_000 * SCALE))
const MATCH_KEYS = Math.max(1000, Math.round(100_000 * SCALE))
const OBSERVED = 10_000
const HOUR = 3_600_000

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}
const rand = (n: number) => crypto.getRandomValues(new Uint8Array(n))

async function main() {
  const b = await openBenchDb('postgres')
  let offset = 0
  const ctx = { ...b.ctx, clock: { now: () => new Date(Date.now() + offset) } }
  const app = createApp({ ...ctx, version: 'bench', ledger: b.ledger }, { accessLog: false })
  const today = dayStart(intervalNumber(Date.now() / 1000))
  try {
    // 2. Export generation: keys uploaded a day ago, exported in one run.
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
    const files = await exportBatch(ctx, b.ledger)
    const exportSeconds = (performance.now() - e0) / 1000
    emit({
      bench: 'exposure.export',
      keys: EXPORT_KEYS,
      files: files.length,
      exportedKeys: files.reduce((s, f) => s + f.keyCount, 0),
      seconds: Number(exportSeconds.toFixed(3)),
      target: '< 2 s',
    })

    // 1. Publish: certificates first (verify limit: 2,000 per hour for everyone, so step the clock).
    log(`publish: preparing ${PUBLISHES} certificates`)
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
    offset = -20 * HOUR
    for (let i = 0; i < PUBLISHES; i += 100) {
      if (i > 0 && i % chunk < 100) offset += HOUR
      const n = Math.min(100, PUBLISHES - i)
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
    offset = 0
    const requests = await Promise.all(
      tokens.map(async (token, i) => {
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
        return JSON.stringify({
          temporaryExposureKeys: keys,
          healthAuthorityID: 'vigil',
          verificationPayload: c.json.certificate,
          hmacKey: toBase64(hmacKey),
          padding: toBase64(rand(64)),
        })
      }),
    )
    log(`publish: ${requests.length} requests, ${CLIENTS} clients`)
    let next = 0
    const latencies: number[] = []
    const p0 = performance.now()
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (;;) {
          const i = next++
          if (i >= requests.length) return
          const t = performance.now()
          const r = await app.request(
            '/api/exposure/publish',
            { method: 'POST', headers: { 'content-type': 'application/json' }, body: requests[i] },
            { incoming: { socket: { remoteAddress: `10.100.${i & 255}.1` } } },
          )
          const body = (await r.json()) as { insertedExposures?: number }
          if (r.status !== 200 || body.insertedExposures !== 14)
            throw new Error(`publish: HTTP ${r.status} ${JSON.stringify(body)}`)
          latencies.push(performance.now() - t)
        }
      }),
    )
    const publishSeconds = (performance.now() - p0) / 1000
    latencies.sort((x, y) => x - y)
    emit({
      bench: 'exposure.publish',
      transport: 'in-process app.fetch',
      engine: 'postgres',
      clients: CLIENTS,
      requests: requests.length,
      keysPerRequest: 14,
      seconds: Number(publishSeconds.toFixed(3)),
      perSec: Math.round(requests.length / publishSeconds),
      p50Ms: Number(percentile(latencies, 50).toFixed(1)),
      p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    })
  } finally {
    await b.drop()
  }

  // 3. Matching on one core.
  log(`match: ${MATCH_KEYS} keys against ${OBSERVED} observations`)
  const keys = Array.from({ length: MATCH_KEYS }, (_, i) => ({
    keyData: rand(16),
    rollingStartIntervalNumber: today - (1 + (i % 14)) * TEK_ROLLING_PERIOD,
    rollingPeriod: TEK_ROLLING_PERIOD,
  }))
  const observations: Observation[] = Array.from({ length: OBSERVED }, (_, i) => {
    if (i < 100) {
      const k = keys[i * 37] as (typeof keys)[number]
      const enin = k.rollingStartIntervalNumber + (i % 144)
      return { rpi: rpi(rpik(k.keyData), enin), enin }
    }
    return { rpi: rand(16), enin: today - 1 - (i % (14 * 144)) }
  })
  const m0 = performance.now()
  const matches = matchKeys(keys, indexObservations(observations))
  const matchSeconds = (performance.now() - m0) / 1000
  if (matches.length !== 100) throw new Error(`expected 100 matches, got ${matches.length}`)
  emit({
    bench: 'exposure.match',
    keys: MATCH_KEYS,
    observations: OBSERVED,
    matches: matches.length,
    seconds: Number(matchSeconds.toFixed(3)),
    rpisPerSec: Math.round((MATCH_KEYS * 144) / matchSeconds),
    target: '< 3 s',
  })

  console.log('\n| figure | value | target |\n|---|---|---|')
  for (const f of figures) {
    if (f.bench === 'exposure.publish')
      console.log(
        `| publish, Postgres, ${CLIENTS} clients (in-process) | ${f.perSec}/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms | — |`,
      )
    else if (f.bench === 'exposure.export')
      console.log(`| export of ${f.keys} keys | ${f.seconds} s (${f.files} file) | ${f.target} |`)
    else
      console.log(
        `| match ${f.keys} keys × ${f.observations} RPIs, one core | ${f.seconds} s | ${f.target} |`,
      )
  }
}

await main()
