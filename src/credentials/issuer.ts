/**
 * @module credentials/issuer
 * The issuer as SMART Health Cards sees it: `iss` (this deployment's public URL, keys at
 * `<iss>/.well-known/jwks.json`), the active ES256 key and the secret behind revocation ids.
 */
import type { ServiceContext } from '../context.ts'
import { fromBase64Url, toBase64Url } from '../core/codec/base64.ts'
import type { LogEntry } from '../core/entry/index.ts'
import { roundToHour } from '../core/entry/index.ts'
import type { ShcKeyPair } from '../core/shc/index.ts'
import type { PublicKeyInfo } from '../keys/store.ts'
import type { Ledger } from '../ledger/ledger.ts'

export interface IssuerSigner {
  iss: string
  kid: string
  keyPair: ShcKeyPair
  /** Secret for SHC revocation ids (HMAC over the subject; shc.md §12). */
  ridSecret: string
}

/** SHC requires https; a deployment on loopback (development) issues cards for itself only. */
export function isLoopbackIssuer(iss: string): boolean {
  return /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(iss)
}

export async function issuerSigner(
  ctx: Pick<ServiceContext, 'keys' | 'config'>,
): Promise<IssuerSigner> {
  const key = await ctx.keys.active('issuer')
  return {
    iss: ctx.config.publicUrl,
    kid: key.id,
    keyPair: { privateKey: key.privateKey, publicKey: key.publicKey, sign: key.sign },
    ridSecret: toBase64Url(await ctx.keys.deriveSecret('shc-rid')),
  }
}

/** The ledger entry that announces an issuer key: artefact = its RFC 7638 thumbprint (= kid). */
export function issuerKeyEntry(key: Pick<PublicKeyInfo, 'id'>, now: Date): LogEntry {
  return {
    kind: 'issuer-key',
    artefactHash: fromBase64Url(key.id),
    keyId: key.id,
    time: roundToHour(Math.floor(now.getTime() / 1000)),
  }
}

/** Appends an issuer-key entry for each of `ids` that is an issuer key in the store. */
export async function announceIssuerKeys(
  ctx: Pick<ServiceContext, 'keys' | 'clock'>,
  ledger: Pick<Ledger, 'append'>,
  ids: readonly string[],
): Promise<void> {
  const issuerKeys = (await ctx.keys.list()).filter(
    (k) => k.purpose === 'issuer' && ids.includes(k.id),
  )
  if (issuerKeys.length > 0)
    await ledger.append(issuerKeys.map((k) => issuerKeyEntry(k, ctx.clock.now())))
}

/**
 * `vigil keys rotate`: retires the active issuer key (it stays in the JWK Set, so cards it signed
 * keep verifying) and announces the new one in the ledger before it signs anything here.
 */
export async function rotateIssuerKey(
  ctx: Pick<ServiceContext, 'keys' | 'clock'>,
  ledger: Pick<Ledger, 'append'>,
): Promise<{ retired: string | undefined; created: string }> {
  const rotated = await ctx.keys.rotate('issuer')
  await announceIssuerKeys(ctx, ledger, [rotated.created])
  return rotated
}
