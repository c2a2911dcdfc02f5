/**
 * Crafted inputs for the venue verifier: one per suspected slow path (oversized or expanding
 * payloads, deep or wide JSON, huge segments, many QR chunks, long strings), each small enough to
 * fit where a real card goes, each expected to be rejected with one code. bench/reject.ts times
 * them against ordinary rejections; the verifier fuzz runs them too.
 */
import { deflateSync } from 'fflate'
import { toBase64Url } from '../../src/core/codec/base64.ts'
import { utf8 } from '../../src/core/codec/bytes.ts'
import { encodeShcQr } from '../../src/core/shc/index.ts'

export interface CraftedInput {
  readonly name: string
  /** What the venue pastes or scans. */
  readonly text: string
  /** The code of the failed check the verdict must name. */
  readonly code: string
}

const KID = 'A'.repeat(43)
const HEADER = toBase64Url(utf8(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid: KID })))
const SIGNATURE = toBase64Url(new Uint8Array(64).fill(7))

/** A compact JWS whose payload is `json` deflated (level 9), with a well-formed header. */
export function jwsOf(json: string, header = HEADER): string {
  const deflated = deflateSync(utf8(json), { level: 9 })
  return `${header}.${toBase64Url(deflated)}.${SIGNATURE}`
}

/** The claims of a card around `bundle` (JSON text), with an https issuer. */
function claims(bundle: string, iss = 'https://issuer.vigil.test'): string {
  return (
    `{"iss":${JSON.stringify(iss)},"nbf":1795514400,"vc":{"type":` +
    `["https://smarthealth.cards#health-card"],"credentialSubject":{"fhirVersion":"4.0.1",` +
    `"fhirBundle":${bundle}}}}`
  )
}

/** A bundle whose one resource carries `extra` (JSON members, without braces). */
function bundleWith(extra: string): string {
  return (
    '{"resourceType":"Bundle","type":"collection","entry":[{"resource":' +
    `{"resourceType":"Patient",${extra}}}]}`
  )
}

/** Inputs of about a QR's size (≤ 1.5 KB of JWS unless the name says otherwise). */
export function craftedInputs(): CraftedInput[] {
  const list: CraftedInput[] = []
  const add = (name: string, text: string, code: string) => list.push({ name, text, code })

  // DEFLATE bombs: ~1 KB of payload that inflates to ~1 MiB before the signature is looked at.
  const items = Array.from({ length: 170_000 }, () => '1').join(',')
  add('bomb-wide-array', jwsOf(claims(bundleWith(`"a":[${items}]`))), 'SHC_INFLATE_LIMIT')
  const objects = Array.from({ length: 60_000 }, () => '{"a":1}').join(',')
  add('bomb-many-objects', jwsOf(claims(bundleWith(`"a":[${objects}]`))), 'SHC_INFLATE_LIMIT')
  const entries = Array.from({ length: 25_000 }, () => '{"resource":{"resourceType":"P"}}')
  add(
    'bomb-many-entries',
    jwsOf(claims(`{"resourceType":"Bundle","type":"collection","entry":[${entries.join(',')}]}`)),
    'SHC_INFLATE_LIMIT',
  )
  add(
    'bomb-long-string',
    jwsOf(claims(bundleWith(`"a":"${'x'.repeat(1_000_000)}"`))),
    'SHC_INFLATE_LIMIT',
  )
  add('bomb-whitespace', jwsOf(`${' '.repeat(1_000_000)}{}`), 'SHC_INFLATE_LIMIT')
  // Deep nesting: past the walk's depth bound, and far past it.
  add(
    'deep-nesting-1k',
    jwsOf(claims(bundleWith(`"a":${'['.repeat(1000)}1${']'.repeat(1000)}`))),
    'SHC_BUNDLE',
  )
  add(
    'deep-nesting-200k',
    jwsOf(claims(bundleWith(`"a":${'['.repeat(200_000)}1${']'.repeat(200_000)}`))),
    'SHC_INFLATE_LIMIT',
  )
  // A payload that inflates to exactly what a bomb would but is not JSON.
  add('bomb-not-json', jwsOf('x'.repeat(1_000_000)), 'SHC_INFLATE_LIMIT')
  // Long strings where short ones belong.
  add(
    'long-iss',
    jwsOf(claims(bundleWith('"a":1'), `https://${'a'.repeat(100_000)}.test`)),
    'SHC_INFLATE_LIMIT',
  )
  const longKid = toBase64Url(
    utf8(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid: 'k'.repeat(40_000) })),
  )
  add('long-kid', jwsOf(claims(bundleWith('"a":1')), longKid), 'SHC_HEADER_KID')
  // Huge segments (files may carry a JWS up to 64 KiB; QR text up to 7089 digits).
  const random = new Uint8Array(48_000)
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24
  add('huge-payload-segment', `${HEADER}.${toBase64Url(random)}.${SIGNATURE}`, 'SHC_INFLATE')
  add('over-long-jws', `${HEADER}.${'A'.repeat(70_000)}.${SIGNATURE}`, 'SHC_TOO_LARGE')
  add('qr-max-digits', `shc:/${'56'.repeat(3544)}`, 'SHC_JWS_FORMAT')
  add('qr-over-long', `shc:/${'56'.repeat(100_000)}`, 'SHC_TOO_LARGE')
  // A legacy chunk set: 32 chunks of 7089 digits, 113 K JWS characters in all.
  const chunks = Array.from({ length: 32 }, (_, i) => `shc:/${i + 1}/32/${'56'.repeat(3544)}`)
  add('qr-32-chunks', chunks.join('\n'), 'SHC_TOO_LARGE')
  add('qr-many-lines', Array.from({ length: 50_000 }, () => 'shc:/56').join('\n'), 'SHC_TOO_LARGE')
  // Regex food: long runs the input patterns must scan once, not backtrack over.
  add('dots-run', `${'a.'.repeat(30_000)}a`, 'VERIFY_INPUT_UNRECOGNISED')
  add('almost-jws', `${'a'.repeat(60_000)}.${'a'.repeat(60_000)}.!`, 'VERIFY_INPUT_UNRECOGNISED')
  // A file holding the largest JSON a file may be, then nothing useful.
  add(
    'file-huge',
    `{"verifiableCredential":["${'a'.repeat(60_000)}.a.a"],"x":[${'1,'.repeat(500_000)}1]}`,
    'SHC_TOO_LARGE',
  )
  add('qr-of-bomb', encodeShcQr(jwsOf(claims(bundleWith(`"a":[${items}]`)))), 'SHC_INFLATE_LIMIT')
  return list
}
