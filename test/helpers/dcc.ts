/**
 * Test DCCs signed here, with keys made here: the trust input is plain data (a DccSigner per
 * key), so a test can give a signer any kid, validity or key usage without an X.509 encoder.
 * Each builder step can be corrupted on its own (COSE tagging, headers, signature, zlib,
 * Base45), so that every negative case changes one thing.
 */
import { encode } from 'cborg'
import { zlibSync } from 'fflate'
import { concatBytes, toBase64 } from '../../src/core/codec/index.ts'
import { encodeStringArray } from '../../src/core/dcc/cbor.ts'
import { ALG_ES256, ALG_PS256, base45Encode, type DccSigner } from '../../src/core/dcc/index.ts'

/** 2026-11-24T12:00:00Z, as in the core/verify fixtures. */
export const NOW = 1_795_521_600
export const DAY = 86_400

export const OID_TEST = '1.3.6.1.4.1.1847.2021.1.1'
export const OID_VACCINATION = '1.3.6.1.4.1.1847.2021.1.2'

export interface TestKey {
  readonly keyType: 'EC' | 'RSA'
  readonly privateKey: CryptoKey
  readonly signer: DccSigner
}

export async function createKey(
  keyType: 'EC' | 'RSA' = 'EC',
  signer: Partial<DccSigner> = {},
): Promise<TestKey> {
  const pair = (await crypto.subtle.generateKey(
    keyType === 'EC'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : {
          name: 'RSA-PSS',
          modulusLength: 2048,
          publicExponent: Uint8Array.of(1, 0, 1),
          hash: 'SHA-256',
        },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))
  const kidBytes = new Uint8Array(await crypto.subtle.digest('SHA-256', spki)).subarray(0, 8)
  return {
    keyType,
    privateKey: pair.privateKey,
    signer: {
      kid: toBase64(kidBytes),
      country: 'AT',
      keyType,
      spki,
      notBefore: NOW - 365 * DAY,
      notAfter: NOW + 365 * DAY,
      eku: undefined,
      ...signer,
    },
  }
}

export const VACCINATION = {
  ver: '1.3.0',
  nam: { fn: 'Musterfrau-Gößinger', fnt: 'MUSTERFRAU<GOESSINGER', gn: 'Gabriele', gnt: 'GABRIELE' },
  dob: '1998-02-26',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2021-02-18',
      co: 'AT',
      is: 'Ministry of Health, Austria',
      ci: 'URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B',
    },
  ],
}

export const TEST_RESULT = {
  ver: '1.3.0',
  nam: { fn: 'Musterfrau', fnt: 'MUSTERFRAU', gn: 'Gabriele', gnt: 'GABRIELE' },
  dob: '1998-02',
  t: [
    {
      tg: '840539006',
      tt: 'LP217198-3',
      ma: '1232',
      sc: '2026-11-24T08:00:00Z',
      tr: '260415000',
      tc: 'Testzentrum Wien',
      co: 'AT',
      is: 'Ministry of Health, Austria',
      ci: 'URN:UVCI:01:AT:71EE2559DE38C6BF7304FB65A1A451EC#3',
    },
  ],
}

export interface DccOptions {
  readonly dcc?: unknown
  readonly iss?: string
  readonly iat?: number
  readonly exp?: number
  /** The whole claims map (replaces iss/iat/exp/dcc). */
  readonly claims?: Map<number, unknown>
  /** Header `alg` (default: the key's); `null` leaves it out. */
  readonly alg?: number | null
  /** Header kid bytes (default: the signer's). */
  readonly kid?: Uint8Array
  /** Where kid and alg go. */
  readonly headers?: 'protected' | 'unprotected'
  readonly tagging?: 'cose' | 'cwt' | 'none'
  /** Changes the signature bytes after signing. */
  readonly corrupt?: (signature: Uint8Array) => Uint8Array
}

export function claimsOf(o: DccOptions = {}): Map<number, unknown> {
  return (
    o.claims ??
    new Map<number, unknown>([
      [1, o.iss ?? 'AT'],
      [6, o.iat ?? NOW - DAY],
      [4, o.exp ?? NOW + 180 * DAY],
      [-260, new Map([[1, o.dcc ?? VACCINATION]])],
    ])
  )
}

/** A COSE_Sign1 (RFC 9052 §4.2) over the claims, signed with the key. */
export async function signCose(key: TestKey, o: DccOptions = {}): Promise<Uint8Array> {
  const alg = o.alg === undefined ? (key.keyType === 'EC' ? ALG_ES256 : ALG_PS256) : o.alg
  const header = new Map<number, unknown>()
  if (alg !== null) header.set(1, alg)
  header.set(4, o.kid ?? Uint8Array.from(atob(key.signer.kid), (c) => c.charCodeAt(0)))
  const inProtected = (o.headers ?? 'protected') === 'protected'
  const protectedBytes = inProtected ? encode(header) : new Uint8Array(0)
  const unprotected = inProtected ? new Map() : header
  const payload = encode(claimsOf(o))
  const toSign = encodeStringArray(['Signature1', protectedBytes, new Uint8Array(0), payload])
  const params =
    key.keyType === 'EC' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSA-PSS', saltLength: 32 }
  let signature: Uint8Array = new Uint8Array(
    await crypto.subtle.sign(params, key.privateKey, toSign as Uint8Array<ArrayBuffer>),
  )
  if (o.corrupt) signature = o.corrupt(signature)
  const body = encode([protectedBytes, unprotected, payload, signature])
  const tagging = o.tagging ?? 'cose'
  // RFC 8949 §3.4: tag 18 is 0xd2; tag 61 is 0xd8 0x3d.
  if (tagging === 'none') return body
  if (tagging === 'cose') return concatBytes(Uint8Array.of(0xd2), body)
  return concatBytes(Uint8Array.of(0xd8, 0x3d, 0xd2), body)
}

/** COSE bytes → HC1 text (zlib, Base45, prefix), as an issuer makes it. */
export function hc1Of(cose: Uint8Array): string {
  return `HC1:${base45Encode(zlibSync(cose, { level: 9 }))}`
}

export async function signHc1(key: TestKey, o: DccOptions = {}): Promise<string> {
  return hc1Of(await signCose(key, o))
}

export function flipByte(bytes: Uint8Array, at = 0): Uint8Array {
  const out = bytes.slice()
  out[at] = (out[at] as number) ^ 0x01
  return out
}
