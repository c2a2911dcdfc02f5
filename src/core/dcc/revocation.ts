/**
 * @module core/dcc/revocation
 * Revocation of single certificates by hash (dcc.md §6, the EU gateway's revocation batches):
 * the first 16 bytes of SHA-256 over the UCI (`UCI`), the issuing country followed by the UCI
 * (`COUNTRYCODEUCI`), or the signature (`SIGNATURE`: for ECDSA only its first half, r; for RSA
 * all of it). The lists are plain data per signer kid and hash type, base64 as the gateway
 * writes them, so any loader can feed them.
 */
import { concatBytes, sha256, toBase64, utf8 } from '../codec/index.ts'
import { DccError } from './errors.ts'

export const DCC_HASH_TYPES = ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const
export type DccHashType = (typeof DCC_HASH_TYPES)[number]

/** kid (base64) → hash type → revoked hashes (base64 of 16 bytes). */
export type DccRevocationList = Readonly<
  Record<string, Readonly<Partial<Record<DccHashType, readonly string[]>>>>
>

export interface RevocationInput {
  readonly kid: string
  /** The CWT `iss` (issuing country). */
  readonly iss: string | undefined
  /** The entry's `ci` (undefined for a payload without one: only the signature is hashed). */
  readonly uci: string | undefined
  readonly signature: Uint8Array
  readonly keyType: 'EC' | 'RSA'
}

async function hash16(bytes: Uint8Array): Promise<string> {
  return toBase64((await sha256(bytes)).subarray(0, 16))
}

/** The three hashes of a certificate (base64 of 16 bytes each). */
export async function dccRevocationHashes(
  input: Omit<RevocationInput, 'kid' | 'uci'> & { readonly uci: string },
): Promise<Record<DccHashType, string>> {
  const sig =
    input.keyType === 'EC'
      ? input.signature.subarray(0, input.signature.length / 2)
      : input.signature
  return {
    UCI: await hash16(utf8(input.uci)),
    COUNTRYCODEUCI: await hash16(concatBytes(utf8(input.iss ?? ''), utf8(input.uci))),
    SIGNATURE: await hash16(sig),
  }
}

/** Sets per list array, made once (a list lives as long as its arrays). */
const sets = new WeakMap<readonly string[], Set<string>>()

function asSet(list: readonly string[]): Set<string> {
  let set = sets.get(list)
  if (set === undefined) {
    set = new Set(list)
    sets.set(list, set)
  }
  return set
}

/**
 * Throws DCC_REVOKED (field: the hash type) when a hash of the certificate is on its signer's
 * list; returns the hash types that were checked (none: the signer has no list).
 */
export async function checkDccRevocation(
  input: RevocationInput,
  revoked: DccRevocationList,
): Promise<DccHashType[]> {
  const lists = Object.hasOwn(revoked, input.kid) ? revoked[input.kid] : undefined
  if (lists === undefined) return []
  const types = DCC_HASH_TYPES.filter(
    (t) => (lists[t]?.length ?? 0) > 0 && (t === 'SIGNATURE' || input.uci !== undefined),
  )
  if (types.length === 0) return []
  const hashes = await dccRevocationHashes({ ...input, uci: input.uci ?? '' })
  for (const t of types) {
    if (asSet(lists[t] as readonly string[]).has(hashes[t])) {
      throw new DccError('DCC_REVOKED', `revoked (${t} hash on the list)`, { field: t })
    }
  }
  return types
}
