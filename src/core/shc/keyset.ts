/**
 * @module core/shc/keyset
 * Issuer key sets (§Determining keys associated with an issuer): each SHC signing JWK has
 * kty EC, crv P-256, use sig, alg ES256, x/y of 32 bytes, kid = its RFC 7638 SHA-256 thumbprint,
 * no private `d`, an optional `crlVersion` (integer ≥ 1) and optional `x5c` (base64 DER
 * certificates; format-checked only: Vigil verifies as a plain-JWKS verifier, no PKI path).
 * Key sets come from the trust configuration but are still treated as untrusted input.
 */
import { calculateJwkThumbprint } from 'jose'
import { fromBase64, fromBase64Url, isJsonObject } from '../codec/index.ts'
import { ShcError } from './errors.ts'
import { parseCounter, parseJsonObject } from './json.ts'
import { MAX_KEYS, MAX_KEYSET_LENGTH } from './limits.ts'

const MAX_X5C = 10

export interface ShcPublicJwk {
  readonly kty: 'EC'
  readonly crv: 'P-256'
  readonly x: string
  readonly y: string
  readonly kid: string
  readonly use: 'sig'
  readonly alg: 'ES256'
  readonly crlVersion?: number
  readonly x5c?: readonly string[]
}

function invalid(message: string, field: string): ShcError {
  return new ShcError('SHC_KEYSET_INVALID', message, { field })
}

function isCoordinate(value: unknown): value is string {
  try {
    return typeof value === 'string' && fromBase64Url(value).length === 32
  } catch {
    return false
  }
}

function isCertificateChain(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_X5C) return false
  return value.every((cert) => {
    try {
      return typeof cert === 'string' && fromBase64(cert).length > 0
    } catch {
      return false
    }
  })
}

/** The `keys` array of a key set given as parsed JSON or JSON text. */
export function readKeySetKeys(input: unknown): unknown[] {
  const set =
    typeof input === 'string'
      ? parseJsonObject(input, MAX_KEYSET_LENGTH, 'SHC_KEYSET_INVALID', 'keys')
      : input
  if (!isJsonObject(set) || !Array.isArray(set.keys)) throw invalid('not a JWK set', 'keys')
  if (set.keys.length > MAX_KEYS) throw invalid('too many keys', 'keys')
  return set.keys
}

/** Checks one JWK against the SHC rules; `field` names it in errors (e.g. `keys[2]`). */
/** Bound on the thumbprint cache (a verifier trusts a few hundred issuer keys at most). */
const THUMBPRINT_CACHE_LIMIT = 1024
/** RFC 7638 thumbprints by `x.y`: a pure function, and a digest per card adds up at a venue. */
const thumbprints = new Map<string, Promise<string>>()

function thumbprintOf(x: string, y: string): Promise<string> {
  const id = `${x}.${y}`
  let thumbprint = thumbprints.get(id)
  if (thumbprint === undefined) {
    thumbprint = calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }, 'sha256')
    thumbprint.catch(() => thumbprints.delete(id))
    if (thumbprints.size >= THUMBPRINT_CACHE_LIMIT) thumbprints.clear()
    thumbprints.set(id, thumbprint)
  }
  return thumbprint
}

export async function checkShcJwk(jwk: unknown, field: string): Promise<ShcPublicJwk> {
  if (!isJsonObject(jwk)) throw invalid('key is not an object', field)
  if (jwk.kty !== 'EC') throw invalid('kty must be EC', `${field}.kty`)
  if (jwk.crv !== 'P-256') throw invalid('crv must be P-256', `${field}.crv`)
  if (jwk.use !== 'sig') throw invalid('use must be sig', `${field}.use`)
  if (jwk.alg !== 'ES256') throw invalid('alg must be ES256', `${field}.alg`)
  if ('d' in jwk) throw invalid('a published key must not hold private d', `${field}.d`)
  if (!isCoordinate(jwk.x)) throw invalid('x must be 32 bytes base64url', `${field}.x`)
  if (!isCoordinate(jwk.y)) throw invalid('y must be 32 bytes base64url', `${field}.y`)
  const crlVersion = jwk.crlVersion === undefined ? undefined : parseCounter(jwk.crlVersion)
  if (jwk.crlVersion !== undefined && crlVersion === undefined) {
    throw invalid('crlVersion must be an integer ≥ 1', `${field}.crlVersion`)
  }
  if (jwk.x5c !== undefined && !isCertificateChain(jwk.x5c)) {
    throw invalid('x5c must be base64 DER certificates', `${field}.x5c`)
  }
  const { x, y } = jwk
  const thumbprint = await thumbprintOf(x, y)
  if (jwk.kid !== thumbprint) throw invalid('kid is not the RFC 7638 thumbprint', `${field}.kid`)
  return {
    kty: 'EC',
    crv: 'P-256',
    x,
    y,
    kid: thumbprint,
    use: 'sig',
    alg: 'ES256',
    ...(crlVersion === undefined ? {} : { crlVersion }),
    ...(jwk.x5c === undefined ? {} : { x5c: jwk.x5c }),
  }
}

/**
 * Strict check of a whole key set (Vigil's own published set, or an audit of an issuer's): every
 * key must be an SHC signing key. Verifiers use selectIssuerKey, which tolerates unrelated keys.
 */
export async function validateIssuerKeySet(input: unknown): Promise<ShcPublicJwk[]> {
  const keys = readKeySetKeys(input)
  if (keys.length === 0) throw invalid('key set is empty', 'keys')
  const checked: ShcPublicJwk[] = []
  for (const [i, key] of keys.entries()) checked.push(await checkShcJwk(key, `keys[${i}]`))
  const kids = new Set(checked.map((k) => k.kid))
  if (kids.size !== checked.length) throw invalid('duplicate kid', 'keys')
  return checked
}

/**
 * The key with this `kid` from the key set of the card's own issuer. Unrelated keys (RSA, enc…)
 * are ignored (smart-on-fhir/health-cards-dev-tools#33, #74); only the selected one must follow
 * the SHC rules.
 */
export async function selectIssuerKey(input: unknown, kid: string): Promise<ShcPublicJwk> {
  const keys = readKeySetKeys(input)
  const index = keys.findIndex((k) => isJsonObject(k) && k.kid === kid)
  if (index < 0) {
    throw new ShcError('SHC_KEY_NOT_FOUND', 'no key with this kid for the issuer', { field: 'kid' })
  }
  if (keys.findIndex((k, i) => i > index && isJsonObject(k) && k.kid === kid) >= 0) {
    throw invalid('two keys share the kid', 'keys')
  }
  return checkShcJwk(keys[index], `keys[${index}]`)
}
