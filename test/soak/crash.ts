/**
 * The crash campaign's driver (docs/RELIABILITY.md "Database faults"): a real `vigil serve` on
 * Postgres issuing credentials to four clients while its database connections are cut
 * (pg_terminate_backend of its backends), the database goes away and comes back (a proxy in
 * front of Postgres closes and reopens), and the server itself is SIGKILLed and restarted. Then
 * every acknowledged (201) credential must be in the log at the index its receipt gives, its
 * receipt must verify, and an inclusion proof against the final checkpoint must verify too.
 * Used by test/reliability/crash.test.ts (small) and test/soak/crash.soak.ts (full).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { toBase64 } from '../../src/core/codec/base64.ts'
import { sha256 } from '../../src/core/codec/bytes.ts'
import { fromBase64Url } from '../../src/core/codec/index.ts'
import { encodeEntry, roundToHour } from '../../src/core/leaf/index.ts'
import { hashLeaf } from '../../src/core/merkle/index.ts'
import { type Policy, parseTlogProof, verifyTlogProof } from '../../src/core/note/index.ts'
import { inflateRaw } from '../../src/core/shc/deflate.ts'
import { createDb } from '../../src/platform/db/client.ts'
import { receiptsFor } from '../../src/services/ledger/proofs.ts'
import { BIN } from '../helpers/server.ts'

export interface CrashOptions {
  /** An admin Postgres URL: the campaign creates (and drops) its own database there. */
  postgresUrl: string
  cuts: number
  kills: number
  /** Times the database is made unreachable for `outageMs`, then reachable again. */
  outages: number
  outageMs?: number
  clients?: number
  /** The server's port and the proxy's (127.0.0.1). */
  port: number
  proxyPort: number
  log?: (line: string) => void
}

export interface CrashReport {
  cuts: number
  kills: number
  outages: number
  requests: number
  acknowledged: number
  /** Answers by status while the server was up; `refused` counts requests during a kill. */
  statuses: Record<string, number>
  /** 503s without Retry-After, and answers other than 201 and 503 (with their codes). */
  unexpected: string[]
  /** The server exited when it was not killed. */
  exits: number
  /** Acknowledged credentials not in the log where their receipt says, or whose proofs fail. */
  lost: number
  /** ms from a cut (or the end of an outage) to the next 201. */
  recoveryMs: number[]
  /** ms from SIGKILL to the restarted server's next 201. */
  restartMs: number[]
  readyDuringOutage: number[]
  readyAfterOutage: number[]
  seconds: number
}

const MASTER_KEY = toBase64(new Uint8Array(32).fill(11))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const jitter = (min: number, max: number) => min + Math.floor(Math.random() * (max - min))

/** A TCP proxy to Postgres that can be closed (every connection reset) and opened again. */
class DatabaseProxy {
  #server: Server | undefined
  readonly #sockets = new Set<Socket>()
  readonly port: number
  readonly target: { host: string; port: number }
  constructor(port: number, target: { host: string; port: number }) {
    this.port = port
    this.target = target
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.target.port, this.target.host)
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on('close', () => this.#sockets.delete(s))
        s.on('error', () => {})
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.#server = server
  }

  async close(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const s of this.#sockets) s.resetAndDestroy()
    if (server !== undefined) await new Promise((r) => server.close(r))
  }
}

interface Issued {
  jws: string
  leafIndex: string
  receipt: string
}

export async function runCrash(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const name = `vigil_crash_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`
  const admin = postgres(options.postgresUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const target = new URL(options.postgresUrl)
  const proxy = new DatabaseProxy(options.proxyPort, {
    host: target.hostname,
    port: Number(target.port || 5432),
  })
  await proxy.open()
  const dbUrl = new URL(options.postgresUrl)
  dbUrl.host = `127.0.0.1:${options.proxyPort}`
  dbUrl.pathname = `/${name}`
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-crash-'))
  const url = `http://127.0.0.1:${options.port}`
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    VIGIL_DATA_DIR: dataDir,
    VIGIL_MASTER_KEY: MASTER_KEY,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    VIGIL_LOG_LEVEL: 'warn',
  }
  const report: CrashReport = {
    cuts: 0,
    kills: 0,
    outages: 0,
    requests: 0,
    acknowledged: 0,
    statuses: {},
    unexpected: [],
    exits: 0,
    lost: 0,
    recoveryMs: [],
    restartMs: [],
    readyDuringOutage: [],
    readyAfterOutage: [],
    seconds: 0,
  }
  const count = (key: string) => {
    report.statuses[key] = (report.statuses[key] ?? 0) + 1
  }

  // The issuer token, through the CLI, on the same database (it migrates and creates the keys).
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [BIN, 'tokens', 'create', '--name', 'crash', '--role', 'issuer'],
    { env },
  )
  const token = stdout.trim().split('\n').at(-1) as string

  let child: ChildProcess | undefined
  let killing = false
  let output = ''
  const start = async () => {
    const c = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    c.stdout?.on('data', (d) => (output = (output + d).slice(-20_000)))
    c.stderr?.on('data', (d) => (output = (output + d).slice(-20_000)))
    c.on('exit', (code, signal) => {
      if (killing && signal === 'SIGKILL') return
      report.exits++
      log(`server exited (${signal ?? code}):\n${output.slice(-4000)}`)
    })
    child = c
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(50)) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`serve exited:\n${output}`)
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) return
    }
    throw new Error(`serve did not start:\n${output}`)
  }

  // Four clients issuing until told to stop; `lastAck` is when the latest 201 arrived.
  let stop = false
  let lastAck = 0
  const issued: Issued[] = []
  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      report.requests++
      const body = {
        type: 'immunization',
        patient: { givenNames: [`C${n}`], familyName: `Crash${i}`, birthDate: '1980-01-01' },
        immunizations: [{ code: '208', date: '2021-05-01', lotNumber: `L${n}-${i}` }],
        region: 'NL-NH',
      }
      const res = await fetch(`${url}/api/credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch(() => undefined)
      if (res === undefined) {
        count(killing ? 'refused' : 'network-error')
        if (!killing) report.unexpected.push('network error while the server was up')
        await sleep(200)
        continue
      }
      count(String(res.status))
      if (res.status === 201) {
        issued.push((await res.json()) as Issued)
        report.acknowledged++
        lastAck = performance.now()
        continue
      }
      const text = await res.text()
      if (res.status !== 503) report.unexpected.push(`${res.status} ${text.slice(0, 200)}`)
      else if (res.headers.get('retry-after') === null)
        report.unexpected.push(`503 without Retry-After: ${text.slice(0, 200)}`)
      await sleep(50)
    }
  }
  /** ms from `since` to the next 201 (at most 30 s). */
  const nextAck = async (since: number) => {
    const deadline = since + 30_000
    while (lastAck < since && performance.now() < deadline) await sleep(10)
    return Math.round(lastAck - since)
  }
  const ready = () =>
    fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    )

  try {
    await start()
    const clients = Array.from({ length: options.clients ?? 4 }, (_, n) => client(n))
    await nextAck(performance.now())
    for (let cut = 0; cut < options.cuts; cut++) {
      await sleep(jitter(200, 700))
      const at = performance.now()
      await admin`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${name} and pid <> pg_backend_pid()`
      report.cuts++
      report.recoveryMs.push(await nextAck(at))
    }
    for (let outage = 0; outage < options.outages; outage++) {
      await sleep(jitter(200, 700))
      await proxy.close()
      await sleep(options.outageMs ?? 1500)
      report.readyDuringOutage.push(await ready())
      await proxy.open()
      const at = performance.now()
      report.outages++
      report.recoveryMs.push(await nextAck(at))
      report.readyAfterOutage.push(await ready())
    }
    for (let kill = 0; kill < options.kills; kill++) {
      await sleep(jitter(200, 900))
      killing = true
      const dead = new Promise((r) => child?.once('exit', r))
      const at = performance.now()
      child?.kill('SIGKILL')
      await dead
      await start()
      killing = false
      report.kills++
      report.restartMs.push(await nextAck(at))
    }
    stop = true
    await Promise.all(clients)
    if ((await ready()) !== 200) report.unexpected.push('readyz not 200 at the end')
    report.lost = await checkIssued(url, dbUrl.toString(), issued, log)
  } finally {
    stop = true
    killing = true
    child?.kill('SIGKILL')
    await proxy.close()
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
    await admin.end({ timeout: 5 })
    await rm(dataDir, { recursive: true, force: true })
  }
  report.seconds = Math.round((performance.now() - started) / 100) / 10
  return report
}

/**
 * Each acknowledged credential: its receipt verifies for the credential's own log entry and
 * names the index the answer gave; a proof against the final checkpoint verifies at that index.
 * Returns how many failed (each is logged).
 */
async function checkIssued(
  url: string,
  dbUrl: string,
  issued: Issued[],
  log: (line: string) => void,
): Promise<number> {
  const { keys } = (await (await fetch(`${url}/api/keys`)).json()) as {
    keys: { purpose: string; status: string; vkey?: string }[]
  }
  const vkey = keys.find((k) => k.purpose === 'log' && k.status === 'active')?.vkey
  if (vkey === undefined) throw new Error('no active log key at /api/keys')
  const policy: Policy = { logs: [{ vkey }], witnesses: [], quorum: 'none' }
  const database = await createDb({ kind: 'postgres', url: dbUrl, max: 2 })
  let lost = 0
  try {
    const leaves: Uint8Array[] = []
    for (const c of issued) {
      const header = fromBase64Url(c.jws.split('.')[0] as string)
      const { kid } = JSON.parse(new TextDecoder().decode(header)) as { kid: string }
      leaves.push(
        hashLeaf(
          encodeEntry({
            kind: 'credential',
            artefactHash: await sha256(new TextEncoder().encode(c.jws)),
            keyId: kid,
            time: roundToHour(await nbfOf(c.jws)),
          }),
        ),
      )
    }
    // Without a checkpoint given, against the latest one: the final checkpoint.
    const fresh = await receiptsFor(database, { indices: issued.map((c) => BigInt(c.leafIndex)) })
    for (const [i, c] of issued.entries()) {
      const leaf = leaves[i] as Uint8Array
      const problems: string[] = []
      if (String(parseTlogProof(c.receipt).index) !== c.leafIndex) problems.push('receipt index')
      await verifyTlogProof(c.receipt, leaf, policy).catch((e) => problems.push(`receipt: ${e}`))
      await verifyTlogProof(fresh.receipts[i] as string, leaf, policy).catch((e) =>
        problems.push(`final checkpoint: ${e}`),
      )
      if (problems.length > 0) {
        lost++
        log(`lost: index ${c.leafIndex}: ${problems.join('; ')}`)
      }
    }
  } finally {
    await database.close()
  }
  return lost
}

/** The card's `nbf` (seconds), from its raw-DEFLATE payload (SMART Health Cards `zip: DEF`). */
async function nbfOf(jws: string): Promise<number> {
  const payload = await inflateRaw(fromBase64Url(jws.split('.')[1] as string), 1 << 20)
  return (JSON.parse(new TextDecoder().decode(payload)) as { nbf: number }).nbf
}
