/**
 * `npm run bench:shl`: SMART Health Link manifests over HTTP (issue 21). One JSON line per
 * figure on stdout, then a table.
 *
 *   shl.manifest            POST <manifest URL> to the real `vigil serve` on Postgres (a child
 *                           process), BENCH_CLIENTS (default 32) requests in flight over
 *                           keep-alive loopback, for a fixed time: a link of 3 cards and the
 *                           IPS-shaped FHIR bundle, every file embedded. Target: p99 < 50 ms.
 *   shl.manifest.long-term  the same link with flag L (the server checks the holder's records
 *                           on every request, unchanged here).
 *   shl.manifest.passcode   the same with flag P and the right passcode: one scrypt (N = 2^14)
 *                           per request on the thread pool; no target (a passcode is typed once).
 *   shl.manifest.cpu        the service verb in process, one request at a time: CPU time of this
 *                           process per manifest (the database's own CPU not included) — a figure
 *                           that a loaded machine disturbs less than latency.
 * Every answer is checked: 4 files, each an embedded JWE, the access logged.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_SCALE (time per figure, 15 s at 1), BENCH_CLIENTS.
 */
import { Agent } from 'node:http'
import { cpus, loadavg } from 'node:os'
import { parseShlink } from '../src/core/shl/index.ts'
import { COMMAND_LINE } from '../src/platform/context/index.ts'
import { issueCredential } from '../src/services/credentials/index.ts'
import { createShlLink, serveShlManifest } from '../src/services/shl/index.ts'
import { percentile } from './append.ts'
import { postJson, serveBenchDb } from './http.ts'
import { openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? '32')
const SECONDS = Math.max(3, 15 * SCALE)
const WARMUP = Math.max(1, 3 * SCALE)
const TARGET_P99_MS = 50

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS })
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}
const round = (x: number, digits = 1) => Number(x.toFixed(digits))

/** `CLIENTS` loops POSTing the manifest request until `seconds` pass; latencies of 200s. */
async function load(url: string, body: string, seconds: number): Promise<number[]> {
  const latencies: number[] = []
  const end = performance.now() + seconds * 1000
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now()
      const res = await postJson(agent, url, body)
      const ms = performance.now() - t
      if (res.status !== 200) throw new Error(`manifest: HTTP ${res.status} ${res.text}`)
      const manifest = JSON.parse(res.text) as { files: { embedded?: string }[] }
      if (manifest.files.length !== 4 || manifest.files.some((f) => f.embedded === undefined)) {
        throw new Error(`manifest: expected 4 embedded files, got ${res.text.slice(0, 200)}`)
      }
      latencies.push(ms)
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, loop))
  return latencies
}

async function main(): Promise<void> {
  log('opening a Postgres bench database')
  const b = await openBenchDb('postgres')
  try {
    const ctx = { ...b.ctx, actor: COMMAND_LINE }
    const patient = { givenNames: ['Bench'], familyName: 'Holder', birthDate: '1980-01-01' }
    const ids: string[] = []
    for (const date of ['2021-05-01', '2021-05-29']) {
      const issued = await issueCredential(ctx, {
        type: 'immunization',
        patient,
        immunizations: [{ code: '208', date, lotNumber: 'EW0182', performer: 'GGD Amsterdam' }],
        region: 'NL-NH',
      })
      ids.push(issued.id)
    }
    const test = await issueCredential(ctx, {
      type: 'test',
      patient,
      test: { code: '94558-4', date: '2026-11-01', result: '260415000' },
      region: 'NL-UT',
    })
    ids.push(test.id)
    const owner = { id: ids[0] as string }
    // A records system makes the links (issuer role): the service checks the role, not a key.
    const asIssuer = { ...ctx, role: 'issuer' as const }
    const links = {
      'shl.manifest': await createShlLink(asIssuer, { owner, input: { bundle: true } }),
      'shl.manifest.long-term': await createShlLink(asIssuer, {
        owner,
        input: { bundle: true, longTerm: true },
      }),
      'shl.manifest.passcode': await createShlLink(asIssuer, {
        owner,
        input: { bundle: true, passcode: '482913' },
      }),
    }
    const manifestId = new URL(parseShlink(links['shl.manifest'].shlink).url).pathname
      .split('/')
      .pop() as string
    const sequential = Math.max(200, Math.round(1000 * SCALE))
    for (let i = 0; i < 50; i++)
      await serveShlManifest(ctx, { manifestId, body: { recipient: 'bench' } })
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < sequential; i++) {
      await serveShlManifest(ctx, { manifestId, body: { recipient: 'bench' } })
    }
    const cpu = process.cpuUsage(cpu0)
    emit({
      bench: 'shl.manifest.cpu',
      engine: 'postgres',
      requests: sequential,
      cpuUsPerRequest: Math.round((cpu.user + cpu.system) / sequential),
      msPerRequest: round((performance.now() - t0) / sequential, 2),
      cpus: cpus().length,
      load1: round(loadavg()[0] as number, 2),
    })
    log('starting vigil serve')
    const server = await serveBenchDb(b)
    try {
      for (const [name, made] of Object.entries(links)) {
        const path = new URL(parseShlink(made.shlink).url).pathname
        const url = `${server.url}${path}`
        const body = JSON.stringify({
          recipient: 'bench',
          ...(name.endsWith('passcode') ? { passcode: '482913' } : {}),
        })
        log(`${name}: warming up ${WARMUP} s, then ${SECONDS} s at ${CLIENTS} clients`)
        await load(url, body, WARMUP)
        const t = performance.now()
        const latencies = (await load(url, body, SECONDS)).sort((x, y) => x - y)
        const seconds = (performance.now() - t) / 1000
        const p99 = percentile(latencies, 99)
        emit({
          bench: name,
          engine: 'postgres',
          clients: CLIENTS,
          files: 4,
          bytes: Buffer.byteLength((await postJson(agent, url, body)).text),
          requests: latencies.length,
          requestsPerSec: round(latencies.length / seconds),
          p50Ms: round(percentile(latencies, 50)),
          p99Ms: round(p99),
          maxMs: round(latencies.at(-1) as number),
          ...(name === 'shl.manifest'
            ? { targetP99Ms: TARGET_P99_MS, met: p99 < TARGET_P99_MS }
            : {}),
          cpus: cpus().length,
          load1: round(loadavg()[0] as number, 2),
        })
      }
    } finally {
      await server.stop()
    }
  } finally {
    agent.destroy()
    await b.drop()
  }
  const rows = [
    ['figure', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'bytes', 'load1'],
    ...figures
      .filter((f) => f.clients !== undefined)
      .map((f) =>
        [f.bench, f.clients, f.requestsPerSec, f.p50Ms, f.p99Ms, f.maxMs, f.bytes, f.load1].map(
          String,
        ),
      ),
  ]
  const cpuFigure = figures.find((f) => f.bench === 'shl.manifest.cpu')
  process.stdout.write(`\n${formatColumns(rows)}\n`)
  process.stdout.write(
    `service CPU per manifest, in process, one at a time: ${cpuFigure?.cpuUsPerRequest} µs (${cpuFigure?.msPerRequest} ms wall)\n`,
  )
}

await main()
