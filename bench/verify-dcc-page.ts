/**
 * Browser entry of bench/verify-dcc-chromium.ts: the same core/verify verifyDcc the verifier
 * page bundles, on the page's main thread with the page's WebCrypto (ES256), over the bench's
 * certificates, trust list, revocation list and Austria's rules, one certificate at a time.
 */
import { type DccRuleSet, parseDccRule, parseDccValueSets } from '../src/core/certlogic/index.ts'
import { fromBase64 } from '../src/core/codec/index.ts'
import { type DccRevocationList, dccTrust } from '../src/core/dcc/index.ts'
import { type DccVerifyOptions, verifyDcc } from '../src/core/verify/index.ts'

export interface DccPageMaterial {
  readonly signers: readonly { kid: string; country: string; spki: string }[]
  readonly revoked: DccRevocationList
  readonly rules: readonly unknown[]
  readonly valueSets: unknown
  readonly texts: readonly string[]
  readonly now: number
}

let state:
  | { texts: readonly string[]; plain: DccVerifyOptions; rules: DccVerifyOptions }
  | undefined

/** Takes the material once (trust list, revocations, rules) and verifies every text once. */
async function setup(m: DccPageMaterial): Promise<void> {
  const trust = dccTrust(
    m.signers.map((s) => ({
      ...s,
      keyType: 'EC' as const,
      spki: fromBase64(s.spki),
      notBefore: undefined,
      notAfter: undefined,
      eku: undefined,
    })),
    m.now,
  )
  const set: DccRuleSet = {
    country: 'AT',
    rules: m.rules.map(parseDccRule),
    valueSets: parseDccValueSets(m.valueSets),
  }
  const plain = { trust, now: m.now, revoked: m.revoked }
  state = { texts: m.texts, plain, rules: { ...plain, rules: { set } } }
  for (const options of [state.plain, state.rules]) {
    for (const text of m.texts) {
      const v = await verifyDcc(text, options)
      if (v.status !== 'valid') throw new Error(`bench certificate: ${v.reason?.code}`)
    }
  }
}

/** Verifies the texts in turn for `seconds`, one at a time; wall times per verdict. */
async function run(seconds: number, withRules: boolean) {
  if (state === undefined) throw new Error('setup first')
  const { texts } = state
  const options = withRules ? state.rules : state.plain
  const times: number[] = []
  const started = performance.now()
  const end = started + seconds * 1000
  let i = 0
  while (performance.now() < end) {
    const t0 = performance.now()
    await verifyDcc(texts[i++ % texts.length] as string, options)
    times.push(performance.now() - t0)
  }
  const ms = performance.now() - started
  times.sort((a, b) => a - b)
  return { runs: times.length, ms, p50Ms: times[Math.floor(times.length / 2)] ?? Number.NaN }
}

;(globalThis as unknown as { vigilDccSetup: typeof setup; vigilDccRun: typeof run }).vigilDccSetup =
  setup
;(globalThis as unknown as { vigilDccRun: typeof run }).vigilDccRun = run
