/**
 * The door's full path, text → verdict → entry rule, with nothing Node-specific: it runs in Node
 * (bench/verify-rules.ts) and, bundled by that bench, in Chromium (what the /verify page runs).
 * The ledger check is answered from the device's offline snapshot: no ledger source is given,
 * as on a device with no network, so core/verify falls back to `snapshotHasLeaf`.
 */
import { evaluate, openRuleSetText, type RuleSet } from '../src/core/rules/index.ts'
import { type LogSnapshot, openSnapshot, snapshotHasLeaf } from '../src/core/snapshot/index.ts'
import {
  createVerifyCache,
  credentialLeafHash,
  type OpenedTrustMaterial,
  openTrustMaterial,
  readScannedText,
  verifyCredential,
} from '../src/core/verify/index.ts'

export const RULE_SET = 'tested-or-vaccinated'

/**
 * Test first, so that a vaccinated card is judged by both rules (the test rule finds no
 * evidence, then the vaccination rule is met): the slower of the two orders.
 */
export const RULES_TEXT = JSON.stringify({
  format: 'vigil-rules/v1',
  ruleSets: [
    {
      name: RULE_SET,
      title: { en: 'Tested within 48 h or vaccinated', es: 'Test en 48 h o vacunado' },
      anyOf: [
        { kind: 'test', target: 'sars-cov-2', maxSampleAgeHours: 48, methods: ['antigen', 'naat'] },
        {
          kind: 'vaccination',
          family: 'covid-19',
          minDaysSinceLastDose: 14,
          mixedProducts: 'larger',
        },
      ],
    },
  ],
})

/** What the driver hands over: the same bytes a device keeps (trust material, snapshot). */
export interface DoorMaterial {
  readonly trustText: string
  readonly vkey: string
  /** encodeSnapshot bytes, base64 (one string crosses into the page cheaply). */
  readonly snapshotBase64: string
  readonly ruleSet: string
  readonly cards: readonly string[]
}

export interface Door {
  readonly material: OpenedTrustMaterial
  readonly snapshot: LogSnapshot
  readonly ruleSet: RuleSet
  /** One card: the verdict (which must be valid from the snapshot) and the rule's outcome. */
  check(text: string, now: number): Promise<boolean>
  /** The same without the rule: the verifier as measured before entry rules existed. */
  verifyOnly(text: string, now: number): Promise<void>
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Opens the material as the page does: trust material, snapshot and rule set all re-verified. */
export async function openDoor(m: DoorMaterial): Promise<Door> {
  const material = await openTrustMaterial(m.trustText, m.vkey)
  const snapshot = await openSnapshot(fromBase64(m.snapshotBase64), {
    policy: material.policyValue,
    origin: material.log.origin,
  })
  if (material.rules === undefined) throw new Error('the trust material carries no rule sets')
  const ruleSet = openRuleSetText(material.rules.text, material.rules.sha256).ruleSets.find(
    (s) => s.name === m.ruleSet,
  )
  if (ruleSet === undefined) throw new Error(`no rule set ${m.ruleSet}`)
  const cache = createVerifyCache()
  const options = (now: number) => ({
    trust: [material],
    now,
    maxAge: 86_400,
    snapshot: () => snapshot,
    cache,
  })
  const verifyOne = async (text: string, now: number) => {
    const verdict = await verifyCredential(text, options(now))
    const ledger = verdict.checks.find((c) => c.id === 'ledger')
    if (verdict.status !== 'valid' || ledger?.detail?.source !== 'snapshot') {
      throw new Error(`card is ${verdict.status} (${verdict.reason?.code}), ledger ${ledger?.code}`)
    }
    return verdict
  }
  return {
    material,
    snapshot,
    ruleSet,
    async check(text, now) {
      const verdict = await verifyOne(text, now)
      if (verdict.summary === undefined) throw new Error('a valid card without a summary')
      return evaluate(ruleSet, verdict.summary, now).meets
    },
    async verifyOnly(text, now) {
      await verifyOne(text, now)
    },
  }
}

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? Number.NaN
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits))

export interface LoopResult {
  cards: number
  ms: number
  perSec: number
  p50Ms: number
  p99Ms: number
}

/** Serial passes over the cards after one warm-up pass: cards/s and per-card latency. */
export async function doorLoop(
  cards: readonly string[],
  rounds: number,
  fn: (text: string, now: number) => Promise<unknown>,
): Promise<LoopResult> {
  const now = Math.floor(Date.now() / 1000)
  for (const c of cards) await fn(c, now)
  const times: number[] = []
  const t0 = performance.now()
  for (let r = 0; r < rounds; r++) {
    for (const c of cards) {
      const began = performance.now()
      await fn(c, now)
      times.push(performance.now() - began)
    }
  }
  const ms = performance.now() - t0
  times.sort((a, b) => a - b)
  return {
    cards: times.length,
    ms: round(ms, 1),
    perSec: Math.round((times.length * 1000) / ms),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
  }
}

/**
 * The steps the full path adds to a verdict, alone, `reps` times over the cards (µs per card):
 * the snapshot lookup (binary search over the prefixes) and the rule evaluation on the summary.
 */
export async function doorSteps(door: Door, cards: readonly string[], reps: number) {
  const now = Math.floor(Date.now() / 1000)
  const prepared = await Promise.all(
    cards.map(async (text) => {
      const jws = readScannedText(text).jws
      const verdict = await verifyCredential(text, {
        trust: [door.material],
        now,
        snapshot: () => door.snapshot,
      })
      const card = verdict.card
      if (card === undefined) throw new Error(`card is ${verdict.status}`)
      return { leaf: await credentialLeafHash(jws, card.kid, card.nbf), summary: verdict.summary }
    }),
  )
  // Repeated until each step has run for at least 50 ms: the page's clock is coarse (100 µs
  // without cross-origin isolation, High Resolution Time §7.1) and a lookup takes far less.
  const time = (fn: (c: (typeof prepared)[number]) => unknown) => {
    for (const c of prepared) fn(c)
    let calls = 0
    const t0 = performance.now()
    let elapsed = 0
    do {
      for (let r = 0; r < reps; r++) for (const c of prepared) fn(c)
      calls += reps * prepared.length
      elapsed = performance.now() - t0
    } while (elapsed < 50)
    return round((elapsed * 1000) / calls, 3)
  }
  return {
    snapshotLookupUs: time((c) => {
      if (!snapshotHasLeaf(door.snapshot, c.leaf)) throw new Error('not in the snapshot')
    }),
    ruleEvaluationUs: time((c) => {
      if (c.summary === undefined || !evaluate(door.ruleSet, c.summary, now).meets)
        throw new Error('rule not met')
    }),
  }
}
