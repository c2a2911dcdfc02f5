/**
 * @module core/shc/issue
 * Issuing a SMART Health Card (SHC 1.4 §Issuer Generates Results, §Health Cards are Compact):
 * minimised bundle → claims `{iss, nbf, [exp], vc:{type, credentialSubject:{fhirVersion,
 * fhirBundle}, [rid]}}` → minified JSON → raw DEFLATE → compact JWS ES256 with header `{zip:"DEF",
 * alg:"ES256", kid}`, kid = RFC 7638 thumbprint. No `crit`. The result is not size-checked:
 * encodeShcQr refuses cards that do not fit one QR.
 */
import { CompactSign, calculateJwkThumbprint, exportJWK, type JWK } from 'jose'
import type { JsonObject } from '../codec/index.ts'
import { toBase64Url, utf8 } from '../codec/index.ts'
import { checkShcClaims, type ShcPayload } from './claims.ts'
import { deflateRaw } from './deflate.ts'
import { ShcError } from './errors.ts'
import { checkIssuerUrl } from './issuer-url.ts'
import { FHIR_VERSION, HEALTH_CARD_TYPE } from './limits.ts'
import { type MinimiseOptions, minimiseBundle } from './minimise.ts'
import { verifyShcSignature } from './verify-signature.ts'

export interface ShcKeyPair {
  /** ES256 (ECDSA P-256) signing key; may be non-extractable. */
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  /**
   * The same private key's ES256 signature (64-byte r‖s) through a faster path than WebCrypto
   * (node:crypto on the server). Optional; the first card is still checked against `publicKey`.
   */
  readonly sign?: (signingInput: Uint8Array) => Uint8Array | Promise<Uint8Array>
}

export interface BuildShcPayloadInput {
  /** The built FHIR Bundle (JSON); it is minimised here, never changed in place. */
  readonly bundle: unknown
  readonly iss: string
  /** Issuance time, NumericDate seconds. */
  readonly nbf: number
  /** Optional expiry, NumericDate seconds (rare: e.g. visitor passes). */
  readonly exp?: number
  /** Optional revocation id (see computeRid). */
  readonly rid?: string
  /** Extra `vc.type` entries after `#health-card` (the 1.4.0 labels are deprecated). */
  readonly types?: readonly string[]
  readonly minimise?: MinimiseOptions
  /** Development deployments on http://localhost (see checkIssuerUrl). */
  readonly allowLoopbackHttp?: boolean
}

export interface IssueShcInput extends BuildShcPayloadInput {
  readonly keyPair: ShcKeyPair
}

async function exportPublicJwk(key: CryptoKey): Promise<JWK> {
  try {
    return await exportJWK(key)
  } catch (cause) {
    throw new ShcError('SHC_SIGNING_KEY', 'the public key cannot be exported', { cause })
  }
}

/** The SHC `kid` of a P-256 public key: its base64url SHA-256 JWK thumbprint (RFC 7638). */
export async function computeKid(publicKey: CryptoKey | JWK): Promise<string> {
  const jwk = 'type' in publicKey ? await exportPublicJwk(publicKey) : publicKey
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.x === undefined || jwk.y === undefined) {
    throw new ShcError('SHC_SIGNING_KEY', 'SHC keys are EC P-256')
  }
  return calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'sha256')
}

/** The claims object of a card, checked as a verifier would check it at `nbf`. */
export function buildShcPayload(input: BuildShcPayloadInput): ShcPayload {
  const types = input.types ?? []
  if (types.includes('VerifiableCredential') || types.includes(HEALTH_CARD_TYPE)) {
    throw new ShcError('SHC_VC_TYPE', 'extra types must not repeat #health-card or name VC', {
      field: 'vc.type',
    })
  }
  if (!Number.isFinite(input.nbf) || input.nbf < 0) {
    throw new ShcError('SHC_NBF_INVALID', 'nbf must be a NumericDate', { field: 'nbf' })
  }
  const payload: JsonObject = {
    iss: checkIssuerUrl(input.iss, { allowLoopbackHttp: input.allowLoopbackHttp === true }),
    nbf: input.nbf,
    ...(input.exp === undefined ? {} : { exp: input.exp }),
    vc: {
      type: [HEALTH_CARD_TYPE, ...types],
      credentialSubject: {
        fhirVersion: FHIR_VERSION,
        fhirBundle: minimiseBundle(input.bundle, input.minimise),
      },
      ...(input.rid === undefined ? {} : { rid: input.rid }),
    },
  }
  return checkShcClaims(payload, input.nbf).payload
}

/** The public JWK and kid of a key, per CryptoKey (keys are immutable). */
const publicInfo = new WeakMap<CryptoKey, Promise<{ jwk: JWK; kid: string }>>()
/** Private key (or injected signer) → the public key it was shown to match (one verified signature). */
const matched = new WeakMap<object, CryptoKey>()

function publicInfoOf(key: CryptoKey): Promise<{ jwk: JWK; kid: string }> {
  let info = publicInfo.get(key)
  if (info === undefined) {
    info = exportPublicJwk(key).then(async (jwk) => ({ jwk, kid: await computeKid(jwk) }))
    info.catch(() => publicInfo.delete(key))
    publicInfo.set(key, info)
  }
  return info
}

/**
 * Signs a claims object as-is (minified JSON, raw DEFLATE, ES256). The first signature of a key
 * pair is verified with the public key, so a mismatched key pair cannot produce cards; CryptoKeys
 * are immutable, so a pair once matched stays matched.
 */
export async function signShcPayload(payload: JsonObject, keyPair: ShcKeyPair): Promise<string> {
  const { jwk: publicJwk, kid } = await publicInfoOf(keyPair.publicKey)
  const deflated = await deflateRaw(utf8(JSON.stringify(payload)))
  let jws: string
  try {
    jws =
      keyPair.sign === undefined
        ? await new CompactSign(deflated)
            .setProtectedHeader({ zip: 'DEF', alg: 'ES256', kid })
            .sign(keyPair.privateKey)
        : await compactSign(deflated, kid, keyPair.sign)
  } catch (cause) {
    throw new ShcError('SHC_SIGNING_KEY', 'the private key cannot sign ES256', { cause })
  }
  const signing: object = keyPair.sign ?? keyPair.privateKey
  if (matched.get(signing) === keyPair.publicKey) return jws
  const { x = '', y = '' } = publicJwk
  try {
    await verifyShcSignature(jws, { kty: 'EC', crv: 'P-256', x, y, kid, use: 'sig', alg: 'ES256' })
  } catch (cause) {
    throw new ShcError('SHC_SIGNING_KEY', 'private and public keys do not match', { cause })
  }
  matched.set(signing, keyPair.publicKey)
  return jws
}

/** RFC 7515 §7.1 compact serialisation, signing input = ASCII(header64 '.' payload64). */
async function compactSign(
  payload: Uint8Array,
  kid: string,
  sign: NonNullable<ShcKeyPair['sign']>,
): Promise<string> {
  const header = toBase64Url(utf8(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid })))
  const input = `${header}.${toBase64Url(payload)}`
  const signature = await sign(utf8(input))
  if (signature.length !== 64) throw new Error('ES256 signature is not 64 bytes (r‖s)')
  return `${input}.${toBase64Url(signature)}`
}

/** Issues one card and returns its compact JWS. */
export async function issueShc(input: IssueShcInput): Promise<string> {
  return signShcPayload(buildShcPayload(input), input.keyPair)
}
