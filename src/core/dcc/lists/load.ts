/**
 * @module core/dcc/lists/load
 * One entry point over the four formats, for the importer (server and CLI).
 */
import { DccListError } from '../errors.ts'
import { loadDidList } from './did.ts'
import type { DidProofPayload, DidSigningKeys } from './did-proof.ts'
import { loadEuDtoList } from './eu-dto.ts'
import { loadJwksList } from './jwks.ts'
import type { DccListFormat, DccListOptions, DccTrustList } from './types.ts'
import { loadVerifierServiceList } from './verifier-service.ts'

export async function loadDccList(
  format: DccListFormat,
  bytes: Uint8Array | string,
  options: DccListOptions & {
    readonly signingKeys?: DidSigningKeys
    /** For a DID list: the bytes its proof signs (did-proof.ts). */
    readonly proofPayload?: DidProofPayload
    /** For an EU gateway list: the gateway trust anchor certificates (DER), eu-dto.ts. */
    readonly trustAnchors?: readonly Uint8Array[]
  },
): Promise<DccTrustList> {
  switch (format) {
    case 'eu-dto':
      return loadEuDtoList(bytes, options)
    case 'verifier-service':
      return loadVerifierServiceList(bytes, options)
    case 'jwks':
      return loadJwksList(bytes, options)
    case 'did':
      if (options.signingKeys === undefined || Object.keys(options.signingKeys).length === 0) {
        throw new DccListError('DCC_LIST_SIGNATURE', 'a DID trust list needs the signing DID key', {
          field: 'signingKeys',
        })
      }
      return loadDidList(bytes, { ...options, signingKeys: options.signingKeys })
  }
}
