/**
 * @module services/credentials/issuer
 * The issuer as SMART Health Cards sees it: `iss` (this deployment's public URL, keys at
 * `<iss>/.well-known/jwks.json`), the active ES256 key and the secret behind revocation ids.
 */
import { sql } from 'drizzle-orm'
import { fromBase64Url, toBase64Url } from '../../core/codec/index.ts'
import { type LogEntry, roundToHour } from '../../core/leaf/index.ts'
import { isLoopbackHttpOrigin, type ShcKeyPair } from '../../core/shc/index.ts'
import type { Clock, ServiceContext } from '../../platform/context/index.ts'
import { logEntries, logPending, rowsOf, toBigInt } from '../../platform/db/index.ts'
import type { Announce, PublicKeyInfo } from '../../platform/keys/index.ts'
import { queueEntries } from '../ledger/index.ts'

export interface IssuerSigner {
  iss: string
  kid: string
  keyPair: ShcKeyPair
  /** Secret for SHC revocation ids (HMAC over the subject; SHC 1.4 §Revocation). */
  ridSecret: string
}

/** SHC requires https; a deployment on loopback (development) issues cards for itself only. */
export function isLoopbackIssuer(iss: string): boolean {
  return isLoopbackHttpOrigin(iss)
}

export async function issuerSigner(ctx: ServiceContext): Promise<IssuerSigner> {
  const key = await ctx.keys.active('issuer')
  return {
    iss: ctx.config.issuerUrl,
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

/**
 * Writes a new issuer key's announcement into log_pending inside the transaction that creates
 * the key (KeyStore's Announce hook): a crash leaves no key, or a key with its announcement. The
 * key store runs it while the context is built, before the Ledger exists, hence queueEntries.
 */
export function announceIssuerKey(clock: Clock): Announce {
  return async (tx, key) => {
    const [id] = await queueEntries(tx, [issuerKeyEntry(key, clock.now())])
    if (id === undefined) throw new Error('issuer key announcement: no pending id')
    return id
  }
}

/**
 * At start: every issuer key is announced in the log. Keys from before announcements were
 * recorded with the key are looked up in the log by their artefact (the thumbprint); a key
 * found nowhere (a process died between creating and announcing it, before that was one
 * transaction) is announced now. Returns the ids announced now; pending announcements are
 * integrated before this returns.
 */
export async function announceMissingIssuerKeys(ctx: ServiceContext): Promise<string[]> {
  const announcedNow: string[] = []
  for (const key of await ctx.keys.unannouncedIssuerKeys()) {
    const artefact = fromBase64Url(key.id)
    const [found] = rowsOf<{ id: unknown }>(
      await ctx.db.execute(sql`
        select pending_id as id from ${logEntries} where position(${artefact}::bytea in entry) > 0
        union all
        select id from ${logPending} where position(${artefact}::bytea in entry) > 0
        limit 1`),
    )
    if (found !== undefined) {
      await ctx.keys.markAnnounced(key.id, toBigInt(found.id))
      continue
    }
    await ctx.db.transaction(async (tx) => {
      const [id] = await ctx.ledger.queue(tx, [issuerKeyEntry(key, ctx.clock.now())])
      if (id === undefined) throw new Error('issuer key announcement: no pending id')
      await ctx.keys.markAnnounced(key.id, id, tx)
    })
    announcedNow.push(key.id)
  }
  await ctx.ledger.flush()
  return announcedNow
}

/**
 * `vigil keys rotate`: retires the active issuer key (it stays in the JWK Set, so cards it signed
 * keep verifying) and makes a new one active together with its announcement, then integrates it.
 */
export async function rotateIssuerKey(
  ctx: ServiceContext,
): Promise<{ retired: string | undefined; created: string }> {
  const rotated = await ctx.keys.rotate('issuer', announceIssuerKey(ctx.clock))
  await ctx.ledger.flush()
  return rotated
}
