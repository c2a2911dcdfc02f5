/**
 * `npm run soak -- verifier-fuzz`: 200,000 mutants (VERIFIER_FUZZ_COUNT) from seed
 * VERIFIER_FUZZ_SEED through test/soak/verifier-fuzz.ts. One JSON line with the figures (p50,
 * p99, the slowest input), then the failures, if any (exit code 1).
 */
import { loadavg } from 'node:os'
import { createFuzzTarget, runVerifierFuzz } from './verifier-fuzz.ts'

export async function run(): Promise<void> {
  const count = Number(process.env.VERIFIER_FUZZ_COUNT ?? '200000')
  const seed = Number(process.env.VERIFIER_FUZZ_SEED ?? '20261207')
  const load = Number(loadavg()[0]?.toFixed(2))
  const started = performance.now()
  const target = await createFuzzTarget()
  const report = await runVerifierFuzz(target, count, seed, (n) => {
    if (n % 20_000 === 0) process.stderr.write(`[verifier-fuzz] ${n}/${count}\n`)
  })
  const { failures, ...figures } = report
  process.stdout.write(
    `${JSON.stringify({
      bench: 'verifier-fuzz',
      seed,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      failures: failures.length,
      ...figures,
      loadAvg1m: [load, Number(loadavg()[0]?.toFixed(2))],
    })}\n`,
  )
  process.stdout.write(
    `\ninputs ${report.inputs} (receipts ${report.receipts}), failures ${failures.length}, ` +
      `p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms, slowest ${report.maxMs} ms ` +
      `(${report.slowest.mutation}, ${report.slowest.bytes} chars, ${report.slowest.code})\n`,
  )
  for (const f of failures) process.stdout.write(`${JSON.stringify(f)}\n`)
  if (failures.length > 0) process.exitCode = 1
}
