/**
 * `node --import tsx bench/issue-steps.ts`: the CPU of each step of one issuance, in process and
 * back to back (no HTTP, no database round trip), as the server runs them: FHIR bundle, SMART
 * Health Card (minimise, DEFLATE, ES256), the card's hash, the sealed personal record, the search
 * key, the QR text, the de-identified facts and the 201's JSON. What the server spends beyond
 * their sum is HTTP, the database driver and waiting (bench:credentials measures the whole).
 */
import { performance } from 'node:perf_hooks'
import { sha256 } from '../src/core/codec/index.ts'
import { computeRid, issueShc } from '../src/core/shc/index.ts'
import { uuidFrom } from '../src/platform/ids/index.ts'
import { installNodeDeflate, installNodeSha256 } from '../src/platform/node-crypto/index.ts'
import { buildBundle, deidentifyInput } from '../src/services/credentials/bundle.ts'
import { CredentialInput } from '../src/services/credentials/input.ts'
import { qrOf } from '../src/services/credentials/issue.ts'
import { isLoopbackIssuer, issuerSigner } from '../src/services/credentials/issuer.ts'
import { sealPersonalData } from '../src/services/credentials/personal-data.ts'
import { searchKey } from '../src/services/credentials/search-key.ts'
import { credentialBody } from './credential-body.ts'
import { openBenchDb } from './setup.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '4000')

// As `vigil serve` runs (src/entry/runtime.ts).
installNodeSha256()
installNodeDeflate()
const b = await openBenchDb('pglite')
const ctx = b.ctx
const signer = await issuerSigner(ctx)
const totals = new Map<string, number>()
async function step<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  const t = performance.now()
  const out = await f()
  totals.set(name, (totals.get(name) ?? 0) + performance.now() - t)
  return out
}
for (let round = 0; round < 2; round++) {
  totals.clear()
  for (let i = 0; i < ROUNDS; i++) {
    const text = JSON.stringify(credentialBody(i)) // what the client sends (not timed)
    const input = await step('JSON parse and input check (zod)', () =>
      CredentialInput.parseAsync(JSON.parse(text)),
    )
    const now = new Date()
    const bundle = await step('FHIR bundle', () => buildBundle(input, now))
    const id = uuidFrom(ctx.random(16))
    const nbf = Math.floor(now.getTime() / 1000)
    const rid = await step('rid (HMAC)', () => computeRid(signer.kid, id, signer.ridSecret))
    const jws = await step('card: minimise, DEFLATE, ES256', () =>
      issueShc({
        bundle,
        iss: signer.iss,
        nbf,
        rid,
        keyPair: signer.keyPair,
        allowLoopbackHttp: isLoopbackIssuer(signer.iss),
      }),
    )
    await step('card hash', () => sha256(new TextEncoder().encode(jws)))
    await step('sealed record (AES-GCM)', () =>
      sealPersonalData(ctx, { credentialId: id, record: { input, jws } }),
    )
    await step('search key (HMAC)', () => searchKey(ctx, input.patient))
    await step('facts', () => deidentifyInput(input, now))
    const qr = await step('QR text', () => qrOf(jws))
    await step('201 JSON', () => JSON.stringify({ id, kind: input.type, jws, qr, leafIndex: '1' }))
  }
}
let sum = 0
const rows = [...totals].map(([name, ms]) => {
  const us = (ms * 1000) / ROUNDS
  sum += us
  return { name, us }
})
for (const r of rows)
  process.stdout.write(
    `${JSON.stringify({ bench: 'issue.step', step: r.name, us: Number(r.us.toFixed(1)) })}\n`,
  )
console.log('\n| step | µs per credential |\n|---|---|')
for (const r of rows) console.log(`| ${r.name} | ${r.us.toFixed(1)} |`)
console.log(`| sum | ${sum.toFixed(1)} |`)
await b.drop()
