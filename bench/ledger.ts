/**
 * `npm run bench:ledger`: the ledger's performance figures (issue 3), one JSON line per figure on
 * stdout and a table at the end; progress goes to stderr.
 *
 *   1. merkle.*        our core vs merkletreejs (RFC 6962 configuration): same roots and proofs,
 *                      and the ratio of our time to its time
 *   2. ledger.append   sustained Ledger.append throughput with 64 concurrent appenders, each
 *                      appending batches of k entries back to back (k = 100: a bulk import;
 *                      k = 1: single credentials), on Postgres and on PGlite
 *   3. ledger.build    a 1,000,000-entry log built through Ledger.append in 10,000-entry batches
 *      http.proof.inclusion   GET /log/proof/inclusion?index=<random> from the real `vigil serve`
 *                      on that database, over loopback, 1 and 8 requests in flight, with a cold
 *                      server and again once every tile has been through its cache
 *      http.checkpoint GET /log/checkpoint under the same load (the floor, for comparison)
 *
 * Environment:
 *   BENCH_DATABASE_URL  Postgres server (default postgres://postgres@127.0.0.1:5432/postgres);
 *                       each run creates a fresh database and drops it afterwards
 *   BENCH_SCALE         scales sizes and durations (default 1; e.g. 0.1 for a quick run)
 *   BENCH_ENGINES       engines for ledger.append (default "postgres,pglite")
 *   BENCH_ONLY          sections to run (default "merkle,append,proofs")
 */
import { cpus, loadavg, totalmem } from 'node:os'
import postgres from 'postgres'
import { verifyTlogProof } from '../src/core/note/index.ts'
import { logPolicy } from '../test/helpers/ledger.ts'
import { runAppenders } from './append.ts'
import { buildLog, measureCheckpoint, measureProofs, serveBenchDb, warmAllTiles } from './http.ts'
import { compareMerkle } from './merkle.ts'
import { DATABASE_URL, type Engine, openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
if (!(SCALE > 0)) throw new Error('BENCH_SCALE must be a positive number')
const ENGINES = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',') as Engine[]
const ONLY = new Set((process.env.BENCH_ONLY ?? 'merkle,append,proofs').split(','))

const APPENDERS = 64
const APPEND_SECONDS = Math.max(2, 10 * SCALE)
const APPEND_WARMUP = Math.max(0.5, 2 * SCALE)
const LOG_SIZE = Math.max(10_000, Math.round(1_000_000 * SCALE))
const PROOF_REQUESTS = Math.max(200, Math.round(3000 * SCALE))
const MERKLE_LEAVES = Math.max(1000, Math.round(100_000 * SCALE))
const MERKLE_PROOFS = Math.max(100, Math.round(2000 * SCALE))

/** Targets from the issue (Postgres, this 2-core machine). */
const TARGET_APPENDS = 20_000
const TARGET_P50_MS = 2
const TARGET_P99_MS = 10

type Figure = Record<string, unknown> & { bench: string }
const figures: Figure[] = []
function emit(figure: Figure): void {
  figures.push(figure)
  process.stdout.write(`${JSON.stringify(figure)}\n`)
}
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const round = (x: number, digits = 2) => Number(x.toFixed(digits))

async function machine(): Promise<Figure> {
  const figure: Figure = {
    bench: 'machine',
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    scale: SCALE,
    loadAvg1m: round(loadavg()[0] ?? 0),
  }
  if (ENGINES.includes('postgres') || ONLY.has('proofs')) {
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} })
    try {
      const [row] = await admin`select current_setting('server_version') as version,
        current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync,
        current_setting('shared_buffers') as shared_buffers`
      Object.assign(figure, {
        postgres: row?.version,
        fsync: row?.fsync,
        synchronousCommit: row?.sync,
        sharedBuffers: row?.shared_buffers,
      })
    } finally {
      await admin.end({ timeout: 5 })
    }
  }
  return figure
}

async function merkleSection(): Promise<void> {
  log(`merkle: core vs merkletreejs, ${MERKLE_LEAVES} leaves, ${MERKLE_PROOFS} proofs`)
  await compareMerkle(1000, 100) // JIT warm-up for both sides
  const r = await compareMerkle(MERKLE_LEAVES, MERKLE_PROOFS)
  if (!r.sameRoot || !r.sameProofs) throw new Error('core and merkletreejs disagree')
  const ops = [
    ['root', r.rootMs, 'rootFromLeafHashes vs new MerkleTree + getRoot'],
    ['build', r.buildMs, 'CompactRange.append (every stored node) vs new MerkleTree'],
    ['prove', r.proveMs, 'proveInclusion over stored nodes vs getProof'],
    ['verify', r.verifyMs, 'verifyInclusion vs tree.verify'],
  ] as const
  for (const [op, ms, what] of ops) {
    emit({
      bench: `merkle.${op}`,
      leaves: r.leaves,
      ...(op === 'prove' || op === 'verify' ? { proofs: r.proofs } : {}),
      coreMs: round(ms.core),
      merkletreejsMs: round(ms.merkletreejs),
      ratio: round(ms.core / ms.merkletreejs, 3),
      sameRoot: r.sameRoot,
      sameProofs: r.sameProofs,
      what,
    })
  }
}

async function appendSection(engine: Engine, batch: number): Promise<void> {
  log(`append: ${engine}, ${APPENDERS} appenders × ${batch}, ${APPEND_SECONDS} s`)
  const b = await openBenchDb(engine)
  try {
    const r = await runAppenders(b.ledger, {
      appenders: APPENDERS,
      batch,
      seconds: APPEND_SECONDS,
      warmup: APPEND_WARMUP,
    })
    // Spot check: one more append's receipt verifies against the log key.
    const [one] = await b.ledger.append([(await import('./append.ts')).benchEntry()])
    if (one === undefined) throw new Error('no receipt')
    await verifyTlogProof(one.receipt, one.leafHash, await logPolicy(b.ctx))
    emit({
      bench: 'ledger.append',
      engine,
      appenders: r.appenders,
      batch: r.batch,
      entriesPerSec: Math.round(r.entriesPerSec),
      appendsPerSec: Math.round(r.appendsPerSec),
      p50Ms: round(r.p50Ms, 1),
      p99Ms: round(r.p99Ms, 1),
      entries: r.entries,
      seconds: round(r.seconds),
      logSize: Number(one.index) + 1,
    })
  } finally {
    await b.drop()
  }
}

async function proofSection(): Promise<void> {
  const b = await openBenchDb('postgres')
  try {
    log(`build: ${LOG_SIZE} entries through Ledger.append (8 appenders × 10,000)`)
    let shown = 0
    const built = await buildLog(b, { total: LOG_SIZE, appenders: 8, batch: 10_000 }, (done) => {
      if (done - shown >= LOG_SIZE / 10) {
        shown = done
        log(`  ${done} / ${LOG_SIZE}`)
      }
    })
    emit({
      bench: 'ledger.build',
      engine: 'postgres',
      appenders: 8,
      batch: 10_000,
      entries: built.entries,
      entriesPerSec: Math.round(built.entriesPerSec),
      seconds: round(built.seconds, 1),
    })
    log('serve: starting `vigil serve` on the bench database')
    const server = await serveBenchDb(b)
    try {
      const proofs = async (cache: 'cold' | 'warm') => {
        for (const concurrency of [1, 8]) {
          log(`proofs (${cache}): ${PROOF_REQUESTS} requests, ${concurrency} in flight`)
          const r = await measureProofs(b, server.url, built.leafHashes, {
            requests: PROOF_REQUESTS,
            warmup: Math.round(PROOF_REQUESTS / 10),
            concurrency,
            maxSeconds: 60,
          })
          emitHttp('http.proof.inclusion', { ...r, cache })
        }
      }
      // Cold: a fresh server, uniformly random leaves (most requests meet a tile for the first
      // time). Warm: after one request per bottom tile, as in a server that has run a while.
      await proofs('cold')
      log(`warming: one proof per bottom tile (${Math.ceil(LOG_SIZE / 256)} requests)`)
      const warm = await warmAllTiles(server.url, LOG_SIZE, 8)
      log(`  ${warm.requests} requests in ${round(warm.seconds, 1)} s`)
      await proofs('warm')
      for (const concurrency of [1, 8]) {
        log(`checkpoint (reference): ${PROOF_REQUESTS} requests, ${concurrency} in flight`)
        const r = await measureCheckpoint(server.url, {
          requests: PROOF_REQUESTS,
          warmup: Math.round(PROOF_REQUESTS / 10),
          concurrency,
          maxSeconds: 60,
        })
        emitHttp('http.checkpoint', { ...r, size: LOG_SIZE })
      }
    } finally {
      await server.stop()
    }
  } finally {
    await b.drop()
  }
}

function emitHttp(
  bench: string,
  r: Awaited<ReturnType<typeof measureCheckpoint>> & {
    size: number
    verified?: number
    cache?: string
  },
): void {
  emit({
    bench,
    engine: 'postgres',
    size: r.size,
    ...(r.cache === undefined ? {} : { cache: r.cache }),
    concurrency: r.concurrency,
    requests: r.requests,
    requestsPerSec: Math.round(r.requestsPerSec),
    p50Ms: round(r.p50Ms),
    p90Ms: round(r.p90Ms),
    p99Ms: round(r.p99Ms),
    maxMs: round(r.maxMs),
    meanMs: round(r.meanMs),
    ...(r.verified === undefined ? {} : { verified: r.verified }),
  })
}

function table(): string {
  const rows: string[][] = [['figure', 'setting', 'result', 'target']]
  for (const f of figures) {
    if (f.bench === 'ledger.append') {
      const target = f.engine === 'postgres' && f.batch !== 1 ? `≥ ${TARGET_APPENDS}/s` : ''
      const met =
        target === '' ? '' : Number(f.entriesPerSec) >= TARGET_APPENDS ? ' met' : ' MISSED'
      rows.push([
        `ledger.append ${f.engine}`,
        `${f.appenders} appenders × ${f.batch}`,
        `${f.entriesPerSec} entries/s (p50 ${f.p50Ms} ms/append)`,
        target + met,
      ])
    } else if (f.bench === 'ledger.build') {
      rows.push([
        `ledger.build ${f.engine}`,
        `${f.entries} entries`,
        `${f.entriesPerSec} entries/s`,
        '',
      ])
    } else if (f.bench === 'http.proof.inclusion') {
      const met =
        Number(f.p50Ms) < TARGET_P50_MS && Number(f.p99Ms) < TARGET_P99_MS ? ' met' : ' MISSED'
      rows.push([
        `proof over HTTP at ${f.size} (${f.cache})`,
        `${f.concurrency} in flight`,
        `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.requestsPerSec} req/s`,
        `p50 < ${TARGET_P50_MS} ms, p99 < ${TARGET_P99_MS} ms${met}`,
      ])
    } else if (f.bench === 'http.checkpoint') {
      rows.push([
        '/log/checkpoint (reference)',
        `${f.concurrency} in flight`,
        `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.requestsPerSec} req/s`,
        '',
      ])
    } else if (f.bench.startsWith('merkle.')) {
      rows.push([
        `${f.bench} core / merkletreejs`,
        `${f.leaves} leaves${f.proofs ? `, ${f.proofs} proofs` : ''}`,
        `${f.coreMs} ms / ${f.merkletreejsMs} ms = ${f.ratio}×`,
        f.sameRoot && f.sameProofs ? 'same root and proofs' : 'DISAGREE',
      ])
    }
  }
  return formatColumns(rows)
}

const started = performance.now()
emit(await machine())
if (ONLY.has('merkle')) await merkleSection()
if (ONLY.has('append')) {
  for (const engine of ENGINES) {
    await appendSection(engine, 100)
    await appendSection(engine, 1)
  }
}
if (ONLY.has('proofs')) await proofSection()
emit({
  bench: 'done',
  seconds: round((performance.now() - started) / 1000, 1),
  loadAvg1m: round(loadavg()[0] ?? 0),
})
process.stdout.write(`\n${table()}\n`)
log(`done in ${round((performance.now() - started) / 1000, 1)} s`)
