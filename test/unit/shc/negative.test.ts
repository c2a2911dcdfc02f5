/**
 * One corruption at a time against a valid card from a fresh ES256 issuer: each must be rejected
 * with one specific ShcError code (or, where the spec says so, accepted with a warning).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../../../src/core/codec/base64.ts'
import { concatBytes, utf8 } from '../../../src/core/codec/bytes.ts'
import {
  deflateRaw,
  encodeQrDigits,
  type ShcErrorCode,
  type ShcTrust,
  signShcPayload,
  verifyShc,
} from '../../../src/core/shc/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import {
  createFreshIssuer,
  expectShcCode,
  type FreshIssuer,
  SPEC_ISS,
  signRawJws,
} from './fixtures.ts'

// biome-ignore lint/suspicious/noExplicitAny: tests mutate parsed vector JSON freely
type Json = Record<string, any>

const NBF = 1_717_000_000
const AT = NBF + 3600
let issuer: FreshIssuer
let good: string

function payload(): Json {
  const p = readVectorJson<Json>('shc/spec-examples/example-00-b-jws-payload-expanded.json')
  return { ...p, nbf: NBF }
}

const sign = (p: unknown) => signShcPayload(p as Json, issuer.keyPair)
const header = (h: Json) => toBase64Url(utf8(JSON.stringify(h)))

function withParts(jws: string, change: (parts: string[]) => string[]): string {
  return change(jws.split('.')).join('.')
}

/** ASN.1 DER form of a raw r‖s signature (what non-JOSE ECDSA APIs emit). */
function toDer(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    const v = (b[i] as number) & 0x80 ? concatBytes(Uint8Array.of(0), b.subarray(i)) : b.subarray(i)
    return concatBytes(Uint8Array.of(0x02, v.length), v)
  }
  const body = concatBytes(int(raw.subarray(0, 32)), int(raw.subarray(32)))
  return concatBytes(Uint8Array.of(0x30, body.length), body)
}

beforeAll(async () => {
  issuer = await createFreshIssuer()
  good = await sign(payload())
})

const verify = (jws: string, trust: ShcTrust = issuer.trust, at = AT) =>
  verifyShc({ jws }, trust, at)

describe('baseline', () => {
  it('the uncorrupted card verifies without warnings', async () => {
    expect((await verify(good)).warnings).toEqual([])
  })
})

describe('JWS structure and header', () => {
  it('a flipped signature byte → SHC_SIGNATURE_INVALID', async () => {
    const sig = fromBase64Url(good.split('.')[2] as string)
    sig[10] = (sig[10] as number) ^ 1
    const jws = withParts(good, ([h, p]) => [h ?? '', p ?? '', toBase64Url(sig)])
    await expectShcCode(verify(jws), 'SHC_SIGNATURE_INVALID', 'signature')
  })

  it('a DER signature (70-72 bytes) → SHC_SIGNATURE_DER', async () => {
    const der = toDer(fromBase64Url(good.split('.')[2] as string))
    expect(der.length).toBeGreaterThanOrEqual(70)
    const jws = withParts(good, ([h, p]) => [h ?? '', p ?? '', toBase64Url(der)])
    await expectShcCode(verify(jws), 'SHC_SIGNATURE_DER', 'signature')
  })

  it('a 63-byte signature → SHC_SIGNATURE_INVALID', async () => {
    const sig = fromBase64Url(good.split('.')[2] as string).subarray(0, 63)
    const jws = withParts(good, ([h, p]) => [h ?? '', p ?? '', toBase64Url(sig)])
    await expectShcCode(verify(jws), 'SHC_SIGNATURE_INVALID')
  })

  const kid = () => issuer.kid
  it.each([
    [
      'kid of another key',
      () => ({ zip: 'DEF', alg: 'ES256', kid: 'A'.repeat(43) }),
      'SHC_KEY_NOT_FOUND',
    ],
    ['no kid', () => ({ zip: 'DEF', alg: 'ES256' }), 'SHC_HEADER_KID'],
    ['kid not a thumbprint', () => ({ zip: 'DEF', alg: 'ES256', kid: 'key-1' }), 'SHC_HEADER_KID'],
    ['alg ES384', () => ({ zip: 'DEF', alg: 'ES384', kid: kid() }), 'SHC_HEADER_ALG'],
    ['alg none', () => ({ zip: 'DEF', alg: 'none', kid: kid() }), 'SHC_HEADER_ALG'],
    ['zip GZIP', () => ({ zip: 'GZIP', alg: 'ES256', kid: kid() }), 'SHC_HEADER_ZIP'],
    ['crit', () => ({ zip: 'DEF', alg: 'ES256', kid: kid(), crit: ['zip'] }), 'SHC_JWS_FORMAT'],
  ] as const)('header with %s → %s', async (_, make, code: ShcErrorCode) => {
    const jws = withParts(good, ([, p, s]) => [header(make()), p ?? '', s ?? ''])
    await expectShcCode(verify(jws), code)
  })

  it.each([
    ['two parts', (j: string) => j.split('.').slice(0, 2).join('.')],
    ['four parts', (j: string) => `${j}.AA`],
    ['an empty payload part', (j: string) => withParts(j, ([h, , s]) => [h ?? '', '', s ?? ''])],
    ['a base64 "+" character', (j: string) => `${j.slice(0, 20)}+${j.slice(21)}`],
    [
      'a header that is not JSON',
      (j: string) => withParts(j, ([, p, s]) => ['e30x', p ?? '', s ?? '']),
    ],
  ])('%s → SHC_JWS_FORMAT', async (_, corrupt) => {
    await expectShcCode(verify(corrupt(good)), 'SHC_JWS_FORMAT')
  })

  it('a JWS beyond 64 KiB → SHC_TOO_LARGE', async () => {
    await expectShcCode(verify(`${good}${'A'.repeat(70_000)}`), 'SHC_TOO_LARGE', 'jws')
  })
})

describe('QR text', () => {
  it('a digit pair 78 → SHC_QR_DIGIT_PAIR; an odd digit count → SHC_QR_ODD_DIGITS', async () => {
    const digits = encodeQrDigits(good)
    const trust = issuer.trust
    await expectShcCode(
      verifyShc({ qr: `shc:/78${digits.slice(2)}` }, trust, AT),
      'SHC_QR_DIGIT_PAIR',
    )
    await expectShcCode(verifyShc({ qr: `shc:/${digits}1` }, trust, AT), 'SHC_QR_ODD_DIGITS')
  })
})

describe('compression and payload bytes', () => {
  const raw = async (bytes: Uint8Array) =>
    signRawJws({ zip: 'DEF', alg: 'ES256', kid: issuer.kid }, bytes, issuer.keyPair.privateKey)
  const json = () => utf8(JSON.stringify(payload()))

  it('a payload that is not deflated → SHC_INFLATE', async () => {
    await expectShcCode(verify(await raw(json())), 'SHC_INFLATE', 'payload')
  })

  it('a zlib-wrapped (not raw) DEFLATE payload → SHC_INFLATE', async () => {
    const zlib = new Uint8Array(
      await new Response(
        new Blob([json() as Uint8Array<ArrayBuffer>])
          .stream()
          .pipeThrough(new CompressionStream('deflate')),
      ).arrayBuffer(),
    )
    expect(zlib[0]).toBe(0x78)
    await expectShcCode(verify(await raw(zlib)), 'SHC_INFLATE', 'payload')
  })

  it('an inflate bomb (2 MiB from a few KiB) → SHC_INFLATE_LIMIT', async () => {
    const bomb = await deflateRaw(new Uint8Array(2 * 1024 * 1024).fill(0x20))
    expect(bomb.length).toBeLessThan(10_000)
    await expectShcCode(verify(await raw(bomb)), 'SHC_INFLATE_LIMIT', 'payload')
  })

  it.each([
    ['a UTF-8 BOM', concatBytes(Uint8Array.of(0xef, 0xbb, 0xbf), utf8('{}'))],
    ['double-stringified JSON', utf8(JSON.stringify(JSON.stringify({ a: 1 })))],
    ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d)],
    ['a JSON array', utf8('[]')],
  ])('%s → SHC_PAYLOAD_JSON', async (_, bytes) => {
    await expectShcCode(verify(await raw(await deflateRaw(bytes))), 'SHC_PAYLOAD_JSON', 'payload')
  })

  it('a non-minified payload verifies with SHC_PAYLOAD_NOT_MINIFIED', async () => {
    const pretty = utf8(JSON.stringify(payload(), null, 2))
    const card = await verify(await raw(await deflateRaw(pretty)))
    expect(card.warnings.map((w) => w.code)).toEqual(['SHC_PAYLOAD_NOT_MINIFIED'])
  })
})

describe('claims', () => {
  const cases: [string, (p: Json) => void, ShcErrorCode, string][] = [
    [
      'iss with a trailing slash',
      (p) => {
        p.iss = `${SPEC_ISS}/`
      },
      'SHC_ISSUER_URL',
      'iss',
    ],
    [
      'iss over http',
      (p) => {
        p.iss = SPEC_ISS.replace('https', 'http')
      },
      'SHC_ISSUER_URL',
      'iss',
    ],
    [
      'iss with a query',
      (p) => {
        p.iss = `${SPEC_ISS}?a=1`
      },
      'SHC_ISSUER_URL',
      'iss',
    ],
    [
      'no iss',
      (p) => {
        delete p.iss
      },
      'SHC_ISSUER_URL',
      'iss',
    ],
    [
      'nbf beyond the clock skew',
      (p) => {
        p.nbf = AT + 301
      },
      'SHC_NBF_FUTURE',
      'nbf',
    ],
    [
      'nbf in milliseconds',
      (p) => {
        p.nbf = NBF * 1000
      },
      'SHC_NBF_FUTURE',
      'nbf',
    ],
    [
      'no nbf',
      (p) => {
        delete p.nbf
      },
      'SHC_NBF_INVALID',
      'nbf',
    ],
    [
      'nbf as a string',
      (p) => {
        p.nbf = String(NBF)
      },
      'SHC_NBF_INVALID',
      'nbf',
    ],
    [
      'exp in the past',
      (p) => {
        p.exp = AT - 1
      },
      'SHC_EXPIRED',
      'exp',
    ],
    [
      'exp in milliseconds',
      (p) => {
        p.exp = AT * 1000
      },
      'SHC_EXP_INVALID',
      'exp',
    ],
    [
      'exp not after nbf',
      (p) => {
        p.exp = NBF
      },
      'SHC_EXP_INVALID',
      'exp',
    ],
    [
      'no vc',
      (p) => {
        delete p.vc
      },
      'SHC_VC_FORMAT',
      'vc',
    ],
    [
      'wrong vc.type',
      (p) => {
        p.vc.type = ['https://smarthealth.cards#wrong-health-card']
      },
      'SHC_VC_TYPE',
      'vc.type',
    ],
    [
      'vc.type as a string',
      (p) => {
        p.vc.type = p.vc.type[0]
      },
      'SHC_VC_TYPE',
      'vc.type',
    ],
    [
      'no credentialSubject',
      (p) => {
        delete p.vc.credentialSubject
      },
      'SHC_VC_FORMAT',
      'vc.credentialSubject',
    ],
    [
      'fhirVersion 4.0.0',
      (p) => {
        p.vc.credentialSubject.fhirVersion = '4.0.0'
      },
      'SHC_FHIR_VERSION',
      'vc.credentialSubject.fhirVersion',
    ],
    [
      'a rid of 25 characters',
      (p) => {
        p.vc.rid = 'a'.repeat(25)
      },
      'SHC_VC_FORMAT',
      'vc.rid',
    ],
    [
      'a rid with "="',
      (p) => {
        p.vc.rid = 'abc='
      },
      'SHC_VC_FORMAT',
      'vc.rid',
    ],
    [
      'a Patient instead of a Bundle',
      (p) => {
        p.vc.credentialSubject.fhirBundle = { resourceType: 'Patient' }
      },
      'SHC_BUNDLE',
      'fhirBundle',
    ],
    [
      'Bundle.type foo',
      (p) => {
        p.vc.credentialSubject.fhirBundle.type = 'foo'
      },
      'SHC_BUNDLE',
      'fhirBundle.type',
    ],
    [
      'no entries',
      (p) => {
        p.vc.credentialSubject.fhirBundle.entry = []
      },
      'SHC_BUNDLE',
      'fhirBundle.entry',
    ],
    [
      'an empty lotNumber',
      (p) => {
        p.vc.credentialSubject.fhirBundle.entry[1].resource.lotNumber = ''
      },
      'SHC_BUNDLE',
      'fhirBundle.entry[1].resource.lotNumber',
    ],
  ]

  it.each(cases)('%s → %s', async (_, mutate, code, field) => {
    const p = payload()
    mutate(p)
    await expectShcCode(verify(await sign(p)), code, field)
  })

  it('nbf within the clock skew and exp exactly now are accepted', async () => {
    await expect(verify(await sign({ ...payload(), nbf: AT + 299 }))).resolves.toBeDefined()
    await expect(verify(await sign({ ...payload(), exp: AT }))).resolves.toBeDefined()
  })

  it('a deeply nested bundle → SHC_BUNDLE, not a stack overflow', async () => {
    const p = payload()
    let deep: Json = { leaf: 'x' }
    for (let i = 0; i < 200; i++) deep = { a: deep }
    p.vc.credentialSubject.fhirBundle.entry[0].resource.extension = [deep]
    await expectShcCode(verify(await sign(p)), 'SHC_BUNDLE')
  })
})

describe('issuer keys', () => {
  const trustWith = (keys: unknown): ShcTrust => ({ resolveIssuerKeys: async () => keys })

  it('a failing resolver → SHC_KEYS_UNAVAILABLE; no key set → SHC_ISSUER_UNKNOWN', async () => {
    const failing: ShcTrust = { resolveIssuerKeys: async () => Promise.reject(new Error('down')) }
    await expectShcCode(verify(good, failing), 'SHC_KEYS_UNAVAILABLE')
    await expectShcCode(verify(good, trustWith(undefined)), 'SHC_ISSUER_UNKNOWN', 'iss')
  })

  it('unrelated keys (RSA, enc) beside the signing key are ignored', async () => {
    const rsa = { kty: 'RSA', kid: 'rsa-1', n: 'AQAB', e: 'AQAB' }
    const enc = { ...issuer.jwks.keys[0], kid: 'enc-1', use: 'enc' }
    await expect(
      verify(good, trustWith({ keys: [rsa, enc, ...issuer.jwks.keys] })),
    ).resolves.toBeDefined()
  })

  it.each([
    ['a private d', { d: 'AAAA' }, 'keys[0].d'],
    ['use enc', { use: 'enc' }, 'keys[0].use'],
    ['alg ES384', { alg: 'ES384' }, 'keys[0].alg'],
    ['crlVersion 0', { crlVersion: 0 }, 'keys[0].crlVersion'],
    ['x5c in base64url', { x5c: ['MIIB-_'] }, 'keys[0].x5c'],
  ])('the selected key with %s → SHC_KEYSET_INVALID', async (_, change, field) => {
    const keys = [{ ...issuer.jwks.keys[0], ...change }]
    await expectShcCode(verify(good, trustWith({ keys })), 'SHC_KEYSET_INVALID', field)
  })

  it('a key listed under a kid that is not its thumbprint → SHC_KEYSET_INVALID', async () => {
    const fake = 'B'.repeat(43)
    const jws = await signRawJws(
      { zip: 'DEF', alg: 'ES256', kid: fake },
      await deflateRaw(utf8(JSON.stringify(payload()))),
      issuer.keyPair.privateKey,
    )
    const keys = [{ ...issuer.jwks.keys[0], kid: fake }]
    await expectShcCode(verify(jws, trustWith({ keys })), 'SHC_KEYSET_INVALID', 'keys[0].kid')
  })

  it.each([
    ['keys not a list', { keys: {} }],
    ['not JSON text', 'This is not a valid JSON Web Key Set!'],
    ['a kid listed twice', () => ({ keys: [...issuer.jwks.keys, ...issuer.jwks.keys] })],
  ])('a key set with %s → SHC_KEYSET_INVALID', async (_, set) => {
    const keys = typeof set === 'function' ? set() : set
    await expectShcCode(verify(good, trustWith(keys)), 'SHC_KEYSET_INVALID', 'keys')
  })
})

describe('verifier input', () => {
  it('needs exactly one of qr and jws, and a valid now', async () => {
    await expectShcCode(verifyShc({}, issuer.trust, AT), 'SHC_INPUT')
    await expectShcCode(verifyShc({ jws: good, qr: 'shc:/00' }, issuer.trust, AT), 'SHC_INPUT')
    await expectShcCode(verifyShc({ jws: good }, issuer.trust, Number.NaN), 'SHC_INPUT')
  })
})
