/**
 * `npm run bench:credentials:list`: issue 18's list and search figures, one JSON line per figure
 * and a table.
 *
 * On the database bench/credentials-fill.ts fills (1,000,000 credentials by default, kept between
 * runs), the real `vigil serve` (a child process on Postgres) answers, over loopback with an
 * issuer's API token and keep-alive connections:
 *
 *   - list, first page       GET /api/credentials?limit=20 (the workspace's page size)
 *   - list, deep page        …&before=<a uniformly random credential> (keyset: any depth)
 *   - the same two per state filter (&state=valid|revoked|superseded|erased)
 *   - search by name, hit    POST /api/credentials/search {givenNames, familyName, birthDate} of
 *                            a random filled person (the keyed search hash, one to several rows)
 *   - search by name, miss   the same for a person nobody issued to
 *   - search by id           POST /api/credentials/search {id}
 *   - floor                  GET /api/credentials/{id}: one row by primary key, no record
 *                            opened — what any authenticated request costs here at that moment
 *
 * each at several numbers of requests in flight: p50 and p99 latency, requests per second. Every
 * answer is checked afterwards (not while timing): status 200, newest first, below the cursor, the
 * filter's state only, the searched person's rows only. Target (issue 18): p99 < 100 ms at
 * 1,000,000 credentials.
 *
 * Environment: as bench/credentials-fill.ts, plus BENCH_REQUESTS (per scenario and level,
 * default 300), BENCH_CONCURRENCY (default `1,8,32`), BENCH_WORKERS (`vigil serve --workers N`,
 * default 1), BENCH_LIST_ONLY (comma-separated scenario names, e.g. `list,search-hit`),
 * BENCH_SERVER_NODE (the node binary or a wrapper for the server, e.g. one adding --cpu-prof).
 */
import { Agent, request } from 'node:http'
import { cpus, loadavg, totalmem } from 'node:os'
import postgres from 'postgres'
import type { CredentialListItem } from '../src/core/api-types/index.ts'
import { toBase64 } from '../src/core/codec/index.ts'
import { createApiToken } from '../src/services/staff/index.ts'
import { startServer } from '../test/helpers/server.ts'
import { percentile } from './append.ts'
import {
  erasedAt,
  issuedAt,
  LIST_MASTER_KEY,
  LIST_ROWS,
  openFilledListDb,
  person,
  personCount,
  personOf,
  rowId,
} from './credentials-fill.ts'
import { processCpuSeconds } from './proc.ts'
import { PUBLIC_URL } from './setup.ts'
import { formatColumns } from './table.ts'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? '300')
const LEVELS = (process.env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map(Number)
const WORKERS = Number(process.env.BENCH_WORKERS ?? '1')
const ONLY = new Set((process.env.BENCH_LIST_ONLY ?? '').split(',').filter((s) => s !== ''))
const STATES = ['valid', 'revoked', 'superseded', 'erased'] as const
const TARGET = 'p99 < 100 ms at 1,000,000'

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}

/** Deterministic row numbers in [0, n) (xorshift32). */
function rowsFrom(seed: number, count: number, n: number): number[] {
  let s = seed >>> 0 || 1
  return Array.from({ length: count }, () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return Math.floor(((s >>> 0) / 2 ** 32) * n)
  })
}

interface Call {
  method: 'GET' | 'POST'
  path: string
  body?: string
  /** Throws if the answer is wrong (run after timing). */
  check(status: number, text: string): void
}

const agent = new Agent({ keepAlive: true, maxSockets: Math.max(...LEVELS) })

function send(base: string, token: string, call: Call): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` }
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = Buffer.byteLength(call.body)
    }
    const req = request(`${base}${call.path}`, { method: call.method, agent, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(call.body)
  })
}

/** Runs `calls` with `concurrency` in flight; returns each latency and answer. */
interface Answer {
  call: Call
  status: number
  text: string
}

async function run(base: string, token: string, calls: Call[], concurrency: number) {
  const latencies: number[] = []
  const answers: Answer[] = []
  let next = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < calls.length; i = next++) {
        const call = calls[i] as Call
        const t0 = performance.now()
        const { status, text } = await send(base, token, call)
        latencies.push(performance.now() - t0)
        answers.push({ call, status, text })
      }
    }),
  )
  return { latencies, answers, seconds: (performance.now() - t) / 1000 }
}

function fail(call: Call, why: string): never {
  throw new Error(`${call.method} ${call.path} ${call.body ?? ''}: ${why}`)
}

type State = (typeof STATES)[number]

/** A list page: 200, newest first, below the cursor, only the filter's state. */
function listCall(state: State | undefined, before: number | undefined): Call {
  const query = [
    'limit=20',
    ...(state === undefined ? [] : [`state=${state}`]),
    ...(before === undefined ? [] : [`before=${rowId(before)}`]),
  ].join('&')
  const call: Call = {
    method: 'GET',
    path: `/api/credentials?${query}`,
    check(status, text) {
      if (status !== 200) fail(call, `HTTP ${status} ${text}`)
      const { items } = JSON.parse(text) as { items: CredentialListItem[] }
      // A first page and a deep page well inside the table are full.
      if (items.length === 0 && (before === undefined || before > LIST_ROWS / 10))
        fail(call, 'empty page')
      let last =
        before === undefined ? Number.POSITIVE_INFINITY : issuedAt(before, LIST_ROWS).getTime()
      for (const item of items) {
        const at = Date.parse(item.issuedAt)
        if (at > last) fail(call, `${item.id} out of order`)
        last = at
        if (state === 'erased' ? !item.erased : state !== undefined && item.state !== state)
          fail(call, `${item.id} is ${item.state}${item.erased ? ', erased' : ''}`)
      }
    },
  }
  return call
}

function searchCall(body: object, expect: (items: CredentialListItem[]) => string | undefined) {
  const call: Call = {
    method: 'POST',
    path: '/api/credentials/search',
    body: JSON.stringify(body),
    check(status, text) {
      if (status !== 200) fail(call, `HTTP ${status} ${text}`)
      const why = expect((JSON.parse(text) as { items: CredentialListItem[] }).items)
      if (why !== undefined) fail(call, why)
    },
  }
  return call
}

/** The scenarios, each a list of `n` calls drawn with `seed`. */
function scenarios(n: number, seed: number): { name: string; calls: Call[] }[] {
  const deep = (s: number) => rowsFrom(seed + s, n, LIST_ROWS)
  const out = [
    { name: 'list', calls: Array.from({ length: n }, () => listCall(undefined, undefined)) },
    { name: 'list-deep', calls: deep(1).map((r) => listCall(undefined, r)) },
  ]
  if (process.env.BENCH_LIST_STATES !== 'none')
    STATES.forEach((state, k) => {
      out.push({
        name: `list-${state}`,
        calls: Array.from({ length: n }, () => listCall(state, undefined)),
      })
      out.push({ name: `list-${state}-deep`, calls: deep(10 + k).map((r) => listCall(state, r)) })
    })
  const kept = deep(2).filter((r) => !erasedAt(r))
  out.push({
    name: 'search-hit',
    calls: kept.map((r) => {
      const p = person(personOf(r, LIST_ROWS))
      return searchCall(p, (items) => {
        if (!items.some((i) => i.id === rowId(r))) return `row ${r} not found`
        const other = items.find((i) => i.subject?.birthDate !== p.birthDate)
        return other === undefined ? undefined : `${other.id} is someone else`
      })
    }),
  })
  out.push({
    name: 'search-miss',
    calls: rowsFrom(seed + 3, n, personCount(LIST_ROWS)).map((p) =>
      searchCall({ ...person(p), familyName: `Nobody ${p}` }, (items) =>
        items.length === 0 ? undefined : `${items.length} found`,
      ),
    ),
  })
  out.push({
    name: 'search-id',
    calls: deep(4).map((r) =>
      searchCall({ id: rowId(r) }, (items) =>
        items.length === 1 && items[0]?.id === rowId(r) ? undefined : `${items.length} found`,
      ),
    ),
  })
  // The floor: an authenticated read of one row by key (GET /api/credentials/{id}), so a
  // figure can be told apart from what any request costs on this machine at that moment.
  out.push({
    name: 'floor',
    calls: deep(5).map((r) => {
      const call: Call = {
        method: 'GET',
        path: `/api/credentials/${rowId(r)}`,
        check(status, text) {
          if (status !== 200 || (JSON.parse(text) as { id: string }).id !== rowId(r))
            fail(call, `HTTP ${status} ${text}`)
        },
      }
      return call
    }),
  })
  return out.filter((s) => ONLY.size === 0 || ONLY.has(s.name))
}

async function machine(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql`select current_setting('server_version') as version,
      current_setting('shared_buffers') as shared_buffers,
      pg_size_pretty(pg_database_size(current_database())) as size,
      (select count(*) from credentials)::int as credentials`
    return {
      bench: 'machine',
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      postgres: row?.version,
      sharedBuffers: row?.shared_buffers,
      databaseSize: row?.size,
      credentials: row?.credentials,
      loadAvg1m: Number(loadavg()[0]?.toFixed(2)),
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/**
 * CPU used by the server process and by the database backends serving it, so a figure can be
 * read apart from the machine's load: wall time stretches when other work shares the cores, the
 * CPU a request costs does not.
 */
async function cpuMeter(serverPid: number, sql: postgres.Sql) {
  const backends = async () =>
    (
      await sql<{ pid: number }[]>`select pid from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`
    ).map((r) => r.pid)
  const snapshot = async () => {
    const pids = await backends()
    return {
      server: processCpuSeconds(serverPid) ?? 0,
      db: new Map(pids.map((p) => [p, processCpuSeconds(p) ?? 0])),
    }
  }
  return async (run: () => Promise<void>) => {
    const before = await snapshot()
    await run()
    const after = await snapshot()
    let db = 0
    for (const [pid, s] of after.db) db += s - (before.db.get(pid) ?? 0)
    return { server: after.server - before.server, db }
  }
}

async function main() {
  log(`filling to ${LIST_ROWS} credentials (kept between runs)`)
  const fill = await openFilledListDb(LIST_ROWS, (done, rate) =>
    log(`filled ${done} (${Math.round(rate)}/s)`),
  )
  if (fill.filledSeconds > 1)
    emit({ bench: 'credentials.fill', rows: LIST_ROWS, seconds: Math.round(fill.filledSeconds) })
  const { token } = await createApiToken(fill.ctx, {
    name: 'bench list',
    roles: ['issuer'],
    expiresAt: new Date(Date.now() + 86_400_000),
  })
  emit(await machine(fill.url))
  await fill.close()
  const server = await startServer(
    {
      DATABASE_URL: fill.url,
      PUBLIC_URL,
      VIGIL_MASTER_KEY: toBase64(LIST_MASTER_KEY),
      VIGIL_LOG_LEVEL: 'warn',
      VIGIL_DATA_DIR: `/tmp/vigil-bench-${process.pid}`,
      HOST: '127.0.0.1',
    },
    // Another node binary or a wrapper (one that adds --cpu-prof, say), as bench/http.ts allows.
    process.env.BENCH_SERVER_NODE ?? process.execPath,
    WORKERS > 1 ? ['serve', '--workers', String(WORKERS)] : ['serve'],
  )
  const admin = postgres(fill.url, { max: 1, onnotice: () => {} })
  const meter = await cpuMeter(server.child.pid as number, admin)
  try {
    // Warm-up: the server's code paths and the hot index pages, not counted.
    for (const s of scenarios(Math.ceil(REQUESTS / 5), 77))
      await run(server.url, token, s.calls, Math.max(...LEVELS))
    for (const concurrency of LEVELS) {
      for (const s of scenarios(REQUESTS, 1000 * concurrency)) {
        const load0 = loadavg()[0] ?? 0
        let r = { latencies: [] as number[], answers: [] as Answer[], seconds: 0 }
        const cpu = await meter(async () => {
          r = await run(server.url, token, s.calls, concurrency)
        })
        for (const a of r.answers) a.call.check(a.status, a.text)
        const sorted = r.latencies.sort((x, y) => x - y)
        emit({
          bench: 'credentials.list',
          scenario: s.name,
          rows: LIST_ROWS,
          concurrency,
          workers: WORKERS,
          requests: sorted.length,
          perSec: Math.round(sorted.length / r.seconds),
          p50Ms: Number(percentile(sorted, 50).toFixed(1)),
          p99Ms: Number(percentile(sorted, 99).toFixed(1)),
          maxMs: Number((sorted.at(-1) ?? 0).toFixed(1)),
          cpuMsPerRequest: {
            server: Number(((cpu.server * 1000) / sorted.length).toFixed(2)),
            database: Number(((cpu.db * 1000) / sorted.length).toFixed(2)),
          },
          loadAvg1m: [Number(load0.toFixed(2)), Number(loadavg()[0]?.toFixed(2))],
          target: TARGET,
        })
      }
    }
  } finally {
    await admin.end({ timeout: 5 })
    await server.stop()
    agent.destroy()
  }
  const rows = figures.filter((f) => f.bench === 'credentials.list')
  console.log(
    `\n${formatColumns([
      [
        'scenario',
        'in flight',
        'req/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'CPU ms/req server+db',
        'p99 < 100 ms',
      ],
      ...rows.map((f) => [
        String(f.scenario),
        String(f.concurrency),
        String(f.perSec),
        String(f.p50Ms),
        String(f.p99Ms),
        String(f.maxMs),
        (({ server, database }: { server: number; database: number }) => `${server} + ${database}`)(
          f.cpuMsPerRequest as { server: number; database: number },
        ),
        Number(f.p99Ms) < 100 ? 'yes' : 'NO',
      ]),
    ])}`,
  )
}

await main()
