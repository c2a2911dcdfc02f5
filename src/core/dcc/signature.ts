/**
 * @module core/dcc/signature
 * The COSE_Sign1 signature against the signers that carry its kid (hcert §3.3.1: the kid is
 * not security-critical, so every DSC with it is tried). ES256 is the raw 64-byte r‖s over the
 * Sig_structure (RFC 9053 §2.1), PS256 is RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte
 * salt (RFC 8230 §2). The algorithm is bound to the key type, so an unprotected `alg` (vector
 * CO20) can pick nothing the key would not allow anyway (dcc.md §2).
 */
import { toBase64 } from '../codec/index.ts'
import { ALG_ES256, ALG_PS256, type CoseSign1, sigStructure } from './cose.ts'
import { DccError } from './errors.ts'
import type { DccSigner, DccTrust } from './trust.ts'

const ES256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const PS256 = { name: 'RSA-PSS', hash: 'SHA-256' } as const

/** Imported keys per signer object (a trust list lives as long as its signers). */
const keys = new WeakMap<DccSigner, Promise<CryptoKey>>()

function importKey(signer: DccSigner): Promise<CryptoKey> {
  let key = keys.get(signer)
  if (key === undefined) {
    const spki = signer.spki as Uint8Array<ArrayBuffer>
    key = crypto.subtle.importKey('spki', spki, signer.keyType === 'EC' ? ES256 : PS256, false, [
      'verify',
    ])
    key.catch(() => keys.delete(signer))
    keys.set(signer, key)
  }
  return key
}

/** hcert §3.2 and the key type: EC keys sign ES256 only, RSA keys PS256 only. */
function algOf(signer: DccSigner): typeof ALG_ES256 | typeof ALG_PS256 {
  return signer.keyType === 'EC' ? ALG_ES256 : ALG_PS256
}

/**
 * A signature check: true when `signature` verifies over `data` under the signer's key with
 * `alg` (the one its key type allows); throws when the key cannot be imported. The default is
 * WebCrypto (browsers, Workers, Node); Node verifiers may pass a synchronous node:crypto one
 * (platform/node-crypto dcc.ts), which skips WebCrypto's thread-pool round trip.
 */
export type DccSignatureVerify = (
  signer: DccSigner,
  alg: 'ES256' | 'PS256',
  data: Uint8Array,
  signature: Uint8Array,
) => boolean | Promise<boolean>

export const webCryptoDccVerify: DccSignatureVerify = async (signer, alg, data, signature) => {
  const params = alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { ...PS256, saltLength: 32 }
  return crypto.subtle.verify(
    params,
    await importKey(signer),
    signature as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  )
}

async function verifyWith(
  cose: CoseSign1,
  signer: DccSigner,
  data: Uint8Array,
  verify: DccSignatureVerify,
): Promise<boolean> {
  // ES256 is exactly 64 bytes (BasicDgcTestsList CO24: an over-long one must fail, not crash).
  if (cose.alg === ALG_ES256 && cose.signature.length !== 64) return false
  try {
    const result = verify(signer, cose.alg === ALG_ES256 ? 'ES256' : 'PS256', data, cose.signature)
    return typeof result === 'boolean' ? result : await result
  } catch (cause) {
    throw new DccError('DCC_TRUST', `the key of signer ${signer.kid} is unusable`, {
      field: 'dsc',
      cause,
    })
  }
}

/** The certificate's kid as base64 (how trust lists write it), or undefined. */
export function kidOf(cose: CoseSign1): string | undefined {
  return cose.kid === undefined ? undefined : toBase64(cose.kid)
}

/**
 * The signer whose key verifies the signature. Throws DCC_KID_UNKNOWN when no trusted DSC has
 * the kid, DCC_ALG when the header's alg fits none of their keys, DCC_SIGNATURE when none
 * verifies.
 */
export async function verifyDccSignature(
  cose: CoseSign1,
  trust: DccTrust,
  verify: DccSignatureVerify = webCryptoDccVerify,
): Promise<DccSigner> {
  const kid = kidOf(cose)
  const candidates = kid === undefined ? undefined : trust.signers.get(kid)
  if (kid === undefined || candidates === undefined || candidates.length === 0) {
    throw new DccError(
      'DCC_KID_UNKNOWN',
      kid === undefined ? 'the certificate names no kid' : `no trusted signer has kid ${kid}`,
      { field: 'kid' },
    )
  }
  const fitting = candidates.filter((s) => algOf(s) === cose.alg)
  if (fitting.length === 0) {
    const named = cose.alg === undefined ? 'no alg' : `alg ${cose.alg}`
    const types = [...new Set(candidates.map((s) => s.keyType))].join('/')
    throw new DccError('DCC_ALG', `${named} does not fit the ${types} key of signer ${kid}`, {
      field: 'alg',
    })
  }
  const data = sigStructure(cose)
  for (const signer of fitting) {
    if (await verifyWith(cose, signer, data, verify)) return signer
  }
  throw new DccError('DCC_SIGNATURE', 'the signature does not verify', { field: 'signature' })
}
