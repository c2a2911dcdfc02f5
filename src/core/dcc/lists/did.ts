/**
 * @module core/dcc/lists/did
 * The WHO GDHCN DID trust list v2, embedded variant (smart-trust concepts_did_gdhcn,
 * landscape-2026 §2.2): a `did:web` document whose `verificationMethod` entries are
 * `JsonWebKey2020` keys with the DCC kid as the DID fragment and `publicKeyJwk.x5c` = [DSC,
 * its SCA…], signed by a `JsonWebSignature2020` proof (did-proof.ts). The proof is verified
 * first (a document that fails is refused whole); then each DSC must carry the kid it is filed
 * under and chain to the SCA beside it. DID URLs among the methods (references to other
 * documents) are passed over; a document with no keys at all (the reference variant) is refused:
 * import the embedded list it points to.
 */

import { isJsonObject } from '../../codec/index.ts'
import { checkSigners, derOf, type ListedCsca, type ListedDsc } from './chain.ts'
import { type DidProofPayload, type DidSigningKeys, verifyDidProof } from './did-proof.ts'
import { formatError, parseListJson } from './json.ts'
import type { DccListOptions, DccListProblem, DccTrustList } from './types.ts'

export interface DidListOptions extends DccListOptions {
  /** The pinned keys of the DIDs that sign trust lists (the WHO signing DID). */
  readonly signingKeys: DidSigningKeys
  /** The bytes the proof signs (default RFC 8785; see did-proof.ts). */
  readonly proofPayload?: DidProofPayload
}

function fragmentOf(id: string): string | undefined {
  const raw = id.split('#')[1]
  if (raw === undefined) return undefined
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

export async function loadDidList(
  bytes: Uint8Array | string,
  options: DidListOptions,
): Promise<DccTrustList & { readonly id: string; readonly signedBy: string }> {
  const doc = parseListJson(bytes)
  if (!isJsonObject(doc) || typeof doc.id !== 'string' || !doc.id.startsWith('did:web:')) {
    throw formatError('a GDHCN trust list is a did:web DID document', 'id')
  }
  if (!Array.isArray(doc.verificationMethod)) {
    throw formatError('the DID document has no verificationMethod', 'verificationMethod')
  }
  const signedBy = await verifyDidProof(doc, options.signingKeys, options.proofPayload)
  const problems: DccListProblem[] = []
  const entries: { dsc: ListedDsc; cscas: ListedCsca[] }[] = []
  for (const [i, vm] of doc.verificationMethod.entries()) {
    // A DID URL among the keys references another document (the WHO lists add trusted
    // issuers' DIDs so): nothing to load from it here.
    if (typeof vm === 'string') continue
    const field = `verificationMethod[${i}]`
    if (!isJsonObject(vm) || vm.type !== 'JsonWebKey2020' || !isJsonObject(vm.publicKeyJwk)) {
      throw formatError(`${field} is not a JsonWebKey2020 method`, field)
    }
    const jwk = vm.publicKeyJwk
    // The WHO service URL-encodes the kid in the fragment (`+`, `/`, `=` of base64).
    const fragment = typeof vm.id === 'string' ? fragmentOf(vm.id) : undefined
    const kid = typeof jwk.kid === 'string' ? jwk.kid : fragment
    if (fragment !== undefined && kid !== fragment) {
      problems.push({
        code: 'DCC_LIST_KID',
        message: `${field}: id fragment and kid differ`,
        ...(kid ? { kid } : {}),
      })
      continue
    }
    if (!Array.isArray(jwk.x5c) || jwk.x5c.length === 0) {
      problems.push({
        code: 'DCC_LIST_FORMAT',
        message: `${field} has no x5c`,
        ...(kid ? { kid } : {}),
      })
      continue
    }
    const [dsc, ...sca] = jwk.x5c.map((c, j) => derOf(c, `${field}.publicKeyJwk.x5c[${j}]`))
    entries.push({ dsc: { der: dsc as Uint8Array, kid }, cscas: sca.map((der) => ({ der })) })
  }
  if (entries.length === 0 && problems.length === 0) {
    throw formatError(
      'the document holds no keys (a reference list?): import the embedded list',
      'verificationMethod',
    )
  }
  const signers = []
  for (const { dsc, cscas } of entries) {
    const checked = await checkSigners([dsc], cscas, cscas.length > 0)
    signers.push(...checked.signers)
    problems.push(...checked.problems)
  }
  return {
    format: 'did',
    source: options.source,
    asOf: options.asOf,
    id: doc.id,
    signedBy,
    signers,
    problems,
  }
}
