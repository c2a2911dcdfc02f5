/**
 * Mixed-load driver (docs/RELIABILITY.md, "Mixed load"): a real `vigil serve` on a fresh
 * Postgres database and a temporary data directory, an issuer token made with
 * `vigil tokens create`, then requests at a fixed rate (open loop: a slow answer does not slow
 * the schedule) mixing issuing, checkpoint and tile reads, proofs, the verifier's lookups and
 * receipts, and public stats. Per minute: count, errors, p50/p99 and the server's RSS; at the
 * end the memory slope (least squares, MB/min). Used by mixed-load.soak.ts (10 minutes).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'

const BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url))
const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** Requests in flight beyond this are counted as errors instead of piling up. */
const MAX_IN_FLIGHT = 400

export interface MixedLoadOptions {
  readonly port: number
  readonly seconds: number
  readonly rate: number
  /** Seconds per reported window (60 for the soak). */
  readonly window: number
  readonly onLine?: (figure: Record<string, unknown>) => void
}

export interface LoadWindow {
  readonly window: number
  readonly count: number
  readonly errors: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly rssMb: number
}

export interface MixedLoadReport {
  readonly windows: LoadWindow[]
  readonly total: number
  readonly errors: number
  readonly errorSamples: string[]
  readonly byKind: Record<string, { count: number; errors: number; p99Ms: number }>
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

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return kb / 1024
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

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0

interface Issued {
  readonly jws: string
  readonly leafIndex: string
}

/** The request mix: weights sum to 100. */
const MIX: readonly [string, number][] = [
  ['issue', 15],
  ['checkpoint', 20],
  ['tile', 15],
  ['proof', 15],
  ['lookup', 15],
  ['receipt', 10],
  ['stats', 10],
]

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
    size = Number(text.split('\n')[1])
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
  const ops: Record<string, () => Promise<Response>> = {
    issue: async () => {
      const res = await fetch(`${url}/api/credentials`, {
        method: 'POST',
        headers: auth,
        body: body(counter++),
      })
      if (res.status === 201) {
        const card = (await res.clone().json()) as Issued
        if (issued.length < 2000) issued.push(card)
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
    stats: () => fetch(`${url}/api/public/stats`),
  }
  const kinds = MIX.flatMap(([kind, weight]) => Array<string>(weight).fill(kind))
  const loadBefore = Number(loadavg()[0]?.toFixed(2))
  const windows: LoadWindow[] = []
  const rssPoints: [number, number][] = []
  const byKind: Record<string, { count: number; errors: number; times: number[] }> = {}
  const errorSamples: string[] = []
  let current = { times: [] as number[], errors: 0 }
  let inFlight = 0
  let total = 0
  let errors = 0
  const t0 = performance.now()
  const record = (kind: string, ms: number, problem?: string) => {
    byKind[kind] ??= { count: 0, errors: 0, times: [] }
    const k = byKind[kind]
    k.count++
    k.times.push(ms)
    current.times.push(ms)
    total++
    if (problem !== undefined) {
      k.errors++
      current.errors++
      errors++
      if (errorSamples.length < 20) errorSamples.push(`${kind}: ${problem}`)
    }
  }
  const fire = async (kind: string) => {
    if (inFlight >= MAX_IN_FLIGHT) return record(kind, 0, 'too many requests in flight')
    inFlight++
    const started = performance.now()
    try {
      const res = await (ops[kind] as () => Promise<Response>)()
      const ok = res.status >= 200 && res.status < 300
      const text = ok ? undefined : await res.text()
      if (ok) await res.arrayBuffer().catch(() => undefined)
      record(
        kind,
        performance.now() - started,
        ok ? undefined : `${res.status} ${text?.slice(0, 200)}`,
      )
    } catch (err) {
      record(kind, performance.now() - started, String(err))
    } finally {
      inFlight--
    }
  }
  const sampleRss = () => {
    try {
      rssPoints.push([(performance.now() - t0) / 60_000, rssMb(pid)])
    } catch {}
  }
  const rssTimer = setInterval(sampleRss, 5000)
  sampleRss()
  const interval = 1000 / options.rate
  const planned = Math.floor(options.seconds * options.rate)
  const perWindow = options.window * options.rate
  const pending: Promise<void>[] = []
  let sequence = 0
  for (let n = 0; n < planned; n++) {
    const due = t0 + n * interval
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    const kind = kinds[(sequence++ * 37) % kinds.length] as string
    const p = fire(kind)
    pending.push(p)
    if (pending.length > 1000) pending.splice(0, 500)
    if ((n + 1) % perWindow === 0) {
      await Promise.all(pending.splice(0))
      const sorted = current.times.sort((a, b) => a - b)
      const rss = rssMb(pid)
      const w: LoadWindow = {
        window: windows.length + 1,
        count: sorted.length,
        errors: current.errors,
        p50Ms: Number(percentile(sorted, 0.5).toFixed(2)),
        p99Ms: Number(percentile(sorted, 0.99).toFixed(2)),
        rssMb: Number(rss.toFixed(1)),
      }
      windows.push(w)
      options.onLine?.({ bench: 'mixed-load.window', ...w, load1m: loadavg()[0] })
      current = { times: [], errors: 0 }
    }
  }
  await Promise.all(pending)
  clearInterval(rssTimer)
  const warm = rssPoints.filter(([x]) => x >= options.window / 60)
  const kindsOut: MixedLoadReport['byKind'] = {}
  for (const [kind, k] of Object.entries(byKind)) {
    const sorted = k.times.sort((a, b) => a - b)
    kindsOut[kind] = {
      count: k.count,
      errors: k.errors,
      p99Ms: Number(percentile(sorted, 0.99).toFixed(2)),
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
