/**
 * `npm run bench:read-path`: the log's read path against the limits of this machine (issue 23),
 * each pair measured back to back in one run under the same load generator (bench/load.ts):
 *
 * - `GET /log/checkpoint` and `GET /log/tile/0/000` (a full tile) from `vigil serve` (a child
 *   process on a Postgres bench database) against a bare `node:http` server (another child)
 *   returning the same bytes, 32 connections;
 * - `GET /log/proof/inclusion?index=<random>` at LOG_SIZE entries (1,000,000 at scale 1), 8 in
 *   flight, after one proof per bottom tile, against the database reads the route needed before
 *   issue 23 (the latest checkpoint's size and the leaf's bottom tile in one statement, as the
 *   route sent it) through postgres.js with 8 in flight.
 *
 * One JSON line per figure on stdout, a table at the end. BENCH_SCALE scales the log size and
 * the durations; BENCH_ONLY=http or BENCH_ONLY=proofs runs one part.
 */
import { spawn } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import postgres from 'postgres'
import { fromBase64 } from '../src/core/codec/base64.ts'
import { verifyInclusion } from '../src/core/merkle/index.ts'
import { parseNote } from '../src/core/note/index.ts'
import { parseVigilCheckpoint } from '../src/services/ledger/checkpoint.ts'
import { freePort } from '../test/helpers/server.ts'
import { benchEntry } from './append.ts'
import { buildLog, serveBenchDb } from './http.ts'
import { load } from './load.ts'
import { openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const ONLY = new Set((process.env.BENCH_ONLY ?? 'http,proofs').split(','))
const SECONDS = Math.max(1, 5 * SCALE)
const ROUNDS = 2
const LOG_SIZE = Math.max(10_000, Math.round(1_000_000 * SCALE))
const TARGET_HTTP = 0.5
const TARGET_PROOF = 0.5

type Figure = Record<string, unknown> & { bench: string }
const figures: Figure[] = []
const emit = (f: Figure) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const round = (x: number, d = 2) => Number(x.toFixed(d))

/** A bare node:http server (a child process) answering `routes` with fixed bytes. */
async function startBare(routes: Record<string, { type: string; body: Uint8Array }>) {
  const port = await freePort()
  const table = Object.fromEntries(
    Object.entries(routes).map(([p, r]) => [
      p,
      { type: r.type, body: Buffer.from(r.body).toString('base64') },
    ]),
  )
  const source = `
    const http = require('node:http')
    const table = ${JSON.stringify(table)}
    const bodies = {}
    for (const [p, r] of Object.entries(table)) bodies[p] = { type: r.type, body: Buffer.from(r.body, 'base64') }
    http.createServer((req, res) => {
      const r = bodies[req.url]
      if (r === undefined) { res.writeHead(404, { 'content-length': '0' }); res.end(); return }
      res.writeHead(200, { 'content-type': r.type, 'content-length': String(r.body.length) })
      res.end(r.body)
    }).listen(${port}, '127.0.0.1', () => process.send?.('ready'))`
  const child = spawn(process.execPath, ['-e', source], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`bare server exited ${code}`)))
  })
  return { port, stop: () => child.kill('SIGTERM') }
}

async function httpPart(): Promise<void> {
  log('http: a Postgres bench database with 600 entries, `vigil serve` and a bare node:http server')
  const b = await openBenchDb('postgres')
  const server = await serveBenchDb(b)
  try {
    for (let i = 0; i < 600; i += 100)
      await b.ledger.append(Array.from({ length: 100 }, benchEntry))
    const port = Number(new URL(server.url).port)
    const resources: Record<string, { type: string; body: Uint8Array }> = {}
    for (const path of ['/log/checkpoint', '/log/tile/0/000']) {
      const res = await fetch(`${server.url}${path}`)
      resources[path] = {
        type: res.headers.get('content-type') ?? 'application/octet-stream',
        body: new Uint8Array(await res.arrayBuffer()),
      }
    }
    const bare = await startBare(resources)
    try {
      for (const [path, resource] of Object.entries(resources)) {
        const run = (p: number) => load({ port: p, path, connections: 32, seconds: SECONDS })
        // Warm-up: the JIT of all three processes, and the server's caches.
        await load({ port: bare.port, path, connections: 32, seconds: 1 })
        await load({ port, path, connections: 32, seconds: 1 })
        const pairs: { bare: number; vigil: number }[] = []
        for (let r = 0; r < ROUNDS; r++) {
          const limit = await run(bare.port)
          const ours = await run(port)
          if (limit.errors + ours.errors > 0) throw new Error(`${path}: non-200 answers`)
          pairs.push({ bare: limit.requestsPerSec, vigil: ours.requestsPerSec })
          log(
            `${path}: bare ${Math.round(limit.requestsPerSec)}/s, vigil ${Math.round(ours.requestsPerSec)}/s`,
          )
        }
        const bareRate = pairs.reduce((a, p) => a + p.bare, 0) / pairs.length
        const vigilRate = pairs.reduce((a, p) => a + p.vigil, 0) / pairs.length
        emit({
          bench: 'read.http',
          path,
          bytes: resource.body.length,
          connections: 32,
          seconds: SECONDS * ROUNDS,
          vigilPerSec: Math.round(vigilRate),
          barePerSec: Math.round(bareRate),
          ratio: round(vigilRate / bareRate),
          target: TARGET_HTTP,
          loadAvg1m: round(loadavg()[0] ?? 0),
        })
      }
    } finally {
      bare.stop()
    }
  } finally {
    await server.stop()
    await b.ledger.close()
    await b.drop()
  }
}

/** Deterministic pseudo-random indices (xorshift32). */
function indexSource(size: number, seed: number) {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return Math.floor(((s >>> 0) / 2 ** 32) * size)
  }
}

async function proofPart(): Promise<void> {
  log(`proofs: building a ${LOG_SIZE}-entry log on Postgres`)
  const b = await openBenchDb('postgres')
  let server: Awaited<ReturnType<typeof serveBenchDb>> | undefined
  try {
    let shown = 0
    const built = await buildLog(b, { total: LOG_SIZE, appenders: 8, batch: 10_000 }, (done) => {
      if (done - shown >= LOG_SIZE / 10) {
        shown = done
        log(`  ${done} entries`)
      }
    })
    log(`built in ${built.seconds.toFixed(1)} s; starting vigil serve`)
    server = await serveBenchDb(b)
    const port = Number(new URL(server.url).port)
    const note = await (await fetch(`${server.url}/log/checkpoint`)).text()
    const checkpoint = parseVigilCheckpoint(parseNote(note).text)
    const size = Number(checkpoint.size)
    // One proof per bottom tile: the steady state of a server that has answered for a while.
    const tiles = Math.ceil(size / 256)
    let t = 0
    const warm = await load({
      port,
      path: () => `/log/proof/inclusion?index=${Math.min(size - 1, t++ * 256 + 17)}`,
      connections: 8,
      seconds: 600,
      stopAfter: tiles,
    })
    log(`warmed ${warm.requests} tiles in ${warm.seconds.toFixed(1)} s`)
    // Verify a sample against the root first: a fast wrong answer is no figure.
    const sample = indexSource(size, 5)
    for (let i = 0; i < 200; i++) {
      const index = sample()
      const p = (await (
        await fetch(`${server.url}/log/proof/inclusion?index=${index}`)
      ).json()) as {
        proof: string[]
      }
      const leaf = built.leafHashes.subarray(index * 32, index * 32 + 32)
      verifyInclusion(leaf, BigInt(index), BigInt(size), p.proof.map(fromBase64), checkpoint.root)
    }
    const sql = postgres(b.url as string, { max: 8, onnotice: () => {} })
    try {
      const raw = async (seconds: number) => {
        const next = indexSource(size, 9)
        let count = 0
        const deadline = performance.now() + seconds * 1000
        const started = performance.now()
        const loop = async () => {
          while (performance.now() < deadline) {
            const tile = BigInt(next()) >> 8n
            // The statement the route sent before issue 23 (services/ledger/proofs.ts), with
            // the bottom tile only, as in a warm server whose upper nodes were cached.
            const rows = await sql`
              select c.size, t.level, t.idx, t.hashes
              from (select size from log_checkpoints order by size desc limit 1) c
              left join log_tiles t on (t.level, t.idx) in ((0, ${String(tile)}::int8))`
            if (rows.length !== 1 || rows[0]?.hashes === null) throw new Error('no tile')
            count++
          }
        }
        await Promise.all(Array.from({ length: 8 }, loop))
        return count / ((performance.now() - started) / 1000)
      }
      const next = indexSource(size, 42)
      const http = (seconds: number) =>
        load({ port, path: () => `/log/proof/inclusion?index=${next()}`, connections: 8, seconds })
      await raw(1)
      await http(1)
      const pairs: { raw: number; vigil: number; p50: number; p99: number }[] = []
      for (let r = 0; r < ROUNDS; r++) {
        const limit = await raw(SECONDS)
        const ours = await http(SECONDS)
        if (ours.errors > 0) throw new Error('non-200 proofs')
        pairs.push({ raw: limit, vigil: ours.requestsPerSec, p50: ours.p50Ms, p99: ours.p99Ms })
        log(`proofs: raw SQL ${Math.round(limit)}/s, vigil ${Math.round(ours.requestsPerSec)}/s`)
      }
      const rawRate = pairs.reduce((a, p) => a + p.raw, 0) / pairs.length
      const vigilRate = pairs.reduce((a, p) => a + p.vigil, 0) / pairs.length
      emit({
        bench: 'read.proof',
        size,
        inFlight: 8,
        seconds: SECONDS * ROUNDS,
        vigilPerSec: Math.round(vigilRate),
        p50Ms: round(pairs[pairs.length - 1]?.p50 ?? Number.NaN),
        p99Ms: round(pairs[pairs.length - 1]?.p99 ?? Number.NaN),
        rawSqlPerSec: Math.round(rawRate),
        ratio: round(vigilRate / rawRate),
        target: TARGET_PROOF,
        verified: 200,
        loadAvg1m: round(loadavg()[0] ?? 0),
      })
    } finally {
      await sql.end({ timeout: 5 })
    }
  } finally {
    await server?.stop()
    await b.ledger.close()
    await b.drop()
  }
}

emit({
  bench: 'machine',
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  scale: SCALE,
  loadAvg1m: round(loadavg()[0] ?? 0),
})
const started = performance.now()
if (ONLY.has('http')) await httpPart()
if (ONLY.has('proofs')) await proofPart()
emit({
  bench: 'done',
  seconds: round((performance.now() - started) / 1000, 1),
  loadAvg1m: round(loadavg()[0] ?? 0),
})

const rows = [['figure', 'Vigil', 'limit (same run)', 'ratio', 'target']]
for (const f of figures) {
  if (f.bench === 'read.http')
    rows.push([
      `GET ${f.path} (${f.bytes} B), 32 conn.`,
      `${f.vigilPerSec}/s`,
      `bare node:http ${f.barePerSec}/s`,
      String(f.ratio),
      `≥ ${f.target}`,
    ])
  if (f.bench === 'read.proof')
    rows.push([
      `inclusion proof at ${f.size}, 8 in flight`,
      `${f.vigilPerSec}/s`,
      `raw SQL ${f.rawSqlPerSec}/s`,
      String(f.ratio),
      `≥ ${f.target}`,
    ])
}
process.stderr.write(`\n${formatColumns(rows)}\n`)
process.exit(0)
