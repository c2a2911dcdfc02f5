/**
 * `node --import tsx bench/witness.ts`: what witnessing adds per checkpoint (issue 7). Three
 * witnesses (`vigil witness`'s service and app, each on its own in-memory PGlite) served on
 * loopback, and a log on in-memory PGlite with a 2-of-3 policy. One JSON line per figure on
 * stdout, then a table.
 *
 *   witness.round       one collection round (3 witnesses in parallel, cosignatures verified
 *                       and stored) after a single-entry append: p50 / p95 ms
 *   append.no-witness   single-entry append → receipt, no witnesses configured: p50 ms
 *   append.wait         the same with VIGIL_WITNESS_WAIT=true (the receipt proves against the
 *                       cosigned checkpoint): p50 ms; the difference is what waiting costs
 *
 * Environment: BENCH_ROUNDS (default 50).
 */
import { cpus, loadavg } from 'node:os'
import { serve } from '@hono/node-server'
import { roundToHour } from '../src/core/leaf/index.ts'
import {
  createCosigner,
  formatVerifierKey,
  generateSignerKey,
  SIG_COSIGNATURE_V1,
} from '../src/core/note/index.ts'
import { buildContext } from '../src/entry/context.ts'
import { createWitnessApp } from '../src/http/witness-app.ts'
import { parseConfig } from '../src/platform/config/config.ts'
import { jsonLogger, systemClock } from '../src/platform/context/context.ts'
import { createDb } from '../src/platform/db/client.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { logVerifierKey } from '../src/platform/keys/views.ts'
import { Ledger } from '../src/services/ledger/ledger.ts'
import { Witness } from '../src/services/witness/index.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '50')
const ORIGIN = 'bench.test/log'
const silent = jsonLogger('silent')

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}

async function openLog(env: Record<string, string>) {
  const database = await createDb({ kind: 'pglite' })
  await migrate(database)
  const config = parseConfig({ VIGIL_LOG_ORIGIN: ORIGIN, VIGIL_LOG_LEVEL: 'silent', ...env })
  // The ledgers below are opened with their own witness settings: this context's refuses appends.
  const { ctx } = await buildContext({
    database,
    config,
    masterKey: new Uint8Array(32).fill(5),
    logger: silent,
    keys: 'create',
    ledger: { kind: 'refusing' },
  })
  const keys = ctx.keys
  return { database, ctx, keys }
}

let n = 0
const entry = () => {
  const artefactHash = new Uint8Array(32)
  new DataView(artefactHash.buffer).setUint32(0, ++n)
  return {
    kind: 'credential' as const,
    artefactHash,
    keyId: 'bench',
    time: roundToHour(1_764_000_000),
  }
}

async function main() {
  const figures: Record<string, unknown>[] = []
  const emit = (f: Record<string, unknown>) => {
    figures.push(f)
    console.log(JSON.stringify(f))
  }
  // The log key first: the witnesses must know it.
  const probe = await openLog({})
  const vkey = logVerifierKey(await probe.keys.active('log'), ORIGIN)
  const witnesses: string[] = []
  const servers: { close(): void }[] = []
  for (const name of ['w1', 'w2', 'w3']) {
    const database = await createDb({ kind: 'pglite' })
    await migrate(database)
    const key = await generateSignerKey(
      `${name}.bench`,
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    const witness = await Witness.open({
      db: database.db,
      cosigner: await createCosigner(key),
      vkey: formatVerifierKey(key),
      logs: [{ origin: ORIGIN, vkeys: [vkey] }],
      clock: systemClock,
      logger: silent,
    })
    const app = createWitnessApp(witness, 'bench')
    const url = await new Promise<string>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(`http://127.0.0.1:${info.port}/witness`),
      )
      servers.push(server)
    })
    witnesses.push(`${name} ${formatVerifierKey(key)} ${url}`)
  }
  const env = { VIGIL_WITNESSES: witnesses.join(';'), VIGIL_WITNESS_QUORUM: '2' }

  // The probe log (same database, same key) without witnesses: the baseline append.
  const plain = await Ledger.open(probe.ctx, { witnesses: false })
  const base: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now()
    await plain.append([entry()])
    base.push(performance.now() - t)
  }
  // Rounds: the same database, now with the witnesses.
  const withW = await Ledger.open({
    ...probe.ctx,
    config: { ...probe.ctx.config, ...parseConfig({ VIGIL_LOG_ORIGIN: ORIGIN, ...env }) },
  })
  const rounds: number[] = []
  if (withW.witnesses)
    withW.witnesses.onRound = (r) => {
      if (!r.met) throw new Error('policy not met in the bench')
      rounds.push(r.ms)
    }
  for (let i = 0; i < ROUNDS; i++) {
    await withW.append([entry()])
    await withW.witnesses?.idle() // one round per checkpoint, never coalesced
  }
  const waitConfig = {
    ...probe.ctx.config,
    ...parseConfig({ VIGIL_LOG_ORIGIN: ORIGIN, VIGIL_WITNESS_WAIT: 'true', ...env }),
  }
  const waiting = await Ledger.open({ ...probe.ctx, config: waitConfig })
  const waited: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now()
    await waiting.append([entry()])
    waited.push(performance.now() - t)
    await waiting.witnesses?.idle()
  }
  const machine = {
    cpus: cpus().length,
    node: process.version,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  }
  emit({
    bench: 'witness.round',
    p50ms: +pct(rounds, 50).toFixed(2),
    p95ms: +pct(rounds, 95).toFixed(2),
    n: ROUNDS,
    ...machine,
  })
  emit({
    bench: 'append.no-witness',
    p50ms: +pct(base, 50).toFixed(2),
    p95ms: +pct(base, 95).toFixed(2),
    n: ROUNDS,
    ...machine,
  })
  emit({
    bench: 'append.wait',
    p50ms: +pct(waited, 50).toFixed(2),
    p95ms: +pct(waited, 95).toFixed(2),
    n: ROUNDS,
    ...machine,
  })
  console.log('\n| figure | p50 ms | p95 ms |\n|---|---|---|')
  for (const f of figures) console.log(`| ${f.bench} | ${f.p50ms} | ${f.p95ms} |`)
  for (const s of servers) s.close()
  await probe.database.close()
  process.exit(0)
}

await main()
