/**
 * Offline card verification as a venue does it with cached trust material: decode the QR text,
 * inflate, ES256, rebuild the ledger leaf, and verify the tlog-proof receipt (log signature,
 * witness cosignatures under a 2-of-3 policy, inclusion proof). Shared by bench/credentials.ts
 * and `node --import tsx bench/offline.ts` (cards issued in-process on PGlite, no HTTP).
 *
 * The log's receipts carry no cosignatures unless witnesses are configured, so the bench plays
 * three witnesses: each distinct checkpoint is cosigned once (as a witness would) and every
 * receipt on it carries the three lines.
 */
import { loadavg } from 'node:os'
import { useSha256 } from '../src/core/codec/index.ts'
import {
  addCosignatures,
  createCosigner,
  formatTlogProof,
  generateSignerKey,
  type Policy,
  parseTlogProof,
  SIG_COSIGNATURE_V1,
} from '../src/core/note/index.ts'
import { type ShcTrust, verifyShc } from '../src/core/shc/index.ts'
import { credentialLeafHash } from '../src/core/verify/index.ts'
import type { ServiceContext } from '../src/platform/context/context.ts'
import { nodeEs256 } from '../src/platform/node-crypto/es256.ts'
import { installNodeSha256 } from '../src/platform/node-crypto/sha256.ts'
import { logPolicy } from '../test/helpers/ledger.ts'
import { type Card, offlineLoop } from './offline-verify.ts'

export type { Card } from './offline-verify.ts'

export interface OfflineSetup {
  trust: ShcTrust
  /** The issuer's JWK Set as the venue cached it (what `trust` resolves). */
  issuerKeys: { keys: JsonWebKey[] }
  policy: Policy
  cards: Card[]
}

/** Trust material as a venue caches it, and the cards with 3 witness cosignatures each. */
export async function prepareOffline(ctx: ServiceContext, issued: Card[]): Promise<OfflineSetup> {
  const jwks = await ctx.keys.list()
  const issuerKeys = {
    keys: jwks
      .filter((k) => k.purpose === 'issuer')
      .map((k) => ({ ...k.publicJwk, kid: k.id, alg: 'ES256', use: 'sig' })),
  }
  const trust: ShcTrust = { allowLoopbackHttp: true, resolveIssuerKeys: async () => issuerKeys }
  const keys = await Promise.all(
    ['w1.example', 'w2.example', 'w3.example'].map((n) =>
      generateSignerKey(n, (n) => crypto.getRandomValues(new Uint8Array(n)), SIG_COSIGNATURE_V1),
    ),
  )
  const cosigners = await Promise.all(keys.map((k) => createCosigner(k)))
  const log = await logPolicy(ctx)
  const policy: Policy = {
    logs: log.logs,
    witnesses: keys.map((k) => ({ name: k.name, vkey: k.vkey })),
    quorum: 2,
  }
  const cosigned = new Map<string, Promise<string>>()
  const timestamp = BigInt(Math.floor(Date.now() / 1000))
  const cards = await Promise.all(
    issued.map(async (c) => {
      const proof = parseTlogProof(c.receipt)
      let note = cosigned.get(proof.checkpoint)
      if (note === undefined) {
        note = addCosignatures(proof.checkpoint, cosigners, timestamp)
        cosigned.set(proof.checkpoint, note)
      }
      return { qr: c.qr, receipt: formatTlogProof({ ...proof, checkpoint: await note }) }
    }),
  )
  return { trust, issuerKeys, policy, cards }
}

/** The same setup verifying ES256 through node:crypto (src/credentials/node-es256.ts). */
export function withNodeEs256(setup: OfflineSetup): OfflineSetup {
  return { ...setup, trust: { ...setup.trust, es256: nodeEs256 } }
}

/**
 * The node:crypto figure with the core's SHA-256 through node:crypto too (codec useSha256, as
 * the Node entry installs it: src/entry/runtime.ts); the hash is restored afterwards.
 */
export async function measureOfflineNodePlatform(setup: OfflineSetup, rounds: number) {
  installNodeSha256()
  try {
    return await measureOffline(withNodeEs256(setup), rounds, 'node:crypto, SHA-256 node:crypto')
  } finally {
    useSha256(undefined)
  }
}

/** Serial verification on one core: warm-up, then `rounds` passes over the cards. */
export async function measureOffline(setup: OfflineSetup, rounds: number, es256 = 'WebCrypto') {
  const { cards } = setup
  let cpu0 = process.cpuUsage()
  const { cards: n, ms } = await offlineLoop(setup.trust, setup.policy, cards, rounds, {
    onStart: () => {
      cpu0 = process.cpuUsage()
    },
  })
  const cpu = process.cpuUsage(cpu0)
  return {
    bench: 'credentials.verify',
    es256,
    cards: n,
    checkpoints: new Set(cards.map((c) => parseTlogProof(c.receipt).checkpoint)).size,
    perSecOneCore: Math.round((n * 1000) / ms),
    meanUs: Math.round((ms * 1000) / n),
    // Process CPU (main thread plus WebCrypto's pool thread running ES256): less load-sensitive.
    cpuUsPerCard: Math.round((cpu.user + cpu.system) / n),
    loadAvg1m: Number(loadavg()[0]?.toFixed(2)),
    includes:
      'QR decode, inflate, ES256, leaf rebuild, checkpoint signature, 3 cosignatures (2-of-3), inclusion proof',
    target: '>= 5000/s',
  }
}

/**
 * Each step of one card's verification alone, `reps` times over the cards: where the time goes.
 * Steps are timed in isolation (warm caches, no interleaving), so they add up to a little less
 * than the full loop.
 */
export async function measureSteps(setup: OfflineSetup, reps: number) {
  const shc = await import('../src/core/shc/index.ts')
  const { readShcQr } = await import('../src/core/shc/qr-read.ts')
  const { verifyShcSignature } = await import('../src/core/shc/verify-signature.ts')
  const { verifyInclusion } = await import('../src/core/merkle/index.ts')
  const { verifyCheckpointWithPolicy } = await import('../src/core/note/index.ts')
  const now = Math.floor(Date.now() / 1000)
  const cards = await Promise.all(
    setup.cards.map(async (c) => {
      const jws = readShcQr(c.qr).jws
      const parsed = shc.parseShcJws(jws)
      const decoded = await shc.decodeShcPayload(parsed.deflated)
      const v = await verifyShc({ qr: c.qr }, setup.trust, now)
      const proof = parseTlogProof(c.receipt)
      const leaf = await credentialLeafHash(jws, v.kid, v.payload.nbf as number)
      const { checkpoint } = await verifyCheckpointWithPolicy(proof.checkpoint, setup.policy)
      return { ...c, jws, parsed, decoded, jwk: v.jwk, kid: v.kid, proof, leaf, checkpoint }
    }),
  )
  type C = (typeof cards)[number]
  const steps: [string, (c: C) => unknown][] = [
    ['QR digits → JWS', (c) => readShcQr(c.qr)],
    ['JWS parse (header JSON, base64url)', (c) => shc.parseShcJws(c.jws)],
    ['inflate + payload JSON', (c) => shc.decodeShcPayload(c.parsed.deflated)],
    [
      'issuer key by kid',
      (c) => setup.trust.resolveIssuerKeys('').then((k) => shc.selectIssuerKey(k, c.kid)),
    ],
    ['ES256 (WebCrypto)', (c) => verifyShcSignature(c.jws, c.jwk, c.parsed)],
    ['ES256 (node:crypto)', (c) => verifyShcSignature(c.jws, c.jwk, c.parsed, nodeEs256)],
    [
      'claims, FHIR checks, minimisation lint',
      (c) => {
        const { payload } = shc.checkShcClaims(c.decoded.claims, now)
        shc.lintBundleMinimisation(payload.vc.credentialSubject.fhirBundle)
      },
    ],
    ['leaf (SHA-256 of JWS, entry, leaf hash)', (c) => credentialLeafHash(c.jws, c.kid, 0)],
    ['receipt parse (tlog-proof lines)', (c) => parseTlogProof(c.receipt)],
    [
      'checkpoint + 3 cosignatures (cached verdict)',
      (c) => verifyCheckpointWithPolicy(c.proof.checkpoint, setup.policy),
    ],
    [
      'inclusion proof (RFC 9162)',
      (c) =>
        verifyInclusion(c.leaf, c.proof.index, c.checkpoint.size, c.proof.proof, c.checkpoint.root),
    ],
  ]
  const out: Record<string, number> = {}
  for (const [name, fn] of steps) {
    for (const c of cards) await fn(c)
    const t0 = performance.now()
    for (let r = 0; r < reps; r++) for (const c of cards) await fn(c)
    out[name] = Number((((performance.now() - t0) * 1000) / (reps * cards.length)).toFixed(1))
  }
  return { bench: 'credentials.verify.steps', unit: 'µs per card', ...out }
}

/** BENCH_IN_FLIGHT: cards in flight in Chromium's batch figures (default 8). */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? '8')

async function main() {
  const { openBenchDb } = await import('./setup.ts')
  const { issueCredential, CredentialInput } = await import('../src/services/credentials/index.ts')
  const b = await openBenchDb('pglite')
  const n = Number(process.env.BENCH_CARDS ?? '200')
  const actor = { kind: 'token' as const, id: 'bench', name: 'bench', roles: ['issuer' as const] }
  const issued: Card[] = []
  for (let i = 0; i < n; i += 32) {
    const batch = Array.from({ length: Math.min(32, n - i) }, (_, j) =>
      CredentialInput.parse({
        type: 'immunization',
        patient: { givenNames: ['Bench', `P${i + j}`], familyName: 'X', birthDate: '1980-01-01' },
        immunizations: [
          { code: '208', date: '2021-05-01', lotNumber: 'EW0182' },
          { code: '208', date: '2021-05-29', lotNumber: 'EW0191' },
        ],
        region: 'NL-NH',
      }),
    )
    const made = await Promise.all(batch.map((x) => issueCredential({ ...b.ctx, actor }, x)))
    // Two doses: every card fits one QR.
    issued.push(...made.map((c) => ({ ...c, qr: c.qr as string })))
  }
  const setup = await prepareOffline(b.ctx, issued)
  const rounds = Number(process.env.BENCH_ROUNDS ?? '25')
  process.stdout.write(`${JSON.stringify(await measureOffline(setup, rounds))}\n`)
  process.stdout.write(
    `${JSON.stringify(await measureOffline(withNodeEs256(setup), rounds, 'node:crypto'))}\n`,
  )
  process.stdout.write(`${JSON.stringify(await measureOfflineNodePlatform(setup, rounds))}\n`)
  if (process.env.BENCH_CHROMIUM !== undefined) {
    // BENCH_CHROMIUM=1: the same cards in Debian Chromium too (as bench:credentials does).
    const { measureOfflineChromium } = await import('./offline-chromium.ts')
    process.stdout.write(`${JSON.stringify(await measureOfflineChromium(setup, rounds))}\n`)
    process.stdout.write(
      `${JSON.stringify(await measureOfflineChromium(setup, rounds, IN_FLIGHT))}\n`,
    )
  }
  if (process.env.BENCH_CHROMIUM_WORKERS !== undefined) {
    // BENCH_CHROMIUM_WORKERS=N: the loop in N dedicated Web Workers of one page.
    const { measureOfflineWorkers } = await import('./offline-chromium.ts')
    const n = Number(process.env.BENCH_CHROMIUM_WORKERS)
    process.stdout.write(
      `${JSON.stringify(await measureOfflineWorkers(setup, rounds, n, IN_FLIGHT))}\n`,
    )
  }
  if (process.env.BENCH_CHROMIUM_STEPS !== undefined) {
    const { measureStepsChromium } = await import('./offline-chromium.ts')
    process.stdout.write(`${JSON.stringify(await measureStepsChromium(setup, rounds))}\n`)
  }
  if (process.env.BENCH_STEPS !== '0')
    process.stdout.write(`${JSON.stringify(await measureSteps(setup, rounds))}\n`)
  await b.drop()
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
