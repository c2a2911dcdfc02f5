/**
 * @module core/dcc/lists/did-proof
 * The `JsonWebSignature2020` proof on a GDHCN DID trust-list document (smart-trust
 * concepts_did_gdhcn, landscape-2026 §2.2): a detached JWS (RFC 7515 Appendix F) with the
 * unencoded payload option (RFC 7797: header `{"alg":"ES256","b64":false,"crit":["b64"]}`), so
 * the signing input is `BASE64URL(header) "." payload`. What the payload is depends on the
 * signer: the WHO's key distribution service signs with a JSON-LD signer (ld-signatures-java
 * JsonWebSignature2020LdSigner: RDF dataset canonicalisation of the document and of the proof
 * options, with the DID and jws-2020 contexts), which needs a JSON-LD processor and its contexts
 * and so lives outside the pure core (platform/jsonld, what the import uses). The default here
 * is the RFC 8785 JSON of the document without `proof`, and `DidProofPayload`
 * lets a caller plug in the JSON-LD one (docs/VERIFIER.md). The signature may be
 * raw r‖s (RFC 7518 §3.4) or DER, as the WHO's published examples are. The signing key is
 * pinned by the importer, by its verification-method id.
 */
import {
  concatBytes,
  fromBase64Url,
  fromUtf8,
  isJsonObject,
  toBase64Url,
  utf8,
} from '../../codec/index.ts'
import { ecdsaDerToRaw } from '../certificate-signature.ts'
import { DccListError } from '../errors.ts'
import { canonicalJson } from './jcs.ts'

/** Verification-method id (a DID URL, or the bare DID) → its public key (EC P-256 JWK). */
export type DidSigningKeys = Readonly<Record<string, JsonWebKey>>

function refuse(message: string, field = 'proof'): DccListError {
  return new DccListError('DCC_LIST_SIGNATURE', message, { field })
}

/** The bytes a proof signs, from the document (proof included, for its options). */
export type DidProofPayload = (
  document: Readonly<Record<string, unknown>>,
) => Uint8Array | Promise<Uint8Array>

/** The default payload: RFC 8785 JSON of the document without its proof. */
export const didProofPayload: DidProofPayload = (document) => {
  const { proof: _proof, ...rest } = document
  return utf8(canonicalJson(rest))
}

/** Throws DCC_LIST_SIGNATURE unless the document's proof verifies with a pinned key. */
export async function verifyDidProof(
  document: Record<string, unknown>,
  keys: DidSigningKeys,
  payloadOf: DidProofPayload = didProofPayload,
): Promise<string> {
  const proof = document.proof
  if (!isJsonObject(proof)) throw refuse('the document has no proof')
  if (proof.type !== 'JsonWebSignature2020') throw refuse('the proof is not JsonWebSignature2020')
  const method = proof.verificationMethod
  if (typeof method !== 'string') throw refuse('the proof names no verification method')
  const jwk = keys[method] ?? keys[method.split('#')[0] as string]
  if (jwk === undefined) throw refuse(`the proof's signer ${method} is not a trusted signer`)
  const parts = typeof proof.jws === 'string' ? proof.jws.split('.') : []
  if (parts.length !== 3 || parts[1] !== '') throw refuse('the proof is not a detached JWS')
  const [head, , sig] = parts as [string, string, string]
  let header: unknown
  let signature: Uint8Array
  try {
    header = JSON.parse(fromUtf8(fromBase64Url(head)))
    signature = fromBase64Url(sig)
  } catch {
    throw refuse('the proof JWS is not base64url JSON')
  }
  if (!isJsonObject(header) || header.alg !== 'ES256') throw refuse('the proof is not ES256')
  const unencoded = header.b64 === false
  if (unencoded && !(Array.isArray(header.crit) && header.crit.includes('b64'))) {
    throw refuse('b64:false must be listed in crit (RFC 7797 §6)')
  }
  const raw = signature.length === 64 ? signature : ecdsaDerToRaw(signature, 32)
  if (raw === undefined) throw refuse('the proof signature is not an ES256 signature')
  const payload = await payloadOf(document)
  // RFC 7797 §3: with b64 false the payload goes in as is; otherwise base64url as usual.
  const body = unencoded ? payload : utf8(toBase64Url(payload))
  const input = concatBytes(utf8(`${head}.`), body) as Uint8Array<ArrayBuffer>
  let ok = false
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    )
    ok = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      raw as Uint8Array<ArrayBuffer>,
      input,
    )
  } catch {
    throw refuse(`the key of ${method} is not an EC P-256 public key`)
  }
  if (!ok) throw refuse('the proof signature does not verify')
  return method
}
