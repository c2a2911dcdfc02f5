/**
 * A GDHCN DID trust list v2 document (embedded variant) in the shape smart-trust publishes
 * (concepts_did_gdhcn: `did:web` id, JsonWebKey2020 methods with the kid as fragment and
 * `x5c` = [DSC, SCA], a JsonWebSignature2020 proof with a detached `b64:false` ES256 JWS whose
 * signature is DER, as the published examples are), built and signed here from test keys.
 * Signed as the WHO signs (a Linked Data signer): SHA-256 of the RDFC-1.0 N-Quads of the proof
 * options, then of the document, computed here with `jsonld` directly over the kept contexts;
 * `sign: 'jcs'` signs the RFC 8785 JSON instead (the core's default payload).
 */
import jsonld from 'jsonld'
import { concatBytes, sha256, toBase64Url, utf8 } from '../../src/core/codec/index.ts'
import { canonicalJson } from '../../src/core/dcc/index.ts'
import { JSONLD_CONTEXTS } from '../../src/platform/jsonld/index.ts'
import { kidOf, type TestCert } from './x509.ts'

export const SIGNER_DID = 'did:web:example.test:WHO:signing:DID'
export const LIST_DID = 'did:web:example.test:tng-cdn:v2:trustlist:DCC:XXA:DSC'
const CONTROLLER = 'did:web:example.test:tng-cdn:v2:trustlist:DCC:XXA'

function derInt(b: Uint8Array): Uint8Array {
  let v = b
  while (v.length > 1 && v[0] === 0 && ((v[1] as number) & 0x80) === 0) v = v.subarray(1)
  if (((v[0] as number) & 0x80) !== 0) v = concatBytes(Uint8Array.of(0), v)
  return concatBytes(Uint8Array.of(2, v.length), v)
}

/** Raw r‖s → DER ECDSA-Sig-Value. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const body = concatBytes(derInt(raw.subarray(0, 32)), derInt(raw.subarray(32)))
  return concatBytes(Uint8Array.of(0x30, body.length), body)
}

/** RDFC-1.0 N-Quads with a loader of the kept contexts only. */
function nquads(doc: unknown): Promise<string> {
  return jsonld.canonize(doc, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    documentLoader: async (url) => {
      const document = JSONLD_CONTEXTS[url]
      if (document === undefined) throw new Error(`no network in tests: ${url}`)
      return { contextUrl: null, documentUrl: url, document }
    },
  })
}

export async function buildDidList(
  signingKey: CryptoKey,
  entries: readonly { dsc: TestCert; sca: TestCert }[],
  references: readonly string[] = [],
  sign: 'jsonld' | 'jcs' = 'jsonld',
): Promise<Record<string, unknown>> {
  const doc: Record<string, unknown> = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: LIST_DID,
    controller: CONTROLLER,
    verificationMethod: [
      ...(await Promise.all(
        entries.map(async ({ dsc, sca }) => {
          const kid = await kidOf(dsc.der)
          return {
            id: `${LIST_DID}#${encodeURIComponent(kid)}`, // URL-encoded, as the WHO service writes it
            type: 'JsonWebKey2020',
            controller: CONTROLLER,
            publicKeyJwk: { kty: 'EC', crv: 'P-256', kid, x5c: [dsc.b64, sca.b64] },
          }
        }),
      )),
      ...references,
    ],
  }
  const options = {
    type: 'JsonWebSignature2020',
    created: '2026-11-10T12:00:21Z',
    nonce: 'Gp3uOuUTNgAFxm31fIjNy7yYt34aOP0g',
    proofPurpose: 'assertionMethod',
    verificationMethod: SIGNER_DID,
  }
  const head = toBase64Url(utf8(JSON.stringify({ b64: false, crit: ['b64'], alg: 'ES256' })))
  const payload =
    sign === 'jcs'
      ? utf8(canonicalJson(doc))
      : concatBytes(
          await sha256(utf8(await nquads({ '@context': doc['@context'], ...options }))),
          await sha256(utf8(await nquads(doc))),
        )
  const input = concatBytes(utf8(`${head}.`), payload)
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      signingKey,
      input as Uint8Array<ArrayBuffer>,
    ),
  )
  doc.proof = { ...options, jws: `${head}..${toBase64Url(rawToDer(raw))}` }
  return doc
}
