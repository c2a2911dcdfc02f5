/**
 * @module services/staff/webauthn
 * The relying party (RP ID and origin from `config.publicUrl`) and the checks Vigil makes on a
 * ceremony response before @simplewebauthn/server verifies its signature, so that each failure
 * has its own code: client data, origin (WebAuthn §7.1 step 9 / §7.2 step 13), RP ID hash
 * (step 15), user verification (step 17) and the signature counter (§6.1.1).
 */
import { equalBytes, sha256, utf8 } from '../../core/codec/index.ts'
import type { Config } from '../../platform/config/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface RelyingParty {
  /** The host name of the public URL (WebAuthn §5.1.2: a registrable domain suffix, no port). */
  id: string
  name: string
  /** scheme://host[:port] of the public URL: the only origin a ceremony may come from. */
  origin: string
}

/**
 * @simplewebauthn/server is loaded at the first ceremony, not at start: its module set-up (X.509
 * and ASN.1 schemas) was about 45 ms of every `vigil serve` start (issue 23).
 */
let server: Promise<typeof import('@simplewebauthn/server')> | undefined
let helpers: Promise<typeof import('@simplewebauthn/server/helpers')> | undefined
export const webauthnServer = () => {
  server ??= import('@simplewebauthn/server')
  return server
}
const webauthnHelpers = () => {
  helpers ??= import('@simplewebauthn/server/helpers')
  return helpers
}

export function relyingParty(config: Pick<Config, 'publicUrl'>): RelyingParty {
  const url = new URL(config.publicUrl)
  return { id: url.hostname, name: 'Vigil', origin: url.origin }
}

/** Ceremonies wait this long; the challenge expires with them. */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000

export interface ClientData {
  type: string
  challenge: string
  origin: string
  crossOrigin?: boolean
}

/** Attacker-controlled: clientDataJSON is decoded defensively and only its known fields read. */
export async function readClientData(clientDataJSON: string, type: string): Promise<ClientData> {
  const { decodeClientDataJSON } = await webauthnHelpers()
  let data: ClientData
  try {
    data = decodeClientDataJSON(clientDataJSON)
  } catch (cause) {
    throw new ServiceError('WEBAUTHN_MALFORMED', 'clientDataJSON is not base64url JSON', {
      field: 'response.clientDataJSON',
      cause,
    })
  }
  if (typeof data?.challenge !== 'string' || typeof data.origin !== 'string')
    throw new ServiceError('WEBAUTHN_MALFORMED', 'clientDataJSON lacks challenge or origin', {
      field: 'response.clientDataJSON',
    })
  if (data.type !== type)
    throw new ServiceError('WEBAUTHN_MALFORMED', `expected a ${type} response, got ${data.type}`, {
      field: 'response.clientDataJSON',
    })
  return data
}

export function checkOrigin(data: ClientData, rp: RelyingParty): void {
  if (data.origin !== rp.origin || data.crossOrigin === true)
    throw new ServiceError(
      'WEBAUTHN_ORIGIN',
      `the ceremony ran on ${data.origin.slice(0, 100)}, not on ${rp.origin}`,
      { field: 'response.clientDataJSON' },
    )
}

export interface AuthData {
  counter: number
  userVerified: boolean
}

/** RP ID hash and flags of authenticator data (raw bytes). */
export async function checkAuthData(authData: Uint8Array, rp: RelyingParty): Promise<AuthData> {
  const { parseAuthenticatorData } = await webauthnHelpers()
  let parsed: ReturnType<typeof parseAuthenticatorData>
  try {
    parsed = parseAuthenticatorData(new Uint8Array(authData))
  } catch (cause) {
    throw new ServiceError('WEBAUTHN_MALFORMED', 'authenticator data cannot be parsed', {
      field: 'response.authenticatorData',
      cause,
    })
  }
  if (!equalBytes(parsed.rpIdHash, await sha256(utf8(rp.id))))
    throw new ServiceError('WEBAUTHN_RP_ID', `the credential is not scoped to ${rp.id}`, {
      field: 'response.authenticatorData',
    })
  if (!parsed.flags.up || !parsed.flags.uv)
    throw new ServiceError(
      'WEBAUTHN_USER_VERIFICATION',
      'the authenticator did not verify the user (PIN or biometrics are required)',
      { field: 'response.authenticatorData' },
    )
  return { counter: parsed.counter, userVerified: parsed.flags.uv }
}

/** The authenticator data inside a registration's attestation object. */
export async function registrationAuthData(attestationObject: string): Promise<Uint8Array> {
  const { decodeAttestationObject, isoBase64URL } = await webauthnHelpers()
  try {
    return decodeAttestationObject(isoBase64URL.toBuffer(attestationObject)).get('authData')
  } catch (cause) {
    throw new ServiceError('WEBAUTHN_MALFORMED', 'attestationObject is not CBOR', {
      field: 'response.attestationObject',
      cause,
    })
  }
}

export async function assertionAuthData(authenticatorData: string): Promise<Uint8Array> {
  const { isoBase64URL } = await webauthnHelpers()
  try {
    return isoBase64URL.toBuffer(authenticatorData)
  } catch (cause) {
    throw new ServiceError('WEBAUTHN_MALFORMED', 'authenticatorData is not base64url', {
      field: 'response.authenticatorData',
      cause,
    })
  }
}

/**
 * §6.1.1: a counter that does not grow means a cloned authenticator or a replay. Authenticators
 * without a counter always send 0, which is allowed only while the stored value is 0 too.
 */
export function checkCounter(stored: number, received: number): void {
  if ((received !== 0 || stored !== 0) && received <= stored)
    throw new ServiceError(
      'WEBAUTHN_COUNTER',
      `the signature counter went from ${stored} to ${received}: the passkey may be cloned`,
      { field: 'response.authenticatorData' },
    )
}
