/**
 * Verifier fuzz driver (docs/RELIABILITY.md, "Verifier fuzz"): valid cards (QR text, JWS, file;
 * Vigil-issued and anchored, plus the SMART Health Cards spec examples) and a valid tlog-proof
 * receipt are mutated with a seeded PRNG, and each mutant is verified the way a venue would.
 * Recorded as failures: the verifier throwing, a mutant judged `valid` (unless the mutation
 * left the card the verifier reads unchanged), a code the core does not define (or
 * VERIFY_UNEXPECTED), and a receipt mutant accepted or refused with a non-core error.
 * Used by test/reliability/verifier-fuzz.test.ts (small) and verifier-fuzz.soak.ts (full).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { fromUtf8 } from '../../src/core/codec/bytes.ts'
import { CoreError } from '../../src/core/errors.ts'
import { buildImmunizationBundle } from '../../src/core/fhir/index.ts'
import { proveInclusion, rootFromLeafHashes } from '../../src/core/merkle/index.ts'
import { formatTlogProof, type Policy, verifyTlogProof } from '../../src/core/note/index.ts'
import {
  createHealthCardFile,
  encodeShcQr,
  inflateRaw,
  parseShcJws,
  signShcPayload,
} from '../../src/core/shc/index.ts'
import {
  createVerifyCache,
  readScannedText,
  type TrustedIssuer,
  type VerifyOptions,
  verifyCredential,
} from '../../src/core/verify/index.ts'
import { seededUniform } from '../../src/services/surveillance/synthetic.ts'
import { readVectorJson, readVectorText } from '../helpers/vectors.ts'
import {
  createIssuer,
  HOUR,
  issueCard,
  issuerEntry,
  MemoryLog,
  material,
  NOW,
  PATIENT,
  type TestIssuer,
} from '../unit/verify/fixtures.ts'
import { craftedInputs } from './verifier-fuzz-crafted.ts'

/** mulberry32 (the synthetic-data generator's), so a failing input replays from its seed. */
export function createRandom(seed: number): () => number {
  return seededUniform(seed)
}

/** Every error code the pure core defines: the string literals shaped like CODES in src/core. */
export function knownCodes(): Set<string> {
  const root = fileURLToPath(new URL('../../src/core/', import.meta.url))
  const codes = new Set<string>()
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue
    for (const m of readFileSync(root + file, 'utf8').matchAll(
      /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g,
    ))
      codes.add(m[1] as string)
  }
  codes.delete('VERIFY_UNEXPECTED') // the verifier's fallback for a non-core error: a bug
  return codes
}

interface Seed {
  readonly kind: 'qr' | 'jws' | 'file'
  readonly text: string
  /** The compact JWS the verifier reads from `text`. */
  readonly jws: string
  readonly valid: boolean
}

export interface FuzzTarget {
  readonly seeds: readonly Seed[]
  readonly options: VerifyOptions
  readonly issuer: TestIssuer
  readonly receipt: { readonly text: string; readonly leaf: Uint8Array; readonly policy: Policy }
}

const SPEC = 'shc/spec-examples/'
const SPEC_ISS = 'https://spec.smarthealth.cards/examples/issuer'

/** Anchored Vigil cards of a few shapes, the spec examples (trusted, not anchored), a receipt. */
export async function createFuzzTarget(): Promise<FuzzTarget> {
  const issuer = await createIssuer()
  const log = await MemoryLog.create()
  log.fill(40)
  const nbf = NOW - 2 * HOUR
  const two = buildImmunizationBundle({
    patient: PATIENT,
    immunizations: [
      { code: '207', date: '2021-01-01', lotNumber: '0000001' },
      { code: '207', date: '2021-01-29', lotNumber: '0000007' },
    ],
    now: nbf,
  })
  const cards = [
    await issueCard(issuer),
    await issueCard(issuer, { exp: NOW + 365 * 24 * HOUR, subject: 'subject-2' }),
    await issueCard(issuer, { rid: false, bundle: two }),
  ]
  const indexes: number[] = []
  for (const card of cards) indexes.push(await log.appendCard(card, issuer.kid, nbf))
  const jwks = readVectorJson<TrustedIssuer['jwks']>(
    'shc/issuers/spec.smarthealth.cards/examples/issuer/.well-known/jwks.json',
  )
  const spec: TrustedIssuer = { iss: SPEC_ISS, name: 'SHC spec', anchored: false, jwks, crls: {} }
  const { opened } = await material(log, [issuerEntry(issuer), spec])
  const options: VerifyOptions = {
    trust: [opened],
    now: NOW,
    ledger: () => log.source(),
    cache: createVerifyCache(),
  }
  const seeds: Seed[] = []
  for (const jws of cards) {
    seeds.push({ kind: 'qr', text: encodeShcQr(jws), jws, valid: true })
    seeds.push({ kind: 'jws', text: jws, jws, valid: true })
    seeds.push({ kind: 'file', text: createHealthCardFile([jws]), jws, valid: true })
  }
  for (const n of ['00', '01', '03']) {
    const jws = readVectorText(`${SPEC}example-${n}-d-jws.txt`).trim()
    const qr = readVectorText(`${SPEC}example-${n}-f-qr-code-numeric-value-0.txt`).trim()
    seeds.push(
      { kind: 'qr', text: qr, jws, valid: false },
      { kind: 'jws', text: jws, jws, valid: false },
    )
  }
  const chunks = ['0', '1', '2'].map((i) =>
    readVectorText(`${SPEC}example-02-f-qr-code-numeric-value-${i}.txt`).trim(),
  )
  const jws02 = readVectorText(`${SPEC}example-02-d-jws.txt`).trim()
  seeds.push({ kind: 'qr', text: chunks.join('\n'), jws: jws02, valid: false })
  // Which seeds verify as valid is measured, not assumed (the spec examples may have expired).
  const measured: Seed[] = []
  for (const seed of seeds) {
    const verdict = await verifyCredential(seed.text, options)
    measured.push({ ...seed, valid: verdict.status === 'valid' })
  }
  const first = indexes[0] as number
  const size = log.leaves.length
  const proof = await proveInclusion(BigInt(first), BigInt(size), async (nodes) =>
    nodes.map((n) => {
      const lo = Number(n.index) * 2 ** n.level
      return rootFromLeafHashes(log.leaves.slice(lo, lo + 2 ** n.level))
    }),
  )
  const receipt = formatTlogProof({
    index: BigInt(first),
    proof,
    checkpoint: await log.checkpoint(),
  })
  const policy: Policy = { logs: [{ vkey: log.vkey }], witnesses: [], quorum: 'none' }
  return {
    seeds: measured,
    options,
    issuer,
    receipt: { text: receipt, leaf: log.leaves[first] as Uint8Array, policy },
  }
}

type Random = () => number
const int = (random: Random, n: number) => Math.floor(random() * n)
const pick = <T>(random: Random, list: readonly T[]): T => list[int(random, list.length)] as T

/** Text mutations that need nothing but the text. */
const TEXT_MUTATIONS: Record<string, (text: string, random: Random) => string> = {
  'bit-flip': (t, r) => {
    const i = int(r, t.length)
    return t.slice(0, i) + String.fromCharCode(t.charCodeAt(i) ^ (1 << int(r, 7))) + t.slice(i + 1)
  },
  'byte-insert': (t, r) => {
    const i = int(r, t.length + 1)
    const c =
      r() < 0.5 ? pick(r, [...'.-_0123456789Az{}[]",: \n']) : String.fromCharCode(int(r, 256))
    return t.slice(0, i) + c + t.slice(i)
  },
  'byte-delete': (t, r) => {
    const i = int(r, t.length)
    return t.slice(0, i) + t.slice(i + 1)
  },
  truncate: (t, r) => t.slice(0, int(r, t.length)),
  duplicate: (t, r) => {
    const i = int(r, t.length)
    const j = i + int(r, Math.min(64, t.length - i) + 1)
    return r() < 0.3 ? `${t}${pick(r, ['', '\n', '.', ' '])}${t}` : t.slice(0, j) + t.slice(i)
  },
  'digit-pair': (t, r) => {
    const start = t.lastIndexOf('/') + 1
    const pairs = Math.floor((t.length - start) / 2)
    if (!t.startsWith('shc:/') || pairs === 0) return `${t}0`
    const at = start + 2 * int(r, pairs)
    return t.slice(0, at) + String(int(r, 100)).padStart(2, '0') + t.slice(at + 2)
  },
  'segment-swap': (t, r) => {
    const parts = t.split('.')
    if (parts.length < 2) return `${t}.${t}`
    const i = int(r, parts.length)
    let j = int(r, parts.length)
    if (j === i) j = (i + 1) % parts.length
    ;[parts[i], parts[j]] = [parts[j] as string, parts[i] as string]
    return parts.join('.')
  },
  huge: (t, r) => {
    const target = pick(r, [70_000, 300_000, 2_000_000])
    const unit = r() < 0.5 ? t : t.slice(0, 1 + int(r, 16))
    return unit.repeat(Math.ceil(target / Math.max(1, unit.length))).slice(0, target)
  },
}

/** A random change somewhere in a JSON value (a leaf replaced, a member removed or added). */
function mutateJson(value: unknown, random: Random, depth = 0): unknown {
  const replacements: unknown[] = ['', 'x', 0, -1, 1e308, null, true, [], {}, 'https://evil.test']
  if (Array.isArray(value) && value.length > 0 && random() < 0.85) {
    const copy = [...value]
    const i = int(random, copy.length)
    if (random() < 0.15) copy.splice(i, 1)
    else copy[i] = mutateJson(copy[i], random, depth + 1)
    return copy
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && random() < 0.85) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
    const keys = Object.keys(copy)
    const roll = random()
    if (keys.length === 0 || roll < 0.1) copy[`k${int(random, 9)}`] = pick(random, replacements)
    else if (roll < 0.2) delete copy[pick(random, keys)]
    else {
      const key = pick(random, keys)
      copy[key] = mutateJson(copy[key], random, depth + 1)
    }
    return copy
  }
  if (typeof value === 'number' && random() < 0.5) return value + pick(random, [1, -1, 3600, 0.5])
  if (typeof value === 'string' && random() < 0.5) return `${value}${pick(random, ['x', '/', ' '])}`
  return pick(random, replacements)
}

/** The seed's payload changed and re-signed with the trusted issuer's key (a key-holder's lie). */
async function resign(seed: Seed, target: FuzzTarget, random: Random): Promise<string> {
  const parsed = parseShcJws(seed.jws)
  const claims = JSON.parse(fromUtf8(await inflateRaw(parsed.deflated, 1 << 20))) as object
  const mutated = mutateJson(claims, random)
  const payload = mutated !== null && typeof mutated === 'object' && !Array.isArray(mutated)
  const jws = await signShcPayload(
    (payload ? mutated : { v: mutated }) as Record<string, unknown>,
    target.issuer.keyPair,
  )
  if (seed.kind === 'qr' && jws.length <= 1195) return encodeShcQr(jws)
  return seed.kind === 'file' ? createHealthCardFile([jws]) : jws
}

export interface FuzzFailure {
  readonly input: number
  readonly mutation: string
  readonly problem: string
  readonly sample: string
}

export interface FuzzReport {
  readonly inputs: number
  readonly receipts: number
  readonly noops: number
  readonly byMutation: Record<string, number>
  readonly byCode: Record<string, number>
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  readonly slowest: { readonly mutation: string; readonly bytes: number; readonly code: string }
  readonly failures: FuzzFailure[]
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0

/** True when the verifier reads the same JWS from `text` as from the seed: a no-op mutation. */
function readsAs(text: string, jws: string): boolean {
  try {
    return readScannedText(text).jws === jws
  } catch {
    return false
  }
}

/**
 * Verifies `count` mutants (the crafted inputs first), one in ten of them receipts. Failures are
 * collected (up to 50), never thrown, so one run reports every kind of problem it met.
 */
export async function runVerifierFuzz(
  target: FuzzTarget,
  count: number,
  seed: number,
  onProgress?: (done: number) => void,
): Promise<FuzzReport> {
  const random = createRandom(seed)
  const codes = knownCodes()
  const failures: FuzzFailure[] = []
  const byMutation: Record<string, number> = {}
  const byCode: Record<string, number> = {}
  const times: number[] = []
  let slowest = { ms: -1, mutation: '', bytes: 0, code: '' }
  let noops = 0
  let receipts = 0
  const fail = (input: number, mutation: string, problem: string, text: string) => {
    if (failures.length < 50)
      failures.push({ input, mutation, problem, sample: text.slice(0, 300) })
  }
  const names = Object.keys(TEXT_MUTATIONS).filter((n) => n !== 'huge')
  const crafted = craftedInputs()
  for (let n = 0; n < count; n++) {
    if (n % 1000 === 0) onProgress?.(n)
    if (n >= crafted.length && n % 10 === 9) {
      receipts++
      await fuzzReceipt(target, random, codes, (problem, text) => fail(n, 'receipt', problem, text))
      continue
    }
    const base = pick(random, target.seeds)
    let text: string
    let mutation: string
    if (n < crafted.length) {
      const c = crafted[n] as (typeof crafted)[number]
      ;[text, mutation] = [c.text, `crafted:${c.name}`]
    } else if (random() < 0.08) {
      ;[text, mutation] = [await resign(base, target, random), 'resign']
    } else if (random() < 0.005) {
      ;[text, mutation] = [TEXT_MUTATIONS.huge?.(base.text, random) ?? '', 'huge']
    } else {
      const rounds = random() < 0.7 ? 1 : 2 + int(random, 3)
      const used: string[] = []
      text = base.text
      for (let k = 0; k < rounds; k++) {
        const name = pick(random, names)
        used.push(name)
        text = TEXT_MUTATIONS[name]?.(text, random) ?? text
      }
      mutation = used.length === 1 ? (used[0] as string) : 'multi'
    }
    byMutation[mutation] = (byMutation[mutation] ?? 0) + 1
    const started = performance.now()
    let verdict: Awaited<ReturnType<typeof verifyCredential>>
    try {
      verdict = await verifyCredential(text, target.options)
    } catch (err) {
      fail(
        n,
        mutation,
        `threw ${err instanceof Error ? err.name : typeof err}: ${String(err)}`,
        text,
      )
      continue
    }
    const ms = performance.now() - started
    times.push(ms)
    const code = verdict.reason?.code ?? 'VALID'
    byCode[code] = (byCode[code] ?? 0) + 1
    if (ms > slowest.ms) slowest = { ms, mutation, bytes: text.length, code }
    for (const c of verdict.checks) {
      if (!codes.has(c.code)) fail(n, mutation, `unknown code ${c.code} (${c.id})`, text)
    }
    if (verdict.status === 'valid') {
      if (readsAs(text, base.jws) && base.valid) noops++
      else fail(n, mutation, 'a mutated card was judged valid', text)
    }
  }
  times.sort((a, b) => a - b)
  const round = (x: number) => Number(x.toFixed(3))
  return {
    inputs: count,
    receipts,
    noops,
    byMutation,
    byCode,
    p50Ms: round(percentile(times, 0.5)),
    p99Ms: round(percentile(times, 0.99)),
    maxMs: round(slowest.ms),
    slowest: { mutation: slowest.mutation, bytes: slowest.bytes, code: slowest.code },
    failures,
  }
}

/** One mutated receipt: it must be refused with a core code, unless it is the receipt itself. */
async function fuzzReceipt(
  target: FuzzTarget,
  random: Random,
  codes: Set<string>,
  fail: (problem: string, text: string) => void,
): Promise<void> {
  const { receipt } = target
  const names = ['bit-flip', 'byte-insert', 'byte-delete', 'truncate', 'duplicate']
  let text = receipt.text
  while (text === receipt.text) text = TEXT_MUTATIONS[pick(random, names)]?.(text, random) ?? text
  try {
    await verifyTlogProof(text, receipt.leaf, receipt.policy, {})
    fail('a mutated receipt verified', text)
  } catch (err) {
    if (!(err instanceof CoreError)) fail(`receipt: non-core error ${String(err)}`, text)
    else if (!codes.has(err.code)) fail(`receipt: unknown code ${err.code}`, text)
  }
}
