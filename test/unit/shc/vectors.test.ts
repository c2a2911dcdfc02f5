/**
 * Every entry of test/vectors/shc/expected.json (148) against Vigil's SHC verifier, with
 * the outcome table in verdicts.ts. Time: an entry's `evaluate_at` (its leading NumericDate, or
 * NOW pinned at 2026-11-01 for "now"); entries without one are spec examples and IG scenarios,
 * judged at SPEC_AT (2024-06-01), inside all their validity windows. Issuers resolve through the
 * `issuers/` mirror (or a `derived/` root), never the network. `jwspayload` entries are signed
 * minified with a fresh key that the trust binds to their `iss`.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type Es256Verify,
  ShcError,
  type ShcTrust,
  type ShcWarning,
  signShcPayload,
  type VerifiedShc,
  validateIssuerKeySet,
  verifyShc,
  verifyShcFile,
} from '../../../src/core/shc/index.ts'
import { nodeEs256 } from '../../../src/platform/node-crypto/es256.ts'
import { readVectorJson, readVectorText } from '../../helpers/vectors.ts'
import { createFreshIssuer, mirrorTrust, NOW, SPEC_AT } from './fixtures.ts'
import { VERDICTS } from './verdicts.ts'

interface Entry {
  readonly files: readonly string[]
  readonly kind: string
  readonly source: readonly string[]
  readonly iss?: string
  readonly issuer_jwks?: string
  readonly verdict: string
  readonly evaluate_at?: string
}

interface Observed {
  outcome: string
  code?: string
  field?: string | undefined
  warnings?: string[]
  cards?: string[]
}

const entries = readVectorJson<{ entries: Entry[] }>('shc/expected.json').entries
const base = (f: string) => f.slice(f.lastIndexOf('/') + 1)

function entryKey(e: Entry): string {
  const names = e.files.slice(0, 2).map(base).join(' + ')
  const more = e.files.length > 2 ? ` + ${e.files.length - 2} more` : ''
  const jwks = e.issuer_jwks ?? ''
  const root = jwks.startsWith('derived/')
    ? ` @ ${jwks.split('/')[1]}`
    : jwks.startsWith('jwks-vectors/')
      ? ' @ foreign key set'
      : ''
  return `${e.kind}: ${names}${more}${root}`
}

function evaluationTime(e: Entry): number {
  if (e.evaluate_at === undefined) return SPEC_AT
  if (e.evaluate_at.startsWith('now')) return NOW
  const match = /^(\d{9,})/.exec(e.evaluate_at)
  if (match === null) throw new Error(`unreadable evaluate_at ${e.evaluate_at}`)
  return Number(match[1])
}

/** The ES256 implementation under test: every vector runs with WebCrypto and with node:crypto. */
let es256: Es256Verify | undefined

function trustFor(e: Entry): ShcTrust {
  const jwks = e.issuer_jwks ?? ''
  const trust = jwks.startsWith('derived/')
    ? mirrorTrust(`shc/${jwks.split('/').slice(0, 2).join('/')}/`)
    : mirrorTrust()
  return { ...trust, es256 }
}

const warningCodes = (ws: readonly ShcWarning[]) => [...new Set(ws.map((w) => w.code))].sort()

function accepted(cards: readonly VerifiedShc[], extra: readonly ShcWarning[] = []): Observed {
  const warnings = warningCodes([...extra, ...cards.flatMap((c) => c.warnings)])
  return { outcome: warnings.length === 0 ? 'accept' : 'accept-with-warnings', warnings }
}

function rejected(error: unknown): Observed {
  if (!(error instanceof ShcError)) throw error
  const outcome = error.code === 'SHC_CRL_INVALID' ? 'crl-invalid' : 'reject'
  return { outcome, code: error.code, field: error.field }
}

async function observeFile(e: Entry, at: number): Promise<Observed> {
  const file = e.files[0] as string
  const { results, warnings } = await verifyShcFile(
    readVectorText(`shc/${file}`),
    trustFor(e),
    at,
    base(file),
  )
  if (results.every((r) => r.ok))
    return accepted(
      results.map((r) => r.card),
      warnings,
    )
  if (results.length === 1 && results[0]?.ok === false) return rejected(results[0].error)
  return { outcome: 'partial', cards: results.map((r) => (r.ok ? 'accept' : r.error.code)) }
}

async function observeCard(e: Entry, at: number): Promise<Observed> {
  const texts = e.files.map((f) => readVectorText(`shc/${f}`))
  const [text = ''] = texts
  const trust = trustFor(e)
  if (e.kind === 'jwkset') {
    await validateIssuerKeySet(text)
    return { outcome: 'keyset-valid' }
  }
  if (e.kind === 'healthcard-file') return observeFile(e, at)
  if (e.kind.startsWith('qr-numeric')) {
    return accepted([await verifyShc({ qr: texts.length === 1 ? text : texts }, trust, at)])
  }
  if (e.kind === 'jwspayload') {
    const issuer = await createFreshIssuer(e.iss)
    const jws = await signShcPayload(JSON.parse(text), issuer.keyPair)
    return accepted([await verifyShc({ jws }, { ...issuer.trust, es256 }, at)])
  }
  if (e.kind.startsWith('fhir-$health-cards-issue')) {
    const { parameter } = JSON.parse(text) as {
      parameter: { name: string; valueString?: string }[]
    }
    const jws = parameter.filter((p) => p.name === 'verifiableCredential')
    expect(jws.length).toBeGreaterThan(0)
    return accepted(await Promise.all(jws.map((p) => verifyShc({ jws: p.valueString }, trust, at))))
  }
  return accepted([await verifyShc({ jws: text }, trust, at)])
}

async function observe(e: Entry, at: number): Promise<Observed> {
  try {
    return await observeCard(e, at)
  } catch (error) {
    if (e.kind === 'jwkset' && error instanceof ShcError && error.code === 'SHC_KEYSET_INVALID') {
      return { outcome: 'keyset-invalid', field: error.field }
    }
    return rejected(error)
  }
}

const NORMALISED = new Set([
  'accept',
  'accept-with-warnings',
  'reject',
  'crl-invalid',
  'partial',
  'keyset-valid',
  'keyset-invalid',
])

const rows = entries.map((entry) => {
  const key = entryKey(entry)
  const source = entry.source[0]?.replace(/@[0-9a-f]{40}:/, ':') ?? ''
  return { key, entry, verdict: VERDICTS[key], title: `${key} [${source}]` }
})

describe('expected.json coverage', () => {
  it('every entry has exactly one verdict row and every row an entry', () => {
    expect(new Set(rows.map((r) => r.key)).size).toBe(entries.length)
    expect(rows.filter((r) => r.verdict === undefined).map((r) => r.key)).toEqual([])
    const keys = new Set(rows.map((r) => r.key))
    expect(Object.keys(VERDICTS).filter((k) => !keys.has(k))).toEqual([])
  })

  it('a normalised verdict is never overridden, only conformance-* ones are interpreted', () => {
    const overridden = rows.filter(
      (r) =>
        NORMALISED.has(r.entry.verdict) &&
        r.verdict !== undefined &&
        r.verdict.outcome !== 'n/a' &&
        r.verdict.outcome !== r.entry.verdict,
    )
    expect(overridden.map((r) => r.key)).toEqual([])
  })
})

describe.each([
  ['WebCrypto', undefined],
  ['node:crypto', nodeEs256],
] as const)('SHC vectors (expected.json), ES256 via %s', (_name, impl) => {
  beforeAll(() => {
    es256 = impl
  })
  const applicable = rows.filter((r) => r.verdict !== undefined && r.verdict.outcome !== 'n/a')

  it.each(applicable)('$title', async ({ entry, verdict }) => {
    const observed = await observe(entry, evaluationTime(entry))
    switch (verdict?.outcome) {
      case 'accept':
        expect(observed).toEqual({ outcome: 'accept', warnings: [] })
        break
      case 'accept-with-warnings':
        expect(observed).toEqual({
          outcome: verdict.outcome,
          warnings: [...verdict.warnings].sort(),
        })
        break
      case 'reject':
      case 'crl-invalid':
        expect(observed).toMatchObject({ outcome: verdict.outcome, code: verdict.code })
        if (verdict.field !== undefined) expect(observed.field).toBe(verdict.field)
        break
      case 'partial':
        expect(observed).toEqual({ outcome: 'partial', cards: verdict.cards })
        break
      case 'keyset-valid':
        expect(observed).toEqual({ outcome: 'keyset-valid' })
        break
      case 'keyset-invalid':
        expect(observed).toEqual({ outcome: 'keyset-invalid', field: verdict.field })
        break
      default:
        throw new Error('unreachable')
    }
  })

  it('entries judged not applicable are only unsigned bundles, QR images and PKI / key-store cases', () => {
    const na = rows.filter((r) => r.verdict?.outcome === 'n/a').map((r) => r.entry.kind)
    expect([...new Set(na)].sort()).toEqual([
      'fhirbundle',
      'jwkset',
      'jws',
      'qr-image',
      'qr-image chunk set',
      'qr-image-svg',
      'qr-image-svg (3 chunks)',
    ])
    expect(na.length).toBe(35)
  })
})
