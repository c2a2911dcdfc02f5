/**
 * Issuing (§Health Card payload, §Health Card signing): minimisation against the spec example
 * generator's output, round trips through JWS, QR text and `.smart-health-card` files with a
 * fresh ES256 key, and the spec example verifying with the spec issuer key.
 */
import { KeyObject, sign } from 'node:crypto'
import { exportJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { fromBase64Url } from '../../../src/core/codec/base64.ts'
import {
  buildShcPayload,
  computeKid,
  createHealthCardFile,
  encodeShcQr,
  FHIR_VERSION,
  HEALTH_CARD_TYPE,
  inflateRaw,
  issueShc,
  lintBundleMinimisation,
  minimiseBundle,
  parseHealthCardFile,
  readShcQr,
  verifyShc,
  verifyShcFile,
} from '../../../src/core/shc/index.ts'
import { webKeyCrypto } from '../../../src/platform/keys/crypto.ts'
import { nodeKeyCrypto } from '../../../src/platform/node-crypto/key-crypto.ts'
import { readVectorJson, readVectorText } from '../../helpers/vectors.ts'
import {
  createFreshIssuer,
  expectShcCode,
  mirrorTrust,
  SPEC_AT,
  SPEC_ISS,
  SPEC_KID,
} from './fixtures.ts'

const covidSource = readVectorJson('shc/issuer-input/covid-vaccines-bundle.json')
const example00Bundle = readVectorJson('shc/spec-examples/example-00-a-fhirBundle.json')
const NBF = 1_717_000_000

/** node:crypto's default ECDSA output: DER, which JWS forbids (RFC 7518 §3.4). */
const derKey = (issuer: Awaited<ReturnType<typeof createFreshIssuer>>) => ({
  key: KeyObject.from(issuer.keyPair.privateKey),
  dsaEncoding: 'der' as const,
})

describe('bundle minimisation (shc.md §4)', () => {
  it('covid-vaccines-bundle minimises to exactly spec example-00-a (id and meta removed)', () => {
    expect(minimiseBundle(covidSource)).toEqual(example00Bundle)
  })

  it('keeps IAL meta.security labels only when asked', () => {
    const kept = minimiseBundle(covidSource, { keepSecurityLabels: true }) as {
      entry: { resource: { meta?: unknown } }[]
    }
    expect(kept.entry[1]?.resource.meta).toEqual({
      security: [{ system: 'https://smarthealth.cards/ial', code: 'IAL1.2' }],
    })
    expect(lintBundleMinimisation(kept)).toEqual([])
  })

  it('strips id, meta, text, CodeableConcept.text and Coding.display of dev-tools non-DM input', () => {
    const verbose = readVectorJson('shc/devtools-testdata/test-example-00-a-non-dm-properties.json')
    expect(lintBundleMinimisation(verbose as Record<string, unknown>).length).toBeGreaterThan(0)
    expect(lintBundleMinimisation(minimiseBundle(verbose))).toEqual([])
  })

  it('rewrites fullUrls and references to bundled resources as resource:N', () => {
    const dr = minimiseBundle(readVectorJson('shc/issuer-input/dr-bundle.json'))
    const text = JSON.stringify(dr)
    expect(text).not.toMatch(/https:\/\/example\.com\/base/)
    expect(text).not.toMatch(/"reference":"(Specimen|Observation)\//)
    const entries = dr.entry as { fullUrl: string }[]
    expect(entries.map((e) => e.fullUrl)).toEqual(entries.map((_, i) => `resource:${i}`))
  })

  it('refuses something that is not a Bundle', async () => {
    await expectShcCode(() => minimiseBundle({ resourceType: 'Patient' }), 'SHC_BUNDLE')
  })
})

describe('issuing and verifying round trips', () => {
  it('issues a card that verifies from JWS, QR digits and a file, giving back the bundle', async () => {
    const issuer = await createFreshIssuer()
    const jws = await issueShc({
      bundle: covidSource,
      iss: SPEC_ISS,
      nbf: NBF,
      rid: 'MKyCxh7p6uQ',
      keyPair: issuer.keyPair,
    })
    const [h = '', p = '', s = ''] = jws.split('.')
    expect(JSON.parse(new TextDecoder().decode(fromBase64Url(h)))).toEqual({
      zip: 'DEF',
      alg: 'ES256',
      kid: issuer.kid,
    })
    expect(fromBase64Url(s).length).toBe(64)
    const payloadText = new TextDecoder().decode(await inflateRaw(fromBase64Url(p), 1 << 20))
    expect(JSON.parse(payloadText)).toEqual({
      iss: SPEC_ISS,
      nbf: NBF,
      vc: {
        type: [HEALTH_CARD_TYPE],
        credentialSubject: { fhirVersion: FHIR_VERSION, fhirBundle: example00Bundle },
        rid: 'MKyCxh7p6uQ',
      },
    })
    expect(payloadText).toBe(JSON.stringify(JSON.parse(payloadText))) // minified

    const qr = encodeShcQr(jws)
    expect(readShcQr(qr).jws).toBe(jws)
    const fromQr = await verifyShc({ qr }, issuer.trust, NBF + 60)
    expect(fromQr).toMatchObject({ iss: SPEC_ISS, kid: issuer.kid, warnings: [] })
    expect(fromQr.bundle).toEqual(example00Bundle)

    const file = createHealthCardFile([jws, jws])
    expect(parseHealthCardFile(file).jws).toEqual([jws, jws])
    const { results } = await verifyShcFile(file, issuer.trust, NBF + 60, 'card.smart-health-card')
    expect(results.map((r) => r.ok)).toEqual([true, true])
  })

  it('issues with exp and extra types; the card expires at exp', async () => {
    const issuer = await createFreshIssuer()
    const input = { bundle: covidSource, iss: SPEC_ISS, nbf: NBF, exp: NBF + 86_400 }
    const jws = await issueShc({
      ...input,
      types: ['https://example.org#x'],
      keyPair: issuer.keyPair,
    })
    const card = await verifyShc({ jws }, issuer.trust, NBF + 86_400)
    expect(card.payload.exp).toBe(NBF + 86_400)
    expect(card.payload.vc.type).toEqual([HEALTH_CARD_TYPE, 'https://example.org#x'])
    await expectShcCode(verifyShc({ jws }, issuer.trust, NBF + 86_401), 'SHC_EXPIRED')
  })

  it('checks the claims it builds', async () => {
    const base = { bundle: covidSource, iss: SPEC_ISS, nbf: NBF }
    await expectShcCode(() => buildShcPayload({ ...base, iss: `${SPEC_ISS}/` }), 'SHC_ISSUER_URL')
    await expectShcCode(() => buildShcPayload({ ...base, exp: NBF }), 'SHC_EXP_INVALID')
    await expectShcCode(() => buildShcPayload({ ...base, rid: 'x'.repeat(25) }), 'SHC_VC_FORMAT')
    await expectShcCode(
      () => buildShcPayload({ ...base, types: ['VerifiableCredential'] }),
      'SHC_VC_TYPE',
    )
    await expectShcCode(() => buildShcPayload({ ...base, nbf: Number.NaN }), 'SHC_NBF_INVALID')
  })

  it('refuses a mismatched key pair', async () => {
    const [a, b] = await Promise.all([createFreshIssuer(), createFreshIssuer()])
    const keyPair = { privateKey: a.keyPair.privateKey, publicKey: b.keyPair.publicKey }
    await expectShcCode(
      issueShc({ bundle: covidSource, iss: SPEC_ISS, nbf: NBF, keyPair }),
      'SHC_SIGNING_KEY',
    )
  })

  it('an injected ES256 signer (node:crypto, WebCrypto) gives cards that verify', async () => {
    const issuer = await createFreshIssuer()
    for (const keyCrypto of [nodeKeyCrypto, webKeyCrypto]) {
      const keyPair = { ...issuer.keyPair, sign: keyCrypto.signer(issuer.keyPair.privateKey) }
      const jws = await issueShc({ bundle: covidSource, iss: SPEC_ISS, nbf: NBF, keyPair })
      const card = await verifyShc({ jws }, issuer.trust, NBF)
      expect(card.kid).toBe(issuer.kid)
      expect(card.bundle).toEqual(example00Bundle)
      expect(fromBase64Url(jws.split('.')[2] ?? '')).toHaveLength(64)
    }
  })

  it('refuses an injected signer for another key, and one that answers DER', async () => {
    const [a, b] = await Promise.all([createFreshIssuer(), createFreshIssuer()])
    const other = { ...a.keyPair, sign: nodeKeyCrypto.signer(b.keyPair.privateKey) }
    await expectShcCode(
      issueShc({ bundle: covidSource, iss: SPEC_ISS, nbf: NBF, keyPair: other }),
      'SHC_SIGNING_KEY',
    )
    const der = { ...b.keyPair, sign: (data: Uint8Array) => sign('sha256', data, derKey(b)) }
    await expectShcCode(
      issueShc({ bundle: covidSource, iss: SPEC_ISS, nbf: NBF, keyPair: der }),
      'SHC_SIGNING_KEY',
    )
  })

  it('an oversize bundle is issued but cannot become a QR card', async () => {
    const issuer = await createFreshIssuer()
    const bundle = readVectorJson('shc/issuer-input/dr-bundle.json')
    const jws = await issueShc({ bundle, iss: SPEC_ISS, nbf: NBF, keyPair: issuer.keyPair })
    expect(jws.length).toBeGreaterThan(1195)
    await expectShcCode(() => encodeShcQr(jws), 'SHC_TOO_LARGE', 'jws')
  })
})

describe('spec example 00 (HL7 smart-health-cards-and-links input/images)', () => {
  const jwks = readVectorJson<{ keys: Record<string, string>[] }>(
    'shc/issuers/spec.smarthealth.cards/examples/issuer/.well-known/jwks.json',
  )

  it('the spec key 3Kfdg… has its RFC 7638 thumbprint as kid', async () => {
    const key = jwks.keys.find((k) => k.kid === SPEC_KID)
    expect(key).toBeDefined()
    expect(await computeKid({ kty: 'EC', crv: 'P-256', x: key?.x, y: key?.y })).toBe(SPEC_KID)
  })

  it('the JWS verifies with the spec issuer key and its QR digits decode to the same JWS', async () => {
    const jws = readVectorText('shc/spec-examples/example-00-d-jws.txt')
    const qr = readVectorText('shc/spec-examples/example-00-f-qr-code-numeric-value-0.txt')
    const card = await verifyShc({ jws }, mirrorTrust(), SPEC_AT)
    expect(card).toMatchObject({ iss: SPEC_ISS, kid: SPEC_KID, revoked: false, warnings: [] })
    expect(card.bundle).toEqual(example00Bundle)
    expect(readShcQr(qr).jws).toBe(jws)
    expect((await verifyShc({ qr }, mirrorTrust(), SPEC_AT)).payload).toEqual(card.payload)
    const expanded = readVectorJson('shc/spec-examples/example-00-b-jws-payload-expanded.json')
    expect(card.payload).toEqual(expanded)
  })

  it('a fresh key exports a JWK whose thumbprint is the issued kid', async () => {
    const issuer = await createFreshIssuer()
    expect(await computeKid(await exportJWK(issuer.keyPair.publicKey))).toBe(issuer.kid)
  })
})
