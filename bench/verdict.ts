/**
 * `npm run bench:verdict`: the full verdict of core/verify against the cost of its signature, in
 * one run on one thread (issue 23). One Vigil (in-process app over in-memory PGlite) issues N
 * cards (default 200); then, round-robin over the cards for BENCH_SECONDS each (after a warm-up
 * pass), three figures back to back, twice, alternating:
 *
 *   verdict.es256      the card's ES256 signature alone through node:crypto (the limit)
 *   verdict.node       verifyCredential, all checks, the ledger inclusion proof from tiles (warm
 *                      answers), the VerifyCache with its tile trust, SHA-256 and ES256 through
 *                      node:crypto: what a Node verifier runs
 *   verdict.before     the same verdict as before issue 23: no tile trust, SHA-256 in JavaScript
 *
 * One JSON line per figure, a table at the end.
 */
import { cpus, loadavg } from 'node:os'
import { useSha256 } from '../src/core/codec/index.ts'
import { parseShcJws, selectIssuerKey } from '../src/core/shc/index.ts'
import { readShcQr } from '../src/core/shc/qr-read.ts'
import {
  createVerifyCache,
  type Fetcher,
  httpLedgerSource,
  openTrustMaterial,
  verifyCredential,
} from '../src/core/verify/index.ts'
import { createApp } from '../src/http/app.ts'
import { nodeEs256 } from '../src/platform/node-crypto/es256.ts'
import { nodeSha256 } from '../src/platform/node-crypto/sha256.ts'
import { createApiToken } from '../src/services/staff/index.ts'
import { openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'

const CARDS = Number(process.env.BENCH_CARDS ?? '200')
const SECONDS = Number(process.env.BENCH_SECONDS ?? '3')
const TARGET = 0.3

const figures: Record<string, unknown>[] = []
const emit = (f: Record<string, unknown>) => {
  figures.push(f)
  process.stdout.write(`${JSON.stringify(f)}\n`)
}
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const round = (x: number, d = 2) => Number(x.toFixed(d))

/** Calls per second of CPU time (this thread's user + system) and of wall time. */
async function measure(cards: string[], fn: (card: string) => unknown) {
  for (const card of cards) await fn(card)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const end = t0 + SECONDS * 1000
  let n = 0
  while (performance.now() < end) {
    await fn(cards[n % cards.length] as string)
    n++
  }
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  return {
    calls: n,
    perSec: n / wall,
    perCpuSec: n / cpuSeconds,
    usPerCall: (cpuSeconds / n) * 1e6,
  }
}

emit({
  bench: 'machine',
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  node: process.version,
  cards: CARDS,
  loadAvg1m: round(loadavg()[0] ?? 0),
})
const url = 'http://127.0.0.1:8787'
const { ctx, ledger, drop } = await openBenchDb('pglite', {}, url)
const app = createApp({ ...ctx, version: 'bench', ledger }, { accessLog: false })
const { token } = await createApiToken(ctx, {
  name: 'bench',
  roles: ['issuer'],
  expiresAt: new Date(Date.now() + 3_600_000),
})
log(`issuing ${CARDS} cards`)
const qrs: string[] = []
for (let i = 0; i < CARDS; i += 20) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(20, CARDS - i) }, async (_, j) => {
      const res = await app.request('/api/credentials', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'immunization',
          patient: { givenNames: [`Person${i + j}`], familyName: 'Bench', birthDate: '1980-01-01' },
          immunizations: [
            { code: '208', date: '2021-05-01', lotNumber: `LOT${i + j}` },
            { code: '208', date: '2021-05-29', lotNumber: `LOT${i + j}B` },
          ],
          region: 'NL-NH',
        }),
      })
      if (res.status !== 201) throw new Error(`issuing failed: ${res.status} ${await res.text()}`)
      return ((await res.json()) as { qr: string }).qr
    }),
  )
  qrs.push(...batch)
}
const vkey = (await (await app.request('/log/key')).text()).trim()
const material = await openTrustMaterial(await (await app.request('/trust/material')).text(), vkey)
const memo = new Map<string, { status: number; body: Uint8Array; headers: [string, string][] }>()
/** Warm answers: every lookup bucket and tile asked of the app once, then from memory. */
const fetcher: Fetcher = async (path) => {
  let hit = memo.get(path)
  if (hit === undefined) {
    const res = await app.request(path)
    hit = {
      status: res.status,
      body: new Uint8Array(await res.arrayBuffer()),
      headers: [...res.headers],
    }
    memo.set(path, hit)
  }
  return new Response(hit.body as Uint8Array<ArrayBuffer>, {
    status: hit.status,
    headers: hit.headers,
  })
}
const source = httpLedgerSource('', fetcher)
const own = material.issuers.find((i) => i.iss === url)
if (own === undefined) throw new Error('no own issuer in the trust material')

const es256 = async (qr: string) => {
  const { jws } = readShcQr(qr)
  const { header } = parseShcJws(jws)
  const key = await selectIssuerKey(own.jwks, header.kid)
  const dot = jws.lastIndexOf('.')
  const input = new TextEncoder().encode(jws.slice(0, dot))
  const signature = Buffer.from(jws.slice(dot + 1), 'base64url')
  if (!nodeEs256(key, input, signature)) throw new Error('bad signature')
}
const verdict = (cache: ReturnType<typeof createVerifyCache>) => async (qr: string) => {
  const v = await verifyCredential(qr, {
    trust: [material],
    now: Math.floor(Date.now() / 1000),
    maxAge: 86_400,
    ledger: () => source,
    cache,
    es256: nodeEs256,
  })
  if (v.status !== 'valid') throw new Error(`not valid: ${v.reason?.code}`)
}
const { tiles: _, ...withoutTiles } = createVerifyCache()
/** BENCH_ONLY=node (say) measures one figure, for a profile. */
const only = process.env.BENCH_ONLY
const runs: Record<string, number[]> = { es256: [], node: [], before: [] }
for (let round_ = 0; round_ < 2; round_++) {
  useSha256(nodeSha256)
  if (only === undefined || only === 'es256')
    runs.es256?.push((await measure(qrs, es256)).usPerCall)
  if (only === undefined || only === 'node')
    runs.node?.push((await measure(qrs, verdict(createVerifyCache()))).usPerCall)
  useSha256(undefined)
  if (only === undefined || only === 'before')
    runs.before?.push(
      (
        await measure(
          qrs,
          verdict({
            ...withoutTiles,
            checkpoints: new Map(),
            heads: new Map(),
            keys: new WeakMap(),
          }),
        )
      ).usPerCall,
    )
  log(
    `round ${round_ + 1}: es256 ${runs.es256?.at(-1)?.toFixed(0)} µs, verdict ${runs.node?.at(-1)?.toFixed(0)} µs, before ${runs.before?.at(-1)?.toFixed(0)} µs`,
  )
}
const best = (xs: number[] = []) => Math.min(...xs)
const es = best(runs.es256)
for (const [name, xs] of Object.entries(runs)) {
  const us = best(xs)
  emit({
    bench: `verdict.${name}`,
    cpuUsPerCard: round(us, 1),
    perCoreSecond: Math.round(1e6 / us),
    ratioToEs256: round(es / us),
    ...(name === 'node' ? { target: TARGET } : {}),
    runsUs: xs.map((x) => round(x, 1)),
  })
}
emit({ bench: 'done', loadAvg1m: round(loadavg()[0] ?? 0) })
const rows = [['figure', 'CPU µs a card (best of 2)', 'per core-second', 'ratio to bare ES256']]
for (const f of figures)
  if (String(f.bench).startsWith('verdict.'))
    rows.push([
      String(f.bench),
      String(f.cpuUsPerCard),
      String(f.perCoreSecond),
      String(f.ratioToEs256),
    ])
process.stderr.write(`\n${formatColumns(rows)}\n`)
await ledger.close()
await drop()
process.exit(0)
