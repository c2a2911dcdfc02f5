// The peer side of `npm run bench:verify:dcc`: dcc-utils 0.4.0 (Italian Ministry of Health,
// AGPL-3.0), run in its own Node process so that no Vigil module links it. Reads the bench's
// material from the JSON file named on the command line, verifies each certificate as that
// library's documented use does — DCC.fromRaw (Base45, zlib, CBOR, kid), then
// checkSignatureWithKeysList (kid lookup, ES256 by WebCrypto) and Rule.evaluateDCC for each
// selected rule — and prints one JSON line: verdicts, wall ms, CPU µs per verdict. The library
// checks no expiry, key usage, schema or revocation, so it does less work per certificate.
'use strict'
const { readFileSync } = require('node:fs')
const { DCC, Rule } = require('dcc-utils')

async function main() {
  const m = JSON.parse(readFileSync(process.argv[2], 'utf8'))
  const seconds = Number(process.argv[3] ?? '3')
  const rules = m.rules.map((r) => Rule.fromJSON(r, m.external))
  async function one(text) {
    const dcc = await DCC.fromRaw(text)
    const signer = await dcc.checkSignatureWithKeysList(m.keys)
    if (!signer) throw new Error('the peer did not verify a bench certificate')
    for (const rule of rules) {
      if (rule.evaluateDCC(dcc) !== true)
        throw new Error(`the peer failed ${rule.payload.Identifier}`)
    }
  }
  for (const text of m.texts) await one(text)
  const times = []
  const cpu0 = process.cpuUsage()
  const started = performance.now()
  const end = started + seconds * 1000
  let i = 0
  // As the Vigil figures: the CPU time of each burst of runs too, the least contended kept.
  const burstRuns = 50
  let burst = process.cpuUsage()
  let best = Number.POSITIVE_INFINITY
  while (performance.now() < end) {
    const t0 = performance.now()
    await one(m.texts[i++ % m.texts.length])
    times.push(performance.now() - t0)
    if (i % burstRuns === 0) {
      const used = process.cpuUsage(burst)
      best = Math.min(best, (used.user + used.system) / burstRuns)
      burst = process.cpuUsage()
    }
  }
  const ms = performance.now() - started
  const cpu = process.cpuUsage(cpu0)
  times.sort((a, b) => a - b)
  const cpuUs = (cpu.user + cpu.system) / times.length
  if (!Number.isFinite(best)) best = cpuUs
  process.stdout.write(
    `${JSON.stringify({
      bench: 'verify-dcc.peer.dcc-utils',
      perSecond: Math.round((times.length * 1000) / ms),
      cpuUs: Math.round(cpuUs),
      perCoreSecond: Math.round(1e6 / cpuUs),
      bestCpuUs: Math.round(best),
      bestPerCoreSecond: Math.round(1e6 / best),
      p50Us: Math.round((times[Math.floor(times.length / 2)] ?? Number.NaN) * 1000),
      runs: times.length,
    })}\n`,
  )
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`)
  process.exit(1)
})
