/**
 * @module services/staff/sign-in
 * Sign-in with a discoverable passkey (no user name asked): options with a stored challenge, then
 * the assertion checked step by step — challenge, origin, RP ID, user verification, a known and
 * enabled credential, a growing signature counter — and its signature verified. The counter is
 * stored with a compare-and-set, so two racing replays of one assertion cannot both pass.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
  VerifiedAuthenticationResponse,
} from '@simplewebauthn/server'
import { and, eq } from 'drizzle-orm'
import { equalBytes, fromBase64Url } from '../../core/codec/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { Actor, ServiceContext } from '../../platform/context/index.ts'
import { passkeys, users } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { hitRateLimit, SIGN_IN_LIMIT } from '../../platform/rate-limit/index.ts'
import { consumeChallenge, issueChallenge } from './challenges.ts'
import { knownRoles } from './fields.ts'
import { createSession } from './sessions.ts'
import {
  assertionAuthData,
  CEREMONY_TIMEOUT_MS,
  checkAuthData,
  checkCounter,
  checkOrigin,
  readClientData,
  relyingParty,
  webauthnServer,
} from './webauthn.ts'

export interface SignedIn {
  user: { id: string; name: string }
  passkeyId: string
  session: { token: string; expiresAt: Date }
}

/** @example const options = await beginSignIn(ctx, clientKey) // → startAuthentication() */
export async function beginSignIn(
  ctx: ServiceContext,
  clientKey: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  await hitRateLimit(ctx, { rule: SIGN_IN_LIMIT, key: clientKey })
  const { bytes } = await issueChallenge(ctx, 'sign-in')
  const { generateAuthenticationOptions } = await webauthnServer()
  return generateAuthenticationOptions({
    rpID: relyingParty(ctx.config).id,
    challenge: new Uint8Array(bytes),
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: 'required',
  })
}

const field = 'response.id'

export async function finishSignIn(
  ctx: ServiceContext,
  response: AuthenticationResponseJSON,
): Promise<SignedIn> {
  const rp = relyingParty(ctx.config)
  const clientData = await readClientData(response.response.clientDataJSON, 'webauthn.get')
  const challenge = await consumeChallenge(ctx, clientData.challenge, 'sign-in')
  checkOrigin(clientData, rp)
  const authData = await checkAuthData(
    await assertionAuthData(response.response.authenticatorData),
    rp,
  )
  const [row] = await ctx.db
    .select({ passkey: passkeys, user: users })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .where(eq(passkeys.credentialId, response.id))
    .limit(1)
  if (row === undefined)
    throw new ServiceError('WEBAUTHN_CREDENTIAL_UNKNOWN', 'this passkey is not registered here', {
      field,
    })
  const { passkey, user } = row
  // The user handle, when sent, must name the passkey's owner (WebAuthn §7.2 step 6).
  const handle = response.response.userHandle
  if (handle !== undefined && handle !== null && handle !== '') {
    let same = false
    try {
      same = equalBytes(fromBase64Url(handle), user.userHandle)
    } catch {}
    if (!same)
      throw new ServiceError(
        'WEBAUTHN_CREDENTIAL_UNKNOWN',
        'the passkey does not belong to this user',
        {
          field: 'response.userHandle',
        },
      )
  }
  if (user.disabledAt !== null)
    throw new ServiceError('STAFF_DISABLED', 'this account is disabled; ask an administrator', {
      field,
    })
  checkCounter(passkey.counter, authData.counter)
  const { verifyAuthenticationResponse } = await webauthnServer()
  let verified: VerifiedAuthenticationResponse
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    })
  } catch (cause) {
    throw new ServiceError('WEBAUTHN_SIGNATURE', 'the passkey signature did not verify', {
      field: 'response.signature',
      cause,
    })
  }
  if (!verified.verified)
    throw new ServiceError('WEBAUTHN_SIGNATURE', 'the passkey signature did not verify', {
      field: 'response.signature',
    })
  const now = ctx.clock.now()
  const stored = await ctx.db
    .update(passkeys)
    .set({ counter: verified.authenticationInfo.newCounter, lastUsedAt: now })
    .where(and(eq(passkeys.id, passkey.id), eq(passkeys.counter, passkey.counter)))
    .returning({ id: passkeys.id })
  // Another request moved the counter meanwhile: the same assertion (or a clone) raced this one.
  if (stored.length === 0)
    throw new ServiceError('WEBAUTHN_COUNTER', 'the signature counter changed during sign-in', {
      field: 'response.authenticatorData',
    })
  const session = await createSession(ctx, { userId: user.id, passkeyId: passkey.id })
  // The person now signed in acts (the request was anonymous until now); signing in needs no role.
  const person: Actor = {
    kind: 'staff',
    id: user.id,
    name: user.name,
    roles: knownRoles(user.roles),
  }
  await recordAudit(
    { ...ctx, actor: person, role: undefined },
    { action: 'session.sign-in', targetId: user.id, detail: { passkey: passkey.id } },
  )
  return { user: { id: user.id, name: user.name }, passkeyId: passkey.id, session }
}
