/**
 * @module services/staff/register
 * The registration ceremony shared by enrolment (a new person, from an invitation) and adding a
 * passkey (a signed-in person): options with a stored challenge, then the response checked step
 * by step (challenge, origin, RP ID, user verification) and its attestation verified.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server'
import { eq } from 'drizzle-orm'
import type { ServiceContext } from '../../platform/context/index.ts'
import { passkeys } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import {
  type Binding,
  type ConsumedChallenge,
  consumeChallenge,
  issueChallenge,
} from './challenges.ts'
import {
  CEREMONY_TIMEOUT_MS,
  checkAuthData,
  checkOrigin,
  readClientData,
  registrationAuthData,
  relyingParty,
  webauthnServer,
} from './webauthn.ts'

export interface NewPasskey {
  credentialId: string
  publicKey: Uint8Array
  counter: number
  transports: string[]
  deviceType: string
  backedUp: boolean
}

/** Options for `startRegistration()`; the person's other passkeys are excluded. */
export async function registrationOptions(
  ctx: ServiceContext,
  purpose: 'enrol' | 'add-passkey',
  person: { name: string; userHandle: Uint8Array },
  binding: Binding,
  exclude: { credentialId: string; transports: string[] }[] = [],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty(ctx.config)
  const { bytes } = await issueChallenge(ctx, purpose, {
    ...binding,
    userHandle: person.userHandle,
  })
  const { generateRegistrationOptions } = await webauthnServer()
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: person.name,
    userDisplayName: person.name,
    // simplewebauthn wants ArrayBuffer-backed views: copy.
    userID: new Uint8Array(person.userHandle),
    challenge: new Uint8Array(bytes),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    // A discoverable credential (sign-in without a user name) with user verification: a passkey.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    excludeCredentials: exclude.map((p) => ({ id: p.credentialId, transports: p.transports })),
  })
}

/** Verifies a registration response; each failed step throws its own ServiceError code. */
export async function verifyRegistration(
  ctx: ServiceContext,
  response: RegistrationResponseJSON,
  purpose: 'enrol' | 'add-passkey',
  binding: Omit<Binding, 'userHandle'>,
): Promise<NewPasskey & { challenge: ConsumedChallenge }> {
  const rp = relyingParty(ctx.config)
  const clientData = await readClientData(response.response.clientDataJSON, 'webauthn.create')
  const challenge = await consumeChallenge(ctx, clientData.challenge, purpose, binding)
  checkOrigin(clientData, rp)
  await checkAuthData(await registrationAuthData(response.response.attestationObject), rp)
  const { verifyRegistrationResponse } = await webauthnServer()
  let verified: VerifiedRegistrationResponse
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    })
  } catch (cause) {
    throw new ServiceError('WEBAUTHN_ATTESTATION', 'the new passkey could not be verified', {
      field: 'response.attestationObject',
      cause,
    })
  }
  if (!verified.verified)
    throw new ServiceError('WEBAUTHN_ATTESTATION', 'the new passkey could not be verified', {
      field: 'response.attestationObject',
    })
  const info = verified.registrationInfo
  const [existing] = await ctx.db
    .select({ id: passkeys.id })
    .from(passkeys)
    .where(eq(passkeys.credentialId, info.credential.id))
  if (existing !== undefined)
    throw new ServiceError('WEBAUTHN_CREDENTIAL_EXISTS', 'this passkey is already registered', {
      field: 'response.id',
    })
  return {
    challenge,
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
  }
}
