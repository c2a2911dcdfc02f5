/**
 * @module core/dcc/certificate-signature
 * Whether one certificate was signed by another's key (RFC 5280 §6.1.3 (a)(1)), with WebCrypto:
 * ECDSA over P-256/P-384/P-521 with SHA-256/384/512 (RFC 5758 §3.2), RSASSA-PKCS1-v1_5 and
 * RSASSA-PSS (RFC 4055 §3.1, hash and salt from the parameters) — the algorithms CSCAs of the
 * DCC network use (dcc.md §4; DSCs dropped for RSA-PSS CSCAs were a known sync bug).
 */

import type { CertificateParts } from './certificate.ts'
import { children, oidText, type Tlv } from './der.ts'

const HASHES: Readonly<Record<string, string>> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
}
const ECDSA_HASH: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
}
const RSA_HASH: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
}
const RSA_PSS = '1.2.840.113549.1.1.10'
const EC_KEY = '1.2.840.10045.2.1'
const RSA_KEY = '1.2.840.113549.1.1.1'
const CURVES: Readonly<Record<string, { name: string; size: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
}

/** SEC 1 / RFC 3279 §2.2.3 ECDSA-Sig-Value (DER) → the fixed-size r‖s WebCrypto expects. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const [seq] = children(der)
    if (seq?.tag !== 0x30 || seq.raw.length !== der.length) return undefined
    const ints = children(seq.value)
    if (ints.length !== 2) return undefined
    const out = new Uint8Array(size * 2)
    for (const [i, int] of ints.entries()) {
      if (int.tag !== 0x02) return undefined
      let v = int.value
      while (v.length > 0 && v[0] === 0) v = v.subarray(1)
      if (v.length > size) return undefined
      out.set(v, i * size + size - v.length)
    }
    return out
  } catch {
    return undefined
  }
}

/** RFC 4055 §3.1 RSASSA-PSS-params: [0] hash (default SHA-1, refused), [2] saltLength (20). */
function pssParams(params: Tlv | undefined): { hash: string; saltLength: number } | undefined {
  if (params?.tag !== 0x30) return undefined
  let hash: string | undefined
  let saltLength = 20
  for (const field of children(params.value)) {
    const [inner] = children(field.value)
    if (field.tag === 0xa0 && inner?.tag === 0x30) {
      const [oid] = children(inner.value)
      if (oid?.tag === 0x06) hash = HASHES[oidText(oid.value)]
    } else if (field.tag === 0xa2 && inner?.tag === 0x02) {
      saltLength = inner.value.reduce((n, b) => n * 256 + b, 0)
    }
  }
  return hash === undefined ? undefined : { hash, saltLength }
}

/**
 * True when the public key `spki` (algorithm `keyAlgorithm`, EC `curve`) verifies `signature`
 * over `data` under the signature AlgorithmIdentifier `algorithm` (+ `params`). CMS (RFC 5652
 * §5.3, RFC 3370 §3.2, RFC 5753 §2.1.1) may name only the key algorithm (rsaEncryption,
 * id-ecPublicKey) and leave the hash to the digestAlgorithm: `digest` supplies it then.
 */
export async function verifyWithKey(
  key: { spki: Uint8Array; keyAlgorithm: string; curve: string | undefined },
  algorithm: string,
  params: Tlv | undefined,
  signature: Uint8Array,
  data: Uint8Array,
  digest?: string,
): Promise<boolean> {
  const spki = key.spki as Uint8Array<ArrayBuffer>
  const signed = data as Uint8Array<ArrayBuffer>
  try {
    const ecHash = ECDSA_HASH[algorithm] ?? (algorithm === EC_KEY ? digest : undefined)
    if (ecHash !== undefined) {
      const curve = CURVES[key.curve ?? '']
      if (key.keyAlgorithm !== EC_KEY || curve === undefined) return false
      const raw = ecdsaDerToRaw(signature, curve.size)
      if (raw === undefined) return false
      const imported = await crypto.subtle.importKey(
        'spki',
        spki,
        { name: 'ECDSA', namedCurve: curve.name },
        false,
        ['verify'],
      )
      return crypto.subtle.verify(
        { name: 'ECDSA', hash: ecHash },
        imported,
        raw as Uint8Array<ArrayBuffer>,
        signed,
      )
    }
    if (key.keyAlgorithm !== RSA_KEY) return false
    const sig = signature as Uint8Array<ArrayBuffer>
    const pkcs1Hash = RSA_HASH[algorithm] ?? (algorithm === RSA_KEY ? digest : undefined)
    if (pkcs1Hash !== undefined) {
      const imported = await crypto.subtle.importKey(
        'spki',
        spki,
        { name: 'RSASSA-PKCS1-v1_5', hash: pkcs1Hash },
        false,
        ['verify'],
      )
      return crypto.subtle.verify('RSASSA-PKCS1-v1_5', imported, sig, signed)
    }
    if (algorithm !== RSA_PSS) return false
    const pss = pssParams(params)
    if (pss === undefined) return false
    const imported = await crypto.subtle.importKey(
      'spki',
      spki,
      { name: 'RSA-PSS', hash: pss.hash },
      false,
      ['verify'],
    )
    return crypto.subtle.verify(
      { name: 'RSA-PSS', saltLength: pss.saltLength },
      imported,
      sig,
      signed,
    )
  } catch {
    // A key WebCrypto cannot import is a key that verifies nothing.
    return false
  }
}

/** The WebCrypto name of a digest AlgorithmIdentifier's OID (SHA-256/384/512), if supported. */
export const digestName = (oid: string): string | undefined => HASHES[oid]

/** True when `issuer`'s key verifies `child`'s signature over its tbsCertificate. */
export function isSignedBy(child: CertificateParts, issuer: CertificateParts): Promise<boolean> {
  return verifyWithKey(
    issuer,
    child.signatureAlgorithm,
    child.signatureParams,
    child.signature,
    child.tbs,
  )
}
