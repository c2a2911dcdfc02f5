/**
 * @module services/exposure/verify
 * The device side of the GAEN verification protocol: code → one-time token (24 h) → with the
 * keys' HMAC (`ekeyhmac`), a signed verification certificate (ES256 JWT, 15 minutes) carrying
 * `reportType`, `symptomOnsetInterval` and `tekmac`. Guessing is cut off per hashed, rotating
 * client bucket and overall; no address is stored.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { jwtVerify, SignJWT } from 'jose'
import type { VerificationCertificate, VerifiedCode } from '../../core/api-types/index.ts'
import { fromBase64, toBase64, toBase64Url, utf8 } from '../../core/codec/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { exposureCodes, exposureTokens } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { hitRateLimit } from '../../platform/rate-limit/index.ts'
import { exposureFact, recordFacts, toDay } from '../surveillance/index.ts'
import { findCode } from './codes.ts'
import { deviceResponsePadding } from './padding.ts'
import { ceilHour, EXPOSURE, floorHour } from './settings.ts'
import { exposureKey } from './signing-keys.ts'

async function limit(ctx: ServiceContext, client: string): Promise<void> {
  for (const [rule, key] of [
    [EXPOSURE.verifyLimit, client],
    [EXPOSURE.verifyGlobalLimit, 'all'],
  ] as const) {
    try {
      await hitRateLimit(ctx, { rule, key })
    } catch (err) {
      if (!(err instanceof ServiceError) || err.code !== 'RATE_LIMITED') throw err
      throw new ServiceError('CODE_GUESSING_LOCKED', 'too many verification attempts; try later', {
        field: 'code',
        retryAfter: err.retryAfter,
      })
    }
  }
}

const tokenHash = async (ctx: ServiceContext, token: string) =>
  hmac(sha256, await ctx.keys.deriveSecret('exposure/tokens'), utf8(token))

export interface VerifyCodeInput {
  /** The short or the long code, as the person typed it. */
  code: string
  /**
   * Names the client for the guessing limit without being stored (a hashed, rotating bucket:
   * platform/rate-limit); the HTTP layer derives it from the connection.
   */
  client: string
}

/** Claims a code atomically (one use) and returns a one-time token. */
export async function verifyCode(
  ctx: ServiceContext,
  { code, client }: VerifyCodeInput,
): Promise<VerifiedCode> {
  await limit(ctx, client)
  const found = await findCode(ctx, code)
  if (found === undefined)
    throw new ServiceError('CODE_NOT_FOUND', 'unknown code', { field: 'code' })
  const { row, long } = found
  const now = ctx.clock.now()
  if (row.revokedAt !== null)
    throw new ServiceError('CODE_REVOKED', 'the code was revoked', { field: 'code' })
  if (row.usedHour !== null)
    throw new ServiceError('CODE_USED', 'the code was already used', { field: 'code' })
  const expiry = long ? row.longExpiresAt : row.expiresAt
  if (expiry.getTime() <= now.getTime())
    throw new ServiceError('CODE_EXPIRED', 'the code has expired', { field: 'code' })
  const claimed = await ctx.db
    .update(exposureCodes)
    .set({ usedHour: new Date(floorHour(now.getTime())) })
    .where(and(eq(exposureCodes.id, row.id), isNull(exposureCodes.usedHour)))
    .returning({ id: exposureCodes.id })
  if (claimed.length === 0)
    throw new ServiceError('CODE_USED', 'the code was already used', { field: 'code' })
  const token = toBase64Url(ctx.random(32))
  const hash = await tokenHash(ctx, token)
  await ctx.db.transaction(async (tx) => {
    await tx.insert(exposureTokens).values({
      tokenHash: hash,
      testType: row.testType,
      symptomOnsetInterval: row.symptomOnsetInterval,
      region: row.region,
      // Hours only, like the code's used hour: an exact expiry would give away the exact
      // redemption time the rounding of `usedHour` hides.
      expiresAt: new Date(ceilHour(now.getTime() + EXPOSURE.tokenMs)),
    })
    await recordFacts({ ...ctx, db: tx }, [
      exposureFact('code-redeemed', toDay(now.getTime()), {
        region: row.region,
        testType: row.testType,
      }),
    ])
  })
  const symptomDate =
    row.symptomOnsetInterval === null
      ? undefined
      : new Date(row.symptomOnsetInterval * 600_000).toISOString().slice(0, 10)
  return { token, testtype: row.testType, symptomDate, padding: deviceResponsePadding(ctx.random) }
}

export interface CertificateInput {
  /** The one-time token from verifyCode. */
  token: string
  /** Standard base64 HMAC-SHA-256 of the keys to publish (the GAEN tekmac, 32 bytes). */
  ekeyhmac: string
}

/** Consumes the token; signs a certificate bound to the keys by `ekeyhmac`. */
export async function issueCertificate(
  ctx: ServiceContext,
  { token, ekeyhmac }: CertificateInput,
): Promise<VerificationCertificate> {
  let mac: Uint8Array
  try {
    mac = fromBase64(ekeyhmac)
  } catch {
    throw new ServiceError('HMAC_INVALID', 'ekeyhmac is not base64', { field: 'ekeyhmac' })
  }
  if (mac.length !== 32)
    throw new ServiceError('HMAC_INVALID', 'ekeyhmac must be 32 bytes', { field: 'ekeyhmac' })
  const h = await tokenHash(ctx, token)
  const now = ctx.clock.now()
  const [row] = await ctx.db.select().from(exposureTokens).where(eq(exposureTokens.tokenHash, h))
  if (row === undefined)
    throw new ServiceError('TOKEN_INVALID', 'unknown token', { field: 'token' })
  if (row.used)
    throw new ServiceError('TOKEN_USED', 'the token was already used', { field: 'token' })
  if (row.expiresAt.getTime() <= now.getTime())
    throw new ServiceError('TOKEN_EXPIRED', 'the token has expired', { field: 'token' })
  const claimed = await ctx.db
    .update(exposureTokens)
    .set({ used: true })
    .where(
      and(
        eq(exposureTokens.tokenHash, h),
        eq(exposureTokens.used, false),
        gt(exposureTokens.expiresAt, now),
      ),
    )
    .returning({ t: exposureTokens.testType })
  if (claimed.length === 0)
    throw new ServiceError('TOKEN_USED', 'the token was already used', { field: 'token' })
  const key = await exposureKey(ctx, 'certificate')
  const iat = Math.floor(now.getTime() / 1000) - 5
  const claims: Record<string, unknown> = { reportType: row.testType, tekmac: toBase64(mac) }
  if (row.symptomOnsetInterval !== null) claims.symptomOnsetInterval = row.symptomOnsetInterval
  // Not a GAEN claim: the region goes on to the upload's de-identified fact, nowhere else.
  if (row.region !== null) claims.region = row.region
  const certificate = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.id, typ: 'JWT' })
    .setIssuer(EXPOSURE.certificateIssuer)
    .setAudience(EXPOSURE.certificateAudience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + 5 + EXPOSURE.certificateSeconds)
    .sign(key.privateKey)
  return { certificate, padding: deviceResponsePadding(ctx.random) }
}

export interface CertificateClaims {
  reportType: string
  tekmac: string
  symptomOnsetInterval?: number | undefined
  region?: string | undefined
}

const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/

/** Checks a certificate: ES256, our kid, issuer, audience, time; returns its claims. */
export async function checkCertificate(
  ctx: ServiceContext,
  jwt: string,
): Promise<CertificateClaims> {
  const key = await exposureKey(ctx, 'certificate')
  try {
    const { payload, protectedHeader } = await jwtVerify(jwt, key.publicKey, {
      algorithms: ['ES256'],
      issuer: EXPOSURE.certificateIssuer,
      audience: EXPOSURE.certificateAudience,
      currentDate: ctx.clock.now(),
    })
    if (protectedHeader.kid !== key.id) throw new Error('unknown kid')
    if (typeof payload.reportType !== 'string' || typeof payload.tekmac !== 'string')
      throw new Error('claims missing')
    return {
      reportType: payload.reportType,
      tekmac: payload.tekmac,
      symptomOnsetInterval:
        typeof payload.symptomOnsetInterval === 'number' ? payload.symptomOnsetInterval : undefined,
      region:
        typeof payload.region === 'string' && REGION.test(payload.region)
          ? payload.region
          : undefined,
    }
  } catch {
    throw new ServiceError('CERTIFICATE_INVALID', 'the verification certificate is not valid', {
      field: 'verificationPayload',
    })
  }
}
