/**
 * `npm run bench:read-static`: issue 19's static read path.
 *
 * - read: `GET /log/checkpoint` and `GET /log/tile/0/000` (a full tile), 32 connections, from the
 *   published directory served by a plain static file server (a node:http child process that
 *   reads the file on each request, as a naive static server does; the OS page cache holds it)
 *   against `vigil serve` (a child process on a Postgres bench database, VIGIL_PUBLISH_DIR set,
 *   so its tiles are answered from memory or the copy), back to back, same load generator
 *   (bench/load.ts);
 * - audit: `vigil audit --url` (the real CLI process) of a LOG_SIZE-entry (1,000,000 at scale 1)
 *   published copy served by the same kind of static server. The copy is generated directly with
 *   the core merkle and tile code (entries → bundles, leaf hashes → compact range → tiles at
 *   every level, a signed checkpoint), not through the HTTP API.
 *
 * - publish: a first publishing run of a PUBLISH_SIZE-entry log (100,000 at scale 1) on Postgres
 *   into an empty directory (every object read from the database, written, fsynced, renamed,
 *   read back), then a second run over the full copy with `repair` (every object checked, none
 *   written): what configuring VIGIL_PUBLISH_DIR on a running deployment, and each restart, cost.
 *
 * One JSON line per figure on stdout, a table at the end. BENCH_SCALE scales the log size and
 * the durations; BENCH_ONLY=read or BENCH_ONLY=audit runs one part.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { checkpointText } from '../src/core/checkpoint/index.ts'
import { toBase64 } from '../src/core/codec/index.ts'
import { encodeEntry } from '../src/core/leaf/index.ts'
import {
  CompactRange,
  encodeEntryBundle,
  entriesPath,
  hashLeaf,
  tilePath,
} from '../src/core/merkle/index.ts'
import { createSigner, generateSignerKey, signNote } from '../src/core/note/index.ts'
import { installNodeSha256 } from '../src/platform/node-crypto/index.ts'
import { dirStore } from '../src/platform/object-store-dir/index.ts'
import { publishLog } from '../src/services/publish/index.ts'
import { TileBuilder } from '../src/tools/audit/tiles.ts'
import { runCli } from '../test/helpers/cli.ts'
import { freePort, startServer } from '../test/helpers/server.ts'
import { benchEntry } from './append.ts'
import { load } from './load.ts'
import { openBenchDb, PUBLIC_URL } from './setup.ts'
import { formatColumns } from './table.ts'

installNodeSha256()

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const ONLY = new Set((process.env.BENCH_ONLY ?? 'read,audit,publish').split(','))
const SECONDS = Math.max(1, 5 * SCALE)
const ROUNDS = 2
const LOG_SIZE = Math.max(10_000, Math.round(1_000_000 * SCALE))
const PUBLISH_SIZE = Math.max(10_000, Math.round(100_000 * SCALE))
/** The brief's limit for auditing a 1,000,000-entry copy. */
const AUDIT_TARGET_S = 120

type Figure = Record<string, unknown> & { bench: string }
const figures: Figure[] = []
const emit = (f: Figure) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const round = (x: number, d = 2) => Number(x.toFixed(d))

/** A plain static file server for `root` under `/log/` (a child process), as a CDN origin. */
async function startStatic(root: string) {
  const port = await freePort()
  const source = `
    const http = require('node:http'), fs = require('node:fs/promises'), path = require('node:path')
    const root = ${JSON.stringify(root)}
    http.createServer(async (req, res) => {
      const rel = req.url.startsWith('/log/') ? req.url.slice(5) : ''
      if (rel === '' || rel.includes('..')) { res.writeHead(404, { 'content-length': '0' }); res.end(); return }
      try {
        const body = await fs.readFile(path.join(root, rel))
        res.writeHead(200, {
          'content-type': rel === 'checkpoint' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
          'content-length': String(body.length),
          'cache-control': rel === 'checkpoint' ? 'public, max-age=2' : 'public, max-age=31536000, immutable',
        })
        res.end(body)
      } catch { res.writeHead(404, { 'content-length': '0' }); res.end() }
    }).listen(${port}, '127.0.0.1', () => process.send?.('ready'))`
  const child = spawn(process.execPath, ['-e', source], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`static server exited ${code}`)))
  })
  return { port, url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }
}

async function readPart(): Promise<void> {
  log('read: a Postgres bench database, `vigil serve` with VIGIL_PUBLISH_DIR, a static server')
  const b = await openBenchDb('postgres')
  const pub = mkdtempSync(join(tmpdir(), 'vigil-read-static-'))
  const server = await startServer(
    {
      DATABASE_URL: b.url as string,
      PUBLIC_URL,
      VIGIL_MASTER_KEY: toBase64(b.masterKey),
      VIGIL_LOG_LEVEL: 'warn',
      VIGIL_DATA_DIR: `/tmp/vigil-bench-${process.pid}`,
      VIGIL_PUBLISH_DIR: pub,
      HOST: '127.0.0.1',
    },
    process.env.BENCH_SERVER_NODE ?? process.execPath,
  )
  const statics = await startStatic(pub)
  try {
    for (let i = 0; i < 600; i += 100)
      await b.ledger.append(Array.from({ length: 100 }, benchEntry))
    const head = await (await fetch(`${server.url}/log/checkpoint`)).text()
    for (let i = 0; ; i++) {
      const copy = await fetch(`${statics.url}/log/checkpoint`)
      if (copy.ok && (await copy.text()) === head) break
      if (i > 300) throw new Error('the copy did not reach the head')
      await new Promise((r) => setTimeout(r, 100))
    }
    const appPort = Number(new URL(server.url).port)
    for (const path of ['/log/checkpoint', '/log/tile/0/000']) {
      const run = (port: number) => load({ port, path, connections: 32, seconds: SECONDS })
      await load({ port: statics.port, path, connections: 32, seconds: 1 })
      await load({ port: appPort, path, connections: 32, seconds: 1 })
      const pairs: { statics: number; app: number; staticP99: number; appP99: number }[] = []
      for (let r = 0; r < ROUNDS; r++) {
        const s = await run(statics.port)
        const a = await run(appPort)
        if (s.errors + a.errors > 0) throw new Error(`${path}: non-200 answers`)
        pairs.push({
          statics: s.requestsPerSec,
          app: a.requestsPerSec,
          staticP99: s.p99Ms,
          appP99: a.p99Ms,
        })
        log(
          `${path}: static ${Math.round(s.requestsPerSec)}/s, app ${Math.round(a.requestsPerSec)}/s`,
        )
      }
      const mean = (f: (p: (typeof pairs)[number]) => number) =>
        pairs.reduce((sum, p) => sum + f(p), 0) / pairs.length
      emit({
        bench: 'read-static.http',
        path,
        connections: 32,
        seconds: SECONDS * ROUNDS,
        staticPerSec: Math.round(mean((p) => p.statics)),
        appPerSec: Math.round(mean((p) => p.app)),
        staticP99Ms: round(mean((p) => p.staticP99)),
        appP99Ms: round(mean((p) => p.appP99)),
        loadAvg1m: round(loadavg()[0] ?? 0),
      })
    }
  } finally {
    statics.stop()
    await server.stop()
    await b.ledger.close()
    await b.drop()
    rmSync(pub, { recursive: true, force: true })
  }
}

/** Writes a LOG_SIZE-entry published copy straight from the core code; returns its vkey. */
async function generateCopy(root: string, size: number): Promise<string> {
  const origin = 'bench.example/log'
  const key = await generateSignerKey(origin, (n) => crypto.getRandomValues(new Uint8Array(n)))
  const put = (path: string, bytes: Uint8Array) => {
    const file = join(root, path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, bytes)
  }
  let range = CompactRange.empty()
  const builder = new TileBuilder()
  for (let start = 0; start < size; start += 256) {
    const width = Math.min(256, size - start)
    const entries = Array.from({ length: width }, () => encodeEntry(benchEntry()))
    put(entriesPath(BigInt(start >> 8), width), encodeEntryBundle(entries))
    const appended = range.append(entries.map(hashLeaf))
    range = appended.range
    for (const t of builder.add(appended.stored)) put(tilePath(t.tile), t.bytes)
  }
  for (const t of builder.partial()) put(tilePath(t.tile), t.bytes)
  const text = checkpointText({
    origin,
    size: BigInt(size),
    root: range.root(),
    time: Math.floor(Date.now() / 1000),
  })
  put('checkpoint', new TextEncoder().encode(await signNote(text, [await createSigner(key)])))
  return key.vkey
}

async function auditPart(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'vigil-audit-static-'))
  try {
    log(`audit: generating a ${LOG_SIZE}-entry published copy in ${root}`)
    const started = performance.now()
    const vkey = await generateCopy(root, LOG_SIZE)
    log(`audit: generated in ${round((performance.now() - started) / 1000, 1)} s`)
    const statics = await startStatic(root)
    try {
      const load1 = loadavg()[0] ?? 0
      const r = await runCli(
        ['audit', '--url', statics.url, '--vkey', vkey],
        {},
        {
          timeoutMs: 600_000,
        },
      )
      if (r.code !== 0) throw new Error(`vigil audit exited ${r.code}: ${r.stderr}`)
      log(`audit: ${r.stdout.trim()} in ${round(r.ms / 1000, 1)} s`)
      emit({
        bench: 'read-static.audit',
        entries: LOG_SIZE,
        wallSeconds: round(r.ms / 1000, 1),
        entriesPerSec: Math.round(LOG_SIZE / (r.ms / 1000)),
        targetSeconds: AUDIT_TARGET_S * SCALE,
        met: r.ms / 1000 <= AUDIT_TARGET_S * SCALE,
        loadAvg1m: round(Math.max(load1, loadavg()[0] ?? 0)),
      })
    } finally {
      statics.stop()
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

async function publishPart(): Promise<void> {
  log(`publish: a ${PUBLISH_SIZE}-entry log on Postgres`)
  const b = await openBenchDb('postgres')
  const dir = mkdtempSync(join(tmpdir(), 'vigil-publish-bench-'))
  try {
    for (let i = 0; i < PUBLISH_SIZE; i += 1000)
      await b.ledger.append(Array.from({ length: Math.min(1000, PUBLISH_SIZE - i) }, benchEntry))
    const store = dirStore(dir)
    for (const [run, repair] of [
      ['first', false],
      ['repair', true],
    ] as const) {
      const load1 = loadavg()[0] ?? 0
      const started = performance.now()
      const r = await publishLog(b.ctx, store, { repair })
      const seconds = (performance.now() - started) / 1000
      log(`publish ${run}: ${r.written} written, ${r.present} present in ${round(seconds, 1)} s`)
      emit({
        bench: 'read-static.publish',
        run,
        entries: Number(r.size),
        written: r.written,
        present: r.present,
        seconds: round(seconds, 1),
        objectsPerSec: Math.round((r.written + r.present) / seconds),
        loadAvg1m: round(Math.max(load1, loadavg()[0] ?? 0)),
      })
    }
  } finally {
    await b.ledger.close()
    await b.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (ONLY.has('read')) await readPart()
if (ONLY.has('audit')) await auditPart()
if (ONLY.has('publish')) await publishPart()
const rows = figures.map((f) =>
  f.bench === 'read-static.publish'
    ? [
        `publish ${f.run} ${f.entries} entries`,
        `${f.seconds} s`,
        `${f.written} written, ${f.present} present`,
        `load ${f.loadAvg1m}`,
      ]
    : f.bench === 'read-static.audit'
      ? [
          `audit --url ${f.entries} entries`,
          `${f.wallSeconds} s`,
          `target ${f.targetSeconds} s`,
          `load ${f.loadAvg1m}`,
        ]
      : [
          `GET ${f.path} x32`,
          `static ${f.staticPerSec}/s`,
          `app ${f.appPerSec}/s`,
          `load ${f.loadAvg1m}`,
        ],
)
process.stdout.write(`\n${formatColumns([['figure', 'measured', 'against', 'load'], ...rows])}\n`)
