/**
 * Mixed-load driver (docs/RELIABILITY.md, "Mixed load"): a real `vigil serve` on a fresh
 * Postgres database and a temporary data directory, an issuer token made with
 * `vigil tokens create`, then requests at a fixed rate (open loop: a slow answer never slows
 * the schedule) in the mix of a public-health deployment: mostly reads by venues' verifiers,
 * witnesses and the public (checkpoint, tiles, proofs, lookups, receipts, trust material, public
 * statistics), some issuing. Each request counts in the window it was scheduled in. Per window:
 * count, errors, p50/p99 of the requests that were sent, and the server's RSS at the window's
 * end; at the end the memory slope (least squares, MB/min). Used by mixed-load.soak.ts.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'

const BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url))
const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** Requests in flight beyond this are not sent: counted as errors, not as latencies. */
const MAX_IN_FLIGHT = 400

export interface MixedLoadOptions {
  readonly port: number
  readonly seconds: number
  readonly rate: number
  /** Seconds per reported window (60 for the soak). */
  readonly window: number
  /** The request mix (weights by kind); MIX when absent. */
  readonly mix?: readonly (readonly [Kind, number])[]
  readonly onLine?: (figure: Record<string, unknown>) => void
}

export interface LoadWindow {
  readonly window: number
  /** Requests scheduled in the window (sent or not). */
  readonly count: number
  /** Answers other than 2xx, failed requests, and requests not sent (too many in flight). */
  readonly errors: number
  /** Of `errors`, the requests not sent. */
  readonly dropped: number
  /** Latency of the requests sent (a request not sent has none). */
  readonly p50Ms: number | null
  readonly p99Ms: number | null
  readonly rssMb: number
  /** How late the driver sent its latest request (its own event loop under load). */
  readonly maxLagMs: number
}

export interface MixedLoadReport {
  readonly windows: LoadWindow[]
  readonly total: number
  readonly errors: number
  readonly errorSamples: string[]
  readonly byKind: Record<
    string,
    { count: number; errors: number; p50Ms: number | null; p99Ms: number | null }
  >
  /** Least-squares slope of the RSS samples, MB per minute (all, and after the first window). */
  readonly rssSlopeMbPerMin: number
  readonly rssSlopeAfterWarmupMbPerMin: number
  readonly loadAvg1m: [number, number]
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`vigil ${args.join(' ')}: ${err.message}\n${stderr}`))
        : resolve(stdout),
    ),
  )
}

/** The process's resident memory in MB; NaN once it has gone. */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024
  } catch {
    return Number.NaN
  }
}

/** Least-squares slope of y over x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

/** The p-quantile (nearest rank) of sorted values, to 0.01 ms; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
  return Number((v as number).toFixed(2))
}

interface Issued {
  readonly jws: string
  readonly leafIndex: string
}

export const KINDS = [
  'checkpoint',
  'tile',
  'proof',
  'consistency',
  'lookup',
  'receipt',
  'trust',
  'stats',
  'issue',
] as const
export type Kind = (typeof KINDS)[number]

/**
 * The request mix, weights summing to 100. Verifiers and witnesses poll the checkpoint (the
 * only mutable resource) and fetch tiles, proofs and lookups; the public reads the statistics;
 * issuing is a small share even in a vaccination campaign.
 */
export const MIX: readonly (readonly [Kind, number])[] = [
  ['checkpoint', 25],
  ['tile', 20],
  ['proof', 15],
  ['consistency', 5],
  ['lookup', 10],
  ['receipt', 5],
  ['trust', 5],
  ['stats', 10],
  ['issue', 5],
]

/** `stats=100` or `checkpoint=50,stats=50`: weights by kind (the MIXED_LOAD_MIX variable). */
export function parseMix(text: string): [Kind, number][] {
  return text.split(',').map((part) => {
    const [kind, weight] = part.split('=')
    if (!(KINDS as readonly string[]).includes(kind ?? '') || !(Number(weight) > 0))
      throw new Error(`mix: "${part}" is not KIND=WEIGHT with KIND one of ${KINDS.join(', ')}`)
    return [kind as Kind, Number(weight)]
  })
}

/** The kind of the n-th request: spread evenly over the weights (a fixed, repeatable order). */
export function kindsOf(mix: readonly (readonly [Kind, number])[]): Kind[] {
  const kinds = mix.flatMap(([kind, weight]) => Array<Kind>(weight).fill(kind))
  // A stride prime to the length visits every slot once per cycle, interleaving the kinds.
  let stride = 37
  while (gcd(stride, kinds.length) !== 1) stride++
  return kinds.map((_, n) => kinds[(n * stride) % kinds.length] as Kind)
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

async function startServe(env: NodeJS.ProcessEnv, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)))
  child.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)))
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vigil serve exited early:\n${out}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) return child
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`vigil serve did not start:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}

export async function runMixedLoad(options: MixedLoadOptions): Promise<MixedLoadReport> {
  const name = `vigil_mixedload_${Date.now().toString(36)}`
  const admin = postgres(POSTGRES, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const dbUrl = new URL(POSTGRES)
  dbUrl.pathname = `/${name}`
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mixed-load-'))
  const url = `http://127.0.0.1:${options.port}`
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    VIGIL_DATA_DIR: dir,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    VIGIL_LOG_LEVEL: 'warn',
  }
  let child: ChildProcess | undefined
  try {
    child = await startServe(env, url)
    const token = (
      await run(['tokens', 'create', '--name', 'mixed load', '--role', 'issuer'], env)
    ).trim()
    return await drive(options, url, token, child.pid as number)
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end({ timeout: 5 })
    rmSync(dir, { recursive: true, force: true })
  }
}

async function drive(
  options: MixedLoadOptions,
  url: string,
  token: string,
  pid: number,
): Promise<MixedLoadReport> {
  const issued: Issued[] = []
  let size = 0
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const body = (i: number) =>
    JSON.stringify({
      type: 'immunization',
      patient: { givenNames: ['Load'], familyName: `Tester ${i}`, birthDate: '1980-01-01' },
      immunizations: [{ code: '208', date: '2021-05-01', lotNumber: `L${i}` }],
      region: 'NL-NH',
    })
  const readSize = async () => {
    const res = await fetch(`${url}/log/checkpoint`)
    const text = await res.text()
    if (!res.ok) throw new Error(`checkpoint ${res.status}`)
    size = Math.max(size, Number(text.split('\n')[1]))
    return res
  }
  // Some cards first, so that reads have something to read.
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${url}/api/credentials`, {
      method: 'POST',
      headers: auth,
      body: body(i),
    })
    if (res.status !== 201) throw new Error(`warm-up issue: ${res.status} ${await res.text()}`)
    issued.push((await res.json()) as Issued)
  }
  await readSize()
  let counter = 5
  const ops: Record<Kind, () => Promise<Response>> = {
    issue: async () => {
      const res = await fetch(`${url}/api/credentials`, {
        method: 'POST',
        headers: auth,
        body: body(counter++),
      })
      if (res.status === 201) {
        const card = (await res.clone().json()) as Issued
        if (issued.length < 2000) issued.push(card)
        // A 201 means a signed checkpoint holds the entry: the tree is at least this big, so
        // a proof for this card never names a size the driver has not seen yet.
        size = Math.max(size, Number(card.leafIndex) + 1)
      }
      return res
    },
    checkpoint: readSize,
    tile: () => {
      // A level-0 tile (tlog-tiles): a full one, or the partial one at the right edge.
      const full = Math.floor(size / 256)
      const width = size % 256
      const n = Math.floor(Math.random() * (full + (width > 0 ? 1 : 0)))
      const path = `0/${String(n).padStart(3, '0')}${n === full ? `.p/${width}` : ''}`
      return fetch(`${url}/log/tile/${path}`)
    },
    proof: () => {
      const card = issued[Math.floor(Math.random() * issued.length)] as Issued
      return fetch(`${url}/log/proof/inclusion?index=${card.leafIndex}&size=${size}`)
    },
    consistency: () => {
      // What a witness asks: from a size it saw earlier to the latest.
      const first = 1 + Math.floor(Math.random() * Math.max(1, size - 1))
      return fetch(`${url}/log/proof/consistency?first=${first}&second=${size}`)
    },
    lookup: () => {
      const prefix = Math.floor(Math.random() * 65536)
        .toString(16)
        .padStart(4, '0')
      return fetch(`${url}/log/lookup/${prefix}`)
    },
    receipt: () => {
      const card = issued[Math.floor(Math.random() * issued.length)] as Issued
      return fetch(`${url}/log/receipt?index=${card.leafIndex}`)
    },
    trust: () => fetch(`${url}/trust/material`),
    stats: () => fetch(`${url}/api/public/stats`),
  }
  const kinds = kindsOf(options.mix ?? MIX)
  const loadBefore = Number(loadavg()[0]?.toFixed(2))
  const rssPoints: [number, number][] = []
  const byKind: Record<string, { count: number; errors: number; times: number[] }> = {}
  const errorSamples: string[] = []
  let inFlight = 0
  let total = 0
  let errors = 0
  interface Slot {
    times: number[]
    errors: number
    dropped: number
    count: number
    maxLag: number
    settled: Promise<void>[]
  }
  const slot = (): Slot => ({ times: [], errors: 0, dropped: 0, count: 0, maxLag: 0, settled: [] })
  const record = (w: Slot, kind: Kind, ms: number | null, problem?: string) => {
    byKind[kind] ??= { count: 0, errors: 0, times: [] }
    const k = byKind[kind]
    k.count++
    w.count++
    total++
    // A request not sent has no latency: it is an error, and absent from p50/p99.
    if (ms !== null) {
      k.times.push(ms)
      w.times.push(ms)
    }
    if (problem !== undefined) {
      k.errors++
      w.errors++
      errors++
      if (errorSamples.length < 20) errorSamples.push(`${kind}: ${problem}`)
    }
  }
  const fire = async (w: Slot, kind: Kind) => {
    if (inFlight >= MAX_IN_FLIGHT) {
      w.dropped++
      return record(w, kind, null, 'not sent: too many requests in flight')
    }
    inFlight++
    const started = performance.now()
    try {
      const res = await ops[kind]()
      const ok = res.status >= 200 && res.status < 300
      const text = ok ? undefined : await res.text()
      if (ok) await res.arrayBuffer().catch(() => undefined)
      record(
        w,
        kind,
        performance.now() - started,
        ok ? undefined : `${res.status} ${text?.slice(0, 200)}`,
      )
    } catch (err) {
      record(w, kind, performance.now() - started, String(err))
    } finally {
      inFlight--
    }
  }
  const t0 = performance.now()
  const sampleRss = () => {
    const rss = rssMb(pid)
    if (!Number.isNaN(rss)) rssPoints.push([(performance.now() - t0) / 60_000, rss])
  }
  const rssTimer = setInterval(sampleRss, 5000)
  sampleRss()
  const interval = 1000 / options.rate
  const planned = Math.floor(options.seconds * options.rate)
  const perWindow = Math.round(options.window * options.rate)
  const windows: LoadWindow[] = []
  // Windows are reported in order, each once all its requests have settled; the schedule
  // never waits for them.
  let reported = Promise.resolve()
  const report = (w: Slot, index: number, rss: number) => {
    reported = reported
      .then(() => Promise.all(w.settled))
      .then(() => {
        const sorted = w.times.sort((a, b) => a - b)
        const line: LoadWindow = {
          window: index,
          count: w.count,
          errors: w.errors,
          dropped: w.dropped,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          rssMb: Number(rss.toFixed(1)),
          maxLagMs: Number(w.maxLag.toFixed(1)),
        }
        windows.push(line)
        options.onLine?.({ bench: 'mixed-load.window', ...line, load1m: loadavg()[0] })
      })
  }
  let current = slot()
  for (let n = 0; n < planned; n++) {
    const due = t0 + n * interval
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    current.maxLag = Math.max(current.maxLag, performance.now() - due)
    current.settled.push(fire(current, kinds[n % kinds.length] as Kind))
    if ((n + 1) % perWindow === 0 || n + 1 === planned) {
      report(current, Math.ceil((n + 1) / perWindow), rssMb(pid))
      current = slot()
    }
  }
  await reported
  clearInterval(rssTimer)
  sampleRss()
  const warm = rssPoints.filter(([x]) => x >= options.window / 60)
  const kindsOut: MixedLoadReport['byKind'] = {}
  for (const [kind, k] of Object.entries(byKind)) {
    const sorted = k.times.sort((a, b) => a - b)
    kindsOut[kind] = {
      count: k.count,
      errors: k.errors,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
    }
  }
  return {
    windows,
    total,
    errors,
    errorSamples,
    byKind: kindsOut,
    rssSlopeMbPerMin: Number(slope(rssPoints).toFixed(3)),
    rssSlopeAfterWarmupMbPerMin: Number(slope(warm).toFixed(3)),
    loadAvg1m: [loadBefore, Number(loadavg()[0]?.toFixed(2))],
  }
}
