/**
 * `npm run bench:verify:dcc` (also run by `npm run bench:verify`): the EU DCC (HC1) verifier's
 * speed in Node on one thread, one certificate at a time: the full Verdict of
 * src/core/verify/verify-dcc.ts (prefix, strict Base45, zlib, COSE, CWT, ES256 by WebCrypto,
 * time, EKU, schema, three revocation hashes) over N distinct certificates, against a trust list
 * of 300 signers (the EU gateway carries a few hundred DSCs) and a revocation list of 3 × 10,000
 * hashes for the signer; then the same with one rule set (Austria's 16 published CertLogic rules
 * and the EU value sets, test/vectors/certlogic: the 7 that apply to a vaccination are
 * evaluated). Also the decode steps, the signature and the rules alone. One JSON line per figure
 * on stdout, a table at the end; target ≥ 5,000 verdicts/s with the rule set (issue 20).
 *
 * Environment: BENCH_CARDS (default 200), BENCH_SECONDS per figure (default 3).
 */
import { readdirSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import {
  type DccRuleSet,
  dccExternal,
  evaluateDccRules,
  parseDccRule,
  parseDccValueSets,
} from '../src/core/certlogic/index.ts'
import { toBase64 } from '../src/core/codec/index.ts'
import { type DccSigner, dccTrust, decodeHc1, verifyDccSignature } from '../src/core/dcc/index.ts'
import { verifyDcc } from '../src/core/verify/index.ts'
import { nodeDccVerify } from '../src/platform/node-crypto/index.ts'
import { createKey, DAY, NOW, signHc1, VACCINATION } from '../test/helpers/dcc.ts'
import { readVectorJson, vectorPath } from '../test/helpers/vectors.ts'
import { formatColumns } from './table.ts'

const CARDS = Number(process.env.BENCH_CARDS ?? '200')
const SECONDS = Number(process.env.BENCH_SECONDS ?? '3')
const TARGET_PER_SECOND = 5_000
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)

interface Figure {
  bench: string
  perSecond: number
  /** CPU time per run (user + system): what one core pays, whatever else shares the machine. */
  cpuUs: number
  perCoreSecond: number
  p50Us: number
  p99Us: number
  runs: number
}

/** Runs `step` over the inputs in turn for SECONDS (after a warm-up), one at a time. */
async function measure<T>(
  bench: string,
  inputs: readonly T[],
  step: (x: T) => Promise<unknown> | unknown,
): Promise<Figure> {
  for (const x of inputs) await step(x)
  const times: number[] = []
  const end = performance.now() + SECONDS * 1000
  let i = 0
  const cpu0 = process.cpuUsage()
  const started = performance.now()
  while (performance.now() < end) {
    const t0 = performance.now()
    await step(inputs[i++ % inputs.length] as T)
    times.push(performance.now() - t0)
  }
  const elapsed = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuUs = (cpu.user + cpu.system) / times.length
  times.sort((a, b) => a - b)
  const at = (p: number) =>
    times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? Number.NaN
  const figure = {
    bench,
    perSecond: Math.round(times.length / elapsed),
    cpuUs: Math.round(cpuUs),
    perCoreSecond: Math.round(1e6 / cpuUs),
    p50Us: Math.round(at(50) * 1000),
    p99Us: Math.round(at(99) * 1000),
    runs: times.length,
  }
  process.stdout.write(`${JSON.stringify(figure)}\n`)
  return figure
}

const key = await createKey('EC')
const others: DccSigner[] = await Promise.all(
  Array.from({ length: 299 }, async (_, i) => ({
    ...(await createKey('EC')).signer,
    country: `C${i}`,
  })),
)
const trust = dccTrust([...others, key.signer], NOW)
const hashes = (seed: string) =>
  Array.from({ length: 10_000 }, (_, i) =>
    toBase64(new TextEncoder().encode(`${seed}${i}`.padEnd(16, '.').slice(0, 16))),
  )
const revoked = {
  [key.signer.kid]: { UCI: hashes('u'), COUNTRYCODEUCI: hashes('c'), SIGNATURE: hashes('s') },
}
const rules: DccRuleSet = {
  country: 'AT',
  rules: readdirSync(vectorPath('certlogic/rules/AT')).map((id) =>
    parseDccRule(readVectorJson(`certlogic/rules/AT/${id}/rule.json`)),
  ),
  valueSets: parseDccValueSets(readVectorJson('certlogic/rules/valuesets/valueSets.json')),
}
// A second dose 60 days before NOW: within Austria's 270 days, so every rule is met.
const doseDate = new Date((NOW - 60 * DAY) * 1000).toISOString().slice(0, 10)
log(`signing ${CARDS} certificates`)
const payloads = Array.from({ length: CARDS }, (_, i) => ({
  ...VACCINATION,
  v: [{ ...VACCINATION.v[0], dt: doseDate, ci: `URN:UVCI:01:AT:BENCH${i}#X` }],
}))
const texts = await Promise.all(payloads.map((dcc) => signHc1(key, { dcc })))
const first = await verifyDcc(texts[0] as string, {
  trust,
  now: NOW,
  revoked,
  rules: { set: rules },
})
if (first.status !== 'valid' || first.checks.at(-1)?.code !== 'DCC_RULES_PASSED')
  throw new Error(`bench certificate is ${first.status}: ${first.reason?.code}`)
const external = dccExternal({
  now: NOW,
  country: 'AT',
  exp: NOW + 365 * DAY,
  iat: NOW - DAY,
  issuerCountry: 'AT',
  valueSets: rules.valueSets,
})

const decoded = texts.map((t) => decodeHc1(t).cose)
const figures = [
  await measure('verify-dcc.node', texts, (t) =>
    verifyDcc(t, { trust, now: NOW, revoked, verifySignature: nodeDccVerify }),
  ),
  await measure('verify-dcc.node.rules', texts, (t) =>
    verifyDcc(t, {
      trust,
      now: NOW,
      revoked,
      verifySignature: nodeDccVerify,
      rules: { set: rules },
    }),
  ),
  await measure('verify-dcc.node.rules-only', payloads, (payload) =>
    evaluateDccRules(rules, { payload, external, certificateType: 'Vaccination' }),
  ),
  await measure('verify-dcc.node.webcrypto', texts, (t) =>
    verifyDcc(t, { trust, now: NOW, revoked }),
  ),
  await measure('verify-dcc.node.decode', texts, (t) => decodeHc1(t)),
  await measure('verify-dcc.node.es256', decoded, (c) =>
    verifyDccSignature(c, trust, nodeDccVerify),
  ),
  await measure('verify-dcc.node.es256.webcrypto', decoded, (c) => verifyDccSignature(c, trust)),
]
const [load1] = loadavg()
log(`${cpus().length} cores, load average ${load1?.toFixed(2)} (the machine is shared)`)
process.stderr.write(
  `${formatColumns([
    ['figure', 'per second', 'CPU µs', 'per core-second', 'p50 µs', 'p99 µs', 'runs'],
    ...figures.map((f) => [
      f.bench,
      String(f.perSecond),
      String(f.cpuUs),
      String(f.perCoreSecond),
      String(f.p50Us),
      String(f.p99Us),
      String(f.runs),
    ]),
  ])}\n`,
)
const full = figures[1] as Figure
process.stdout.write(
  `${JSON.stringify({ bench: 'verify-dcc.target', perSecond: full.perSecond, target: TARGET_PER_SECOND, met: full.perSecond >= TARGET_PER_SECOND, load1 })}\n`,
)
