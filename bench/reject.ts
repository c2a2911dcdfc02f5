/**
 * `npm run bench:reject`: what it costs the venue verifier (src/core/verify) to reject crafted
 * input, against an ordinary rejection. One JSON line per crafted class on stdout (median time,
 * the ratio to the ordinary rejection, the code it was rejected with), then a table; target:
 * every ratio ≤ 10.
 *
 * The ordinary rejection is a QR card of a trusted issuer with one QR digit pair changed in its
 * signature: it is read, inflated, parsed and checked, and fails at the ES256 signature (the
 * commonest real rejection: a tampered card). Other ordinary rejections are printed too.
 * The crafted inputs are in test/soak/verifier-fuzz-crafted.ts.
 *
 * Environment: BENCH_SCALE (default 1) scales the time spent on each class (~0.4 s at 1).
 */
import { loadavg } from 'node:os'
import { encodeShcQr } from '../src/core/shc/index.ts'
import {
  createVerifyCache,
  type VerifyOptions,
  verifyCredential,
} from '../src/core/verify/index.ts'
import { nodeEs256 } from '../src/platform/node-crypto/es256.ts'
import { craftedInputs } from '../test/soak/verifier-fuzz-crafted.ts'
import {
  createIssuer,
  flipSignature,
  issueCard,
  issuerEntry,
  MemoryLog,
  material,
  NOW,
} from '../test/unit/verify/fixtures.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
if (!(SCALE > 0)) throw new Error('BENCH_SCALE must be a positive number')
const TARGET_RATIO = 10

type Figure = Record<string, unknown> & { bench: string }
const figures: Figure[] = []
function emit(figure: Figure): void {
  figures.push(figure)
  process.stdout.write(`${JSON.stringify(figure)}\n`)
}
const round = (x: number, digits = 3) => Number(x.toFixed(digits))

/** Median milliseconds per verification of `text` (after warming up), and the failing code. */
async function timeReject(text: string, options: VerifyOptions) {
  const first = await verifyCredential(text, options)
  for (let i = 0; i < 3; i++) await verifyCredential(text, options)
  const samples: number[] = []
  const end = performance.now() + 400 * SCALE
  while (samples.length < 5 || (performance.now() < end && samples.length < 20_000)) {
    const t0 = performance.now()
    await verifyCredential(text, options)
    samples.push(performance.now() - t0)
  }
  samples.sort((a, b) => a - b)
  const median = samples[Math.floor(samples.length / 2)] as number
  const max = samples.at(-1) as number
  return { median, max, runs: samples.length, status: first.status, code: first.reason?.code }
}

/** A QR card with the digit pair at `at` (counted from the end) changed to another base64 char. */
function changeDigitPair(qr: string, fromEnd: number): string {
  const at = qr.length - 2 * fromEnd
  const pair = qr.slice(at, at + 2)
  return `${qr.slice(0, at)}${pair === '20' ? '21' : '20'}${qr.slice(at + 2)}`
}

async function main(): Promise<void> {
  const issuer = await createIssuer()
  const log = await MemoryLog.create()
  log.fill(20)
  const card = await issueCard(issuer)
  await log.appendCard(card, issuer.kid, NOW - 7200)
  const { opened } = await material(log, [issuerEntry(issuer)])
  const options: VerifyOptions = {
    trust: [opened],
    now: NOW,
    ledger: () => log.source(),
    cache: createVerifyCache(),
    es256: nodeEs256,
  }
  const qr = encodeShcQr(card)
  const loadBefore = Number(loadavg()[0]?.toFixed(2))
  const ordinary = {
    'ordinary-signature': changeDigitPair(qr, 3),
    'ordinary-flipped-sig-jws': flipSignature(card),
    'ordinary-payload-digit': changeDigitPair(qr, Math.floor(qr.length / 4)),
    'ordinary-truncated-qr': qr.slice(0, Math.floor(qr.length / 2) * 2 - 200),
  }
  const valid = await timeReject(qr, options)
  emit({ bench: 'reject.valid-card', ms: round(valid.median), status: valid.status })
  const base = await timeReject(ordinary['ordinary-signature'], options)
  const ms = base.median
  for (const [name, text] of Object.entries(ordinary)) {
    const r = name === 'ordinary-signature' ? base : await timeReject(text, options)
    emit({
      bench: `reject.${name}`,
      bytes: text.length,
      ms: round(r.median),
      maxMs: round(r.max),
      ratio: round(r.median / ms, 2),
      code: r.code,
      status: r.status,
    })
  }
  for (const crafted of craftedInputs()) {
    const r = await timeReject(crafted.text, options)
    emit({
      bench: `reject.${crafted.name}`,
      bytes: crafted.text.length,
      ms: round(r.median),
      maxMs: round(r.max),
      ratio: round(r.median / ms, 2),
      code: r.code,
      expected: crafted.code,
      status: r.status,
      ok: r.status === 'invalid' && r.median / ms <= TARGET_RATIO,
    })
  }
  emit({
    bench: 'reject.machine',
    node: process.version,
    loadAvg1m: [loadBefore, Number(loadavg()[0]?.toFixed(2))],
    targetRatio: TARGET_RATIO,
  })
  const rows = figures
    .filter((f) => f.bytes !== undefined)
    .map(
      (f) =>
        `${String(f.bench).padEnd(34)} ${String(f.bytes).padStart(8)} ${String(f.ms).padStart(9)} ` +
        `${String(f.ratio).padStart(7)}  ${f.code}`,
    )
  process.stdout.write(
    `\n${'class'.padEnd(34)} ${'bytes'.padStart(8)} ${'ms'.padStart(9)} ${'ratio'.padStart(7)}  code\n` +
      `${rows.join('\n')}\n`,
  )
}

await main()
