/**
 * @module core/shc/verify
 * Verifying a SMART Health Card strictly to SHC 1.4, undoing the issuer's steps: input (QR text
 * or JWS) → header → bounded inflate → `iss` → the issuer's key by `kid` → ES256 signature →
 * claims at `now` → revocation when the key has `crlVersion`. Every byte is attacker-controlled;
 * any failure throws one ShcError code. Content rules (which vaccines count) are another layer.
 */

import type { JsonObject } from '../codec/index.ts'
import { utf8 } from '../codec/index.ts'
import { lintBundleMinimisation } from './bundle-lint.ts'
import { checkNow, checkShcClaims, type ShcPayload } from './claims.ts'
import { ShcError, type ShcWarning } from './errors.ts'
import { checkIssuerUrl } from './issuer-url.ts'
import { parseShcJws, type ShcHeader } from './jws.ts'
import type { ShcPublicJwk } from './keyset.ts'
import { decodeShcPayload } from './payload.ts'
import { readShcQr } from './qr-read.ts'
import { checkRevocation } from './revocation.ts'
import { resolveCrl, resolveIssuerKey, type ShcTrust } from './trust.ts'
import { verifyShcSignature } from './verify-signature.ts'

export interface VerifyShcInput {
  /** Scanned QR text, or the texts of a legacy chunked set in any order. */
  readonly qr?: string | readonly string[]
  /** A compact JWS (e.g. from a `.smart-health-card` file). */
  readonly jws?: string
}

export interface VerifiedShc {
  readonly jws: string
  /** The JWS as bytes (ASCII), as signed and as hashed into the ledger leaf. */
  readonly jwsBytes: Uint8Array
  readonly header: ShcHeader
  readonly payload: ShcPayload
  readonly iss: string
  readonly kid: string
  readonly jwk: ShcPublicJwk
  readonly bundle: JsonObject
  readonly warnings: readonly ShcWarning[]
  /** false when the CRL was checked and does not revoke the card; undefined when not checked. */
  readonly revoked?: false
}

function readInput(input: VerifyShcInput): { jws: string; warnings: ShcWarning[] } {
  if ((input.qr === undefined) === (input.jws === undefined)) {
    throw new ShcError('SHC_INPUT', 'give exactly one of qr and jws')
  }
  if (input.qr !== undefined) return readShcQr(input.qr)
  const raw = input.jws ?? ''
  const jws = raw.trim()
  return jws === raw
    ? { jws, warnings: [] }
    : { jws, warnings: [{ code: 'SHC_WHITESPACE_TRIMMED', message: 'whitespace around JWS' }] }
}

async function checkRevocationStatus(
  trust: ShcTrust,
  payload: ShcPayload,
  jwk: ShcPublicJwk,
  warnings: ShcWarning[],
): Promise<false | undefined> {
  const { crlVersion } = jwk
  if (crlVersion === undefined) return undefined
  if (trust.resolveCrl === undefined) {
    warnings.push({ code: 'SHC_REVOCATION_UNCHECKED', message: 'no CRL resolver configured' })
    return undefined
  }
  const crl = await resolveCrl(trust.resolveCrl, payload.iss, { ...jwk, crlVersion })
  const rid = payload.vc.rid
  if (rid === undefined) return undefined // pre-1.2 cards: not revocable by rid
  const status = checkRevocation({ rid, nbf: payload.nbf }, crl)
  if (status.revoked) {
    throw new ShcError('SHC_REVOKED', `card revoked by CRL entry ${status.entry}`, {
      field: 'vc.rid',
    })
  }
  return false
}

/** Verifies one card at time `now` (NumericDate seconds) against the caller's trust material. */
export async function verifyShc(
  input: VerifyShcInput,
  trust: ShcTrust,
  now: number,
): Promise<VerifiedShc> {
  checkNow(now)
  const { jws, warnings } = readInput(input)
  const parsed = parseShcJws(jws)
  const { header, deflated } = parsed
  const decoded = await decodeShcPayload(deflated)
  warnings.push(...decoded.warnings)
  const iss = checkIssuerUrl(decoded.claims.iss, {
    allowLoopbackHttp: trust.allowLoopbackHttp === true,
  })
  const jwk = await resolveIssuerKey(trust, iss, header.kid)
  const jwsBytes = utf8(jws)
  await verifyShcSignature(jws, jwk, parsed, trust.es256, jwsBytes)
  const claims = checkShcClaims(decoded.claims, now)
  const { payload } = claims
  const bundle = payload.vc.credentialSubject.fhirBundle
  warnings.push(...claims.warnings, ...lintBundleMinimisation(bundle))
  const revoked = await checkRevocationStatus(trust, payload, jwk, warnings)
  return {
    jws,
    jwsBytes,
    header,
    payload,
    iss,
    kid: header.kid,
    jwk,
    bundle,
    warnings,
    ...(revoked === undefined ? {} : { revoked }),
  }
}
