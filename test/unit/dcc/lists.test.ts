/**
 * Trust-list loaders (core/dcc/lists): each format from certificates and keys made here, in the
 * published shapes (dgc-gateway TrustListDto, dgca-verifier-service, JWKS x5c, the GDHCN DID
 * trust list v2 of smart-trust concepts_did_gdhcn). Each negative changes one thing and expects
 * one code.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  DccListError,
  loadDidList,
  loadEuDtoList,
  loadJwksList,
  loadVerifierServiceList,
} from '../../../src/core/dcc/index.ts'
import {
  canonicalNQuads,
  jsonLdDidProofPayload as proofPayload,
} from '../../../src/platform/jsonld/index.ts'
import { DAY, NOW } from '../../helpers/dcc.ts'
import { buildDidList, LIST_DID, SIGNER_DID } from '../../helpers/did-list.ts'
import { kidOf, makeCert, sha256Hex, type TestCert } from '../../helpers/x509.ts'

const opts = { source: 'test', asOf: NOW }
let csca: TestCert
let dsc: TestCert
let rogue: TestCert
let otherCsca: TestCert

beforeAll(async () => {
  const span = { notBefore: NOW - 400 * DAY, notAfter: NOW + 3000 * DAY }
  csca = await makeCert({ country: 'XA', cn: 'XA CSCA', ...span })
  otherCsca = await makeCert({ country: 'XA', cn: 'XA CSCA', ...span })
  dsc = await makeCert({
    country: 'XA',
    cn: 'XA DSC 1',
    notBefore: NOW - 100 * DAY,
    notAfter: NOW + 300 * DAY,
    issuer: csca,
    eku: ['1.3.6.1.4.1.1847.2021.1.2'],
  })
  // Names the XA CSCA as its issuer (same DN and AKI) but was signed by another key.
  rogue = await makeCert({
    country: 'XA',
    cn: 'XA DSC 2',
    notBefore: NOW - 100 * DAY,
    notAfter: NOW + 300 * DAY,
    issuer: csca,
    signWith: otherCsca.privateKey,
  })
})

async function dto(cert: TestCert, type: 'DSC' | 'CSCA', country = 'XA') {
  return {
    kid: await kidOf(cert.der),
    timestamp: '2026-11-01T00:00:00Z',
    country,
    certificateType: type,
    thumbprint: await sha256Hex(cert.der),
    signature: 'not checked',
    rawData: cert.b64,
  }
}

describe('EU gateway TrustListDto', () => {
  it('loads a DSC its country CSCA signed, with kid, country, validity and EKU', async () => {
    const list = await loadEuDtoList(
      JSON.stringify([await dto(csca, 'CSCA'), await dto(dsc, 'DSC')]),
      opts,
    )
    expect(list.problems).toEqual([])
    expect(list.signers).toHaveLength(1)
    const [s] = list.signers
    expect(s?.kid).toBe(await kidOf(dsc.der))
    expect(s?.country).toBe('XA')
    expect(s?.eku).toEqual(['1.3.6.1.4.1.1847.2021.1.2'])
    expect(s?.notAfter).toBe(NOW + 300 * DAY)
  })

  it('drops a DSC not signed by its CSCA with DCC_LIST_CHAIN', async () => {
    const list = await loadEuDtoList(
      JSON.stringify([await dto(csca, 'CSCA'), await dto(dsc, 'DSC'), await dto(rogue, 'DSC')]),
      opts,
    )
    expect(list.signers.map((s) => s.kid)).toEqual([await kidOf(dsc.der)])
    expect(list.problems).toEqual([
      expect.objectContaining({ code: 'DCC_LIST_CHAIN', kid: await kidOf(rogue.der) }),
    ])
  })

  it('drops a DSC with no CSCA of its country (DCC_LIST_CHAIN)', async () => {
    const list = await loadEuDtoList(JSON.stringify([await dto(dsc, 'DSC')]), opts)
    expect(list.signers).toEqual([])
    expect(list.problems.map((p) => p.code)).toEqual(['DCC_LIST_CHAIN'])
  })

  it('drops a DSC filed under another country (DCC_LIST_COUNTRY)', async () => {
    const list = await loadEuDtoList(
      JSON.stringify([await dto(csca, 'CSCA'), await dto(dsc, 'DSC', 'XB')]),
      opts,
    )
    expect(list.problems.map((p) => p.code)).toEqual(['DCC_LIST_COUNTRY'])
  })

  it('drops an entry whose kid is not its DSC (DCC_LIST_KID)', async () => {
    const entry = { ...(await dto(dsc, 'DSC')), kid: 'AAAAAAAAAAA=' }
    const list = await loadEuDtoList(JSON.stringify([await dto(csca, 'CSCA'), entry]), opts)
    expect(list.problems.map((p) => p.code)).toEqual(['DCC_LIST_KID'])
  })

  it('refuses a document that is not a list (DCC_LIST_FORMAT)', async () => {
    await expect(loadEuDtoList('{"keys": []}', opts)).rejects.toMatchObject({
      code: 'DCC_LIST_FORMAT',
    })
    await expect(loadEuDtoList('not json', opts)).rejects.toBeInstanceOf(DccListError)
  })
})

describe('CSCA signature algorithms', () => {
  it.each([
    ['ECDSA P-384 with SHA-384', { keyAlg: 'P-384' as const }],
    ['RSASSA-PKCS1-v1_5', { keyAlg: 'RSA' as const, rsa: 'pkcs1' as const }],
    ['RSASSA-PSS (SHA-256, salt 32)', { keyAlg: 'RSA' as const, rsa: 'pss' as const }],
  ])(
    'chains a DSC to a CSCA signing with %s; a DSC signed by another key is dropped',
    async (_, alg) => {
      const span = { notBefore: NOW - 400 * DAY, notAfter: NOW + 3000 * DAY }
      const root = await makeCert({ country: 'XC', cn: 'XC CSCA', ...span, keyAlg: alg.keyAlg })
      const other = await makeCert({ country: 'XC', cn: 'XC CSCA', ...span, keyAlg: alg.keyAlg })
      const issued = {
        country: 'XC',
        ...span,
        issuer: root,
        ...('rsa' in alg ? { rsa: alg.rsa } : {}),
      }
      const good = await makeCert({ ...issued, cn: 'XC DSC 1' })
      const bad = await makeCert({ ...issued, cn: 'XC DSC 2', signWith: other.privateKey })
      const entries = [
        await dto(root, 'CSCA', 'XC'),
        await dto(good, 'DSC', 'XC'),
        await dto(bad, 'DSC', 'XC'),
      ]
      const list = await loadEuDtoList(JSON.stringify(entries), opts)
      expect(list.signers.map((s) => s.kid)).toEqual([await kidOf(good.der)])
      expect(list.problems).toEqual([
        expect.objectContaining({ code: 'DCC_LIST_CHAIN', kid: await kidOf(bad.der) }),
      ])
    },
  )

  it('drops a DSC whose CSCA was not yet valid when the DSC began (shell model)', async () => {
    const late = await makeCert({
      country: 'XA',
      cn: 'XA CSCA',
      notBefore: NOW,
      notAfter: NOW + 10 * DAY,
    })
    const early = await makeCert({
      country: 'XA',
      cn: 'XA DSC',
      notBefore: NOW - 10 * DAY,
      notAfter: NOW + 5 * DAY,
      issuer: late,
    })
    const list = await loadEuDtoList(
      JSON.stringify([await dto(late, 'CSCA'), await dto(early, 'DSC')]),
      opts,
    )
    expect(list.problems.map((p) => p.code)).toEqual(['DCC_LIST_CHAIN'])
  })
})

describe('verifier-service capture and JWKS', () => {
  it('keeps only the kids the status list names', async () => {
    const kid = await kidOf(dsc.der)
    const capture = {
      signercertificateStatus: [kid],
      signercertificateUpdate: [
        { kid, rawData: dsc.b64 },
        { kid: await kidOf(rogue.der), rawData: rogue.b64 },
      ],
    }
    const list = await loadVerifierServiceList(JSON.stringify(capture), opts)
    expect(list.signers.map((s) => s.kid)).toEqual([kid])
    expect(list.problems).toEqual([])
    // With the CSCA given, every DSC must chain to it.
    const chained = await loadVerifierServiceList(
      JSON.stringify({
        ...capture,
        signercertificateStatus: [kid, await kidOf(rogue.der)],
        cscas: [csca.b64],
      }),
      opts,
    )
    expect(chained.signers.map((s) => s.kid)).toEqual([kid])
    expect(chained.problems.map((p) => p.code)).toEqual(['DCC_LIST_CHAIN'])
  })

  it('loads x5c keys and checks the chain they carry', async () => {
    const jwks = {
      keys: [
        { kty: 'EC', kid: await kidOf(dsc.der), x5c: [dsc.b64, csca.b64] },
        { kty: 'EC', kid: await kidOf(rogue.der), x5c: [rogue.b64, csca.b64] },
        { kty: 'EC', kid: 'AAAAAAAAAAA=', x5c: [dsc.b64] },
      ],
    }
    const list = await loadJwksList(JSON.stringify(jwks), opts)
    expect(list.signers.map((s) => s.kid)).toEqual([await kidOf(dsc.der)])
    expect(list.problems.map((p) => p.code)).toEqual(['DCC_LIST_CHAIN', 'DCC_LIST_KID'])
  })
})

// ---- GDHCN DID trust list v2 ------------------------------------------------------------------

describe('GDHCN DID trust list v2', () => {
  let signing: CryptoKeyPair
  let keys: Record<string, JsonWebKey>
  beforeAll(async () => {
    signing = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    keys = { [SIGNER_DID]: await crypto.subtle.exportKey('jwk', signing.publicKey) }
  })

  it('verifies the proof and loads the DSC keys', async () => {
    const doc = await buildDidList(signing.privateKey, [{ dsc, sca: csca }])
    const list = await loadDidList(JSON.stringify(doc, null, 2), {
      ...opts,
      signingKeys: keys,
      proofPayload,
    })
    expect(list.signedBy).toBe(SIGNER_DID)
    expect(list.id).toBe(LIST_DID)
    expect(list.problems).toEqual([])
    expect(list.signers.map((s) => [s.kid, s.country])).toEqual([[await kidOf(dsc.der), 'XA']])
  })

  it('refuses a tampered document: one changed key (DCC_LIST_SIGNATURE)', async () => {
    const doc = await buildDidList(signing.privateKey, [{ dsc, sca: csca }])
    const [method] = doc.verificationMethod as { publicKeyJwk: { x5c: string[] } }[]
    if (method !== undefined) method.publicKeyJwk.x5c[0] = rogue.b64
    await expect(
      loadDidList(JSON.stringify(doc), { ...opts, signingKeys: keys, proofPayload }),
    ).rejects.toMatchObject({
      code: 'DCC_LIST_SIGNATURE',
      message: 'the proof signature does not verify',
    })
  })

  it('refuses a tampered proof option: created, nonce (DCC_LIST_SIGNATURE)', async () => {
    for (const [option, value] of [
      ['created', '2026-11-11T12:00:21Z'],
      ['nonce', 'another nonce'],
    ] as const) {
      const doc = await buildDidList(signing.privateKey, [{ dsc, sca: csca }])
      ;(doc.proof as Record<string, unknown>)[option] = value
      await expect(
        loadDidList(JSON.stringify(doc), { ...opts, signingKeys: keys, proofPayload }),
      ).rejects.toMatchObject({
        code: 'DCC_LIST_SIGNATURE',
        message: 'the proof signature does not verify',
      })
    }
  })

  it('the JSON-LD payload is what is checked: a list signed over its RFC 8785 JSON is refused', async () => {
    const jcs = await buildDidList(signing.privateKey, [{ dsc, sca: csca }], [], 'jcs')
    await expect(
      loadDidList(JSON.stringify(jcs), { ...opts, signingKeys: keys, proofPayload }),
    ).rejects.toMatchObject({ code: 'DCC_LIST_SIGNATURE' })
    // …and loads under the core's default payload, which it was signed for.
    const list = await loadDidList(JSON.stringify(jcs), { ...opts, signingKeys: keys })
    expect(list.signers).toHaveLength(1)
  })

  it('canonicalises as RDFC-1.0 N-Quads: the JWK a JSON literal in RFC 8785 form, types as IRIs', async () => {
    const quads = await canonicalNQuads({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: 'did:web:a.test',
      verificationMethod: [
        { id: 'did:web:a.test#k', type: 'JsonWebKey2020', publicKeyJwk: { y: '2', x: '1' } },
      ],
    })
    expect(quads.split('\n')).toEqual([
      '<did:web:a.test#k> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#JsonWebKey2020> .',
      '<did:web:a.test#k> <https://w3id.org/security#publicKeyJwk> "{\\"x\\":\\"1\\",\\"y\\":\\"2\\"}"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> .',
      '<did:web:a.test> <https://w3id.org/security#verificationMethod> <did:web:a.test#k> .',
      '',
    ])
  })

  it('fetches no context: a document naming another context is refused (DCC_LIST_FORMAT)', async () => {
    const doc = await buildDidList(signing.privateKey, [{ dsc, sca: csca }])
    doc['@context'] = ['https://www.w3.org/ns/did/v1', 'https://contexts.example/jws-2020.jsonld']
    await expect(
      loadDidList(JSON.stringify(doc), { ...opts, signingKeys: keys, proofPayload }),
    ).rejects.toMatchObject({ code: 'DCC_LIST_FORMAT', field: '@context' })
  })

  it('a term no context defines cannot slip past the proof (safe mode: DCC_LIST_SIGNATURE)', async () => {
    const doc = await buildDidList(signing.privateKey, [{ dsc, sca: csca }])
    doc.unsignedNote = 'JSON-LD would drop this term from what is signed'
    await expect(
      loadDidList(JSON.stringify(doc), { ...opts, signingKeys: keys, proofPayload }),
    ).rejects.toMatchObject({ code: 'DCC_LIST_SIGNATURE', field: 'document' })
  })

  it('refuses a proof by a key that is not pinned (DCC_LIST_SIGNATURE)', async () => {
    const other = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const doc = await buildDidList(other.privateKey, [{ dsc, sca: csca }])
    await expect(
      loadDidList(JSON.stringify(doc), { ...opts, signingKeys: keys, proofPayload }),
    ).rejects.toMatchObject({
      code: 'DCC_LIST_SIGNATURE',
      message: 'the proof signature does not verify',
    })
    await expect(
      loadDidList(JSON.stringify(doc), {
        ...opts,
        signingKeys: { 'did:web:else': keys[SIGNER_DID] as JsonWebKey },
      }),
    ).rejects.toMatchObject({ code: 'DCC_LIST_SIGNATURE' })
  })

  it('drops a DSC the SCA beside it did not sign (DCC_LIST_CHAIN), under a valid proof', async () => {
    const doc = await buildDidList(signing.privateKey, [
      { dsc, sca: csca },
      { dsc: rogue, sca: csca },
    ])
    const list = await loadDidList(JSON.stringify(doc), {
      ...opts,
      signingKeys: keys,
      proofPayload,
    })
    expect(list.signers).toHaveLength(1)
    expect(list.problems.map((p) => p.code)).toEqual(['DCC_LIST_CHAIN'])
  })
  it('passes over DID references among the keys; a list of references only is refused', async () => {
    // As the WHO service adds trusted issuers' DIDs: re-signed with the reference in place.
    const withRef = await buildDidList(
      signing.privateKey,
      [{ dsc, sca: csca }],
      ['did:web:issuer.example'],
    )
    const list = await loadDidList(JSON.stringify(withRef), {
      ...opts,
      signingKeys: keys,
      proofPayload,
    })
    expect(list.signers).toHaveLength(1)
    expect(list.problems).toEqual([])
    const refsOnly = await buildDidList(signing.privateKey, [], ['did:web:issuer.example'])
    await expect(
      loadDidList(JSON.stringify(refsOnly), { ...opts, signingKeys: keys, proofPayload }),
    ).rejects.toMatchObject({ code: 'DCC_LIST_FORMAT', field: 'verificationMethod' })
  })

  it('takes the proof payload from the caller (the JSON-LD canonicalisation plugs in here)', async () => {
    const doc = await buildDidList(signing.privateKey, [{ dsc, sca: csca }])
    await expect(
      loadDidList(JSON.stringify(doc), {
        ...opts,
        signingKeys: keys,
        proofPayload: () => new TextEncoder().encode('other bytes'),
      }),
    ).rejects.toMatchObject({ code: 'DCC_LIST_SIGNATURE' })
  })
})
