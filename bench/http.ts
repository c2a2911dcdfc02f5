/**
 * Inclusion proofs over HTTP from a large log: build it through `Ledger.append` in big batches
 * (a bulk import), start the real `vigil serve` on that database (a child process, so the client
 * does not share the server's event loop), and time GET /log/proof/inclusion?index=… for random
 * indices over loopback with a fixed number of requests in flight. Every proof is verified
 * afterwards against the latest checkpoint's root.
 */
import { Agent, get, request } from 'node:http'
import { fromBase64, toBase64 } from '../src/core/codec/base64.ts'
import { verifyInclusion } from '../src/core/merkle/index.ts'
import { parseNote } from '../src/core/note/index.ts'
import { parseVigilCheckpoint } from '../src/services/ledger/checkpoint.ts'
import { latestCheckpoint } from '../src/services/ledger/proofs.ts'
import { startServer } from '../test/helpers/server.ts'
import { benchEntry, percentile } from './append.ts'
import { type BenchDb, PUBLIC_URL } from './setup.ts'

export interface BuildResult {
  entries: number
  seconds: number
  entriesPerSec: number
  /** Leaf hash of every entry, by index (32 bytes each). */
  leafHashes: Uint8Array
}

/** Appends `total` entries with `appenders` concurrent bulk appends of `batch` entries each. */
export async function buildLog(
  b: BenchDb,
  opts: { total: number; appenders: number; batch: number },
  progress: (done: number) => void,
): Promise<BuildResult> {
  const leafHashes = new Uint8Array(opts.total * 32)
  let next = 0
  let done = 0
  const t = performance.now()
  const loop = async () => {
    for (;;) {
      const n = Math.min(opts.batch, opts.total - next)
      if (n <= 0) return
      next += n
      const out = await b.ledger.append(Array.from({ length: n }, benchEntry))
      for (const a of out) leafHashes.set(a.leafHash, Number(a.index) * 32)
      done += n
      progress(done)
    }
  }
  await Promise.all(Array.from({ length: opts.appenders }, loop))
  const seconds = (performance.now() - t) / 1000
  return { entries: opts.total, seconds, entriesPerSec: opts.total / seconds, leafHashes }
}

export interface ProofRun {
  size: number
  requests: number
  concurrency: number
  seconds: number
  requestsPerSec: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  meanMs: number
  verified: number
}

/**
 * Starts `vigil serve` on the bench database (Postgres only: PGlite is one process's file).
 * BENCH_SERVER_NODE names another node binary or wrapper (e.g. one that adds `--cpu-prof`).
 */
/** `workers` > 1 runs `vigil serve --workers N` (node:cluster). */
export async function serveBenchDb(b: BenchDb, workers = 1) {
  if (b.url === undefined) throw new Error('the HTTP bench needs a Postgres database')
  return startServer(
    {
      DATABASE_URL: b.url,
      PUBLIC_URL,
      VIGIL_MASTER_KEY: toBase64(b.masterKey),
      VIGIL_LOG_LEVEL: 'warn',
      VIGIL_DATA_DIR: `/tmp/vigil-bench-${process.pid}`,
      HOST: '127.0.0.1',
    },
    process.env.BENCH_SERVER_NODE ?? process.execPath,
    workers > 1 ? ['serve', '--workers', String(workers)] : ['serve'],
  )
}

/** Deterministic pseudo-random indices below `size` (xorshift32, then scaled). */
function randomIndices(count: number, size: number, seed: number): number[] {
  let s = seed >>> 0 || 1
  return Array.from({ length: count }, () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return Math.floor(((s >>> 0) / 2 ** 32) * size)
  })
}

/** A keep-alive client with little overhead of its own (it shares the machine with the server). */
const agent = new Agent({ keepAlive: true, maxSockets: 64 })

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    }).on('error', reject)
  })
}

interface Options {
  requests: number
  warmup: number
  concurrency: number
  maxSeconds: number
}

/** GETs `paths` with `concurrency` in flight until done or past `deadline`; 200s only. */
async function load(baseUrl: string, paths: string[], concurrency: number, deadline: number) {
  const latencies: number[] = []
  const bodies: { at: number; body: string }[] = []
  let next = 0
  const worker = async () => {
    while (next < paths.length && performance.now() < deadline) {
      const at = next++
      const t = performance.now()
      const { status, body } = await httpGet(`${baseUrl}${paths[at]}`)
      const ms = performance.now() - t
      if (status !== 200) throw new Error(`${paths[at]}: HTTP ${status} ${body}`)
      latencies.push(ms)
      bodies.push({ at, body })
    }
  }
  const t = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { latencies, bodies, seconds: (performance.now() - t) / 1000 }
}

function summarise(latencies: number[], seconds: number) {
  const sorted = latencies.slice().sort((x, y) => x - y)
  const n = sorted.length
  return {
    requests: n,
    seconds,
    requestsPerSec: n / seconds,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[n - 1] ?? Number.NaN,
    meanMs: sorted.reduce((a, x) => a + x, 0) / n,
  }
}

/** GET /log/proof/inclusion?index=<uniformly random>, every answer verified afterwards. */
export async function measureProofs(
  b: BenchDb,
  baseUrl: string,
  leafHashes: Uint8Array,
  opts: Options,
): Promise<ProofRun> {
  const latest = await latestCheckpoint(b.ctx)
  const checkpoint = parseVigilCheckpoint(parseNote(latest.note).text)
  const size = Number(checkpoint.size)
  const paths = (indices: number[]) => indices.map((i) => `/log/proof/inclusion?index=${i}`)
  const warmup = randomIndices(opts.warmup, size, 7)
  await load(baseUrl, paths(warmup), opts.concurrency, performance.now() + 60_000)
  const indices = randomIndices(opts.requests, size, 42)
  const measured = await load(
    baseUrl,
    paths(indices),
    opts.concurrency,
    performance.now() + opts.maxSeconds * 1000,
  )
  // Every answer must be a valid proof for its leaf against the checkpoint's root.
  for (const { at, body } of measured.bodies) {
    const index = indices[at] as number
    const p = JSON.parse(body) as { index: string; size: string; proof: string[] }
    if (p.size !== String(size)) throw new Error(`proof ${index} is for size ${p.size}`)
    const leaf = leafHashes.subarray(index * 32, index * 32 + 32)
    verifyInclusion(leaf, BigInt(index), BigInt(size), p.proof.map(fromBase64), checkpoint.root)
  }
  return {
    size,
    concurrency: opts.concurrency,
    verified: measured.bodies.length,
    ...summarise(measured.latencies, measured.seconds),
  }
}

/**
 * One proof request per bottom tile (a random leaf in each), so every full tile's in-tile nodes
 * are in the server's cache: the steady state of a long-running server whose cache covers the log.
 */
export async function warmAllTiles(baseUrl: string, size: number, concurrency: number) {
  const tiles = Math.ceil(size / 256)
  const indices = randomIndices(tiles, 256, 99).map((offset, t) =>
    Math.min(size - 1, t * 256 + offset),
  )
  const paths = indices.map((i) => `/log/proof/inclusion?index=${i}`)
  const r = await load(baseUrl, paths, concurrency, performance.now() + 300_000)
  return { requests: r.latencies.length, seconds: r.seconds }
}

/**
 * The same load on GET /log/checkpoint (one indexed query, no hashing): the floor any
 * database-backed route of this app has on this machine, for comparison.
 */
export async function measureCheckpoint(baseUrl: string, opts: Options) {
  const paths = (n: number) => Array.from({ length: n }, () => '/log/checkpoint')
  await load(baseUrl, paths(opts.warmup), opts.concurrency, performance.now() + 60_000)
  const measured = await load(
    baseUrl,
    paths(opts.requests),
    opts.concurrency,
    performance.now() + opts.maxSeconds * 1000,
  )
  return { concurrency: opts.concurrency, ...summarise(measured.latencies, measured.seconds) }
}

/**
 * POST `payload` as JSON over `agent` (keep-alive), with a bearer `token` when given; the status
 * and the body as text.
 */
export function postJson(
  agent: Agent,
  url: string,
  payload: string,
  token?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          text += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}
