/**
 * @module platform/jsonld/did-proof-payload
 * The bytes a `JsonWebSignature2020` proof signs, computed as the WHO's key distribution service
 * signs them (a Linked Data signer: W3C CCG lds-jws2020 §"Create verify data", the algorithm of
 * Linked Data Proofs 1.0): the proof options (the proof without `jws`, under the document's
 * `@context`) and the document without `proof` are each canonicalised as RDF datasets
 * (RDFC-1.0, formerly URDNA2015, N-Quads) and hashed with SHA-256; the payload is the two
 * hashes, options first (64 bytes), signed as a detached JWS with `b64:false` (RFC 7797).
 * `jsonld` does the canonicalisation (a maintained implementation of both specifications; the
 * algorithm is too large to write here); its document loader answers only the two contexts a
 * GDHCN list uses, from the copies kept beside this file, and refuses every other URL, so a
 * list never makes Vigil fetch anything. Safe mode is on: a term no context defines fails
 * instead of being dropped from what is signed.
 */
import jsonld, { type RemoteDocument } from 'jsonld'
import { concatBytes, sha256, utf8 } from '../../core/codec/index.ts'
import { DccListError, type DidProofPayload } from '../../core/dcc/index.ts'
import didV1 from './contexts/did-v1.json' with { type: 'json' }
import jws2020V1 from './contexts/jws-2020-v1.json' with { type: 'json' }

/** The contexts a GDHCN DID trust list names (did-context 3.1.1; lds-jws2020 v1). */
export const JSONLD_CONTEXTS: Readonly<Record<string, unknown>> = {
  'https://www.w3.org/ns/did/v1': didV1,
  'https://w3id.org/security/suites/jws-2020/v1': jws2020V1,
}

/** A loader that serves the local contexts and refuses anything else (no network). */
export async function localDocumentLoader(url: string): Promise<RemoteDocument> {
  const document = JSONLD_CONTEXTS[url]
  if (document === undefined) {
    throw new DccListError(
      'DCC_LIST_FORMAT',
      `the JSON-LD context ${url} is not one Vigil keeps (only the DID v1 and jws-2020 contexts)`,
      { field: '@context' },
    )
  }
  return { contextUrl: null, documentUrl: url, document }
}

/** RDFC-1.0 N-Quads of a JSON-LD document, with the local contexts only. */
export async function canonicalNQuads(document: unknown): Promise<string> {
  try {
    return await jsonld.canonize(document, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      documentLoader: localDocumentLoader,
      safe: true,
    })
  } catch (err) {
    if (err instanceof DccListError) throw err
    // jsonld wraps a loader refusal; find it so the caller sees which context was refused.
    const cause = (err as { details?: { cause?: unknown } }).details?.cause
    if (cause instanceof DccListError) throw cause
    throw new DccListError(
      'DCC_LIST_SIGNATURE',
      `the document is not JSON-LD the proof can cover: ${(err as Error).message}`,
      { field: 'document' },
    )
  }
}

/** The JSON-LD verify data of a document's JsonWebSignature2020 proof (see the module comment). */
export const jsonLdDidProofPayload: DidProofPayload = async (document) => {
  const { proof, ...rest } = document
  const { jws: _jws, ...options } = (proof ?? {}) as Record<string, unknown>
  const [optionsQuads, documentQuads] = await Promise.all([
    canonicalNQuads({ '@context': document['@context'], ...options }),
    canonicalNQuads(rest),
  ])
  return concatBytes(await sha256(utf8(optionsQuads)), await sha256(utf8(documentQuads)))
}
