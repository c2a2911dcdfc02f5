/**
 * @module core/dcc/trust
 * The verifier's trust input as plain data: key id → the signer certificates (DSCs) that carry
 * it, each with its key, country, validity and extended key usage. A list, not one entry per
 * kid: 8 bytes can collide across countries, so every DSC with the kid is tried (hcert §3.3.1).
 * Loaders (EU gateway DTO, national lists, DID documents) build it with signerFromDsc; none of
 * them is here.
 */
import { sha256, toBase64 } from '../codec/index.ts'
import { readDsc } from './x509.ts'

export interface DccSigner {
  /** Base64 of the first 8 bytes of SHA-256 over the DSC's DER (hcert §3.3.1, Annex A). */
  readonly kid: string
  /** ISO 3166-1 alpha-2 of the country the trust list files it under. */
  readonly country: string | undefined
  readonly keyType: 'EC' | 'RSA'
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array
  /** POSIX seconds; undefined when the list gives no validity (a bare key). */
  readonly notBefore: number | undefined
  readonly notAfter: number | undefined
  /** Extended key usage OIDs; undefined when the DSC has none (it may sign every type). */
  readonly eku: readonly string[] | undefined
}

export interface DccTrust {
  readonly signers: ReadonlyMap<string, readonly DccSigner[]>
  /** POSIX seconds: when the list was current (a verifier may refuse it past a maximum age). */
  readonly asOf: number | undefined
}

/** The kid of a DSC: base64 of SHA-256(DER)[0..8]. */
export async function dscKid(der: Uint8Array): Promise<string> {
  return toBase64((await sha256(der)).subarray(0, 8))
}

/**
 * A signer from a DSC's DER; `country` is the list's (else the certificate subject's C),
 * `kid` the list's (else computed from the DER).
 */
export async function signerFromDsc(
  der: Uint8Array,
  listed: { country?: string; kid?: string } = {},
): Promise<DccSigner> {
  const info = readDsc(der)
  return {
    kid: listed.kid ?? (await dscKid(der)),
    country: listed.country ?? info.country,
    keyType: info.keyType,
    spki: info.spki,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    eku: info.eku,
  }
}

/** Indexes signers by kid (several per kid are kept, in the order given). */
export function dccTrust(signers: readonly DccSigner[], asOf?: number): DccTrust {
  const map = new Map<string, DccSigner[]>()
  for (const s of signers) {
    const list = map.get(s.kid)
    if (list === undefined) map.set(s.kid, [s])
    else list.push(s)
  }
  return { signers: map, asOf }
}
