/**
 * @module services/shl/holder
 * Whose links, and which records are theirs. A link belongs to a passport (a credential id): the
 * citizen proves it with the passport link's key (services/trust/passport.ts), a records system
 * with its `issuer` role. The holder's records are the credentials sharing the passport's keyed
 * search hash of name and birth date (services/credentials/search-key.ts), so a long-term link
 * finds new credentials of the same person without a name in clear.
 */
import { and, asc, eq, or, type SQL } from 'drizzle-orm'
import type { HolderRecord } from '../../core/api-types/index.ts'
import { equalBytes, utf8 } from '../../core/codec/index.ts'
import { summarise } from '../../core/fhir/index.ts'
import { decodeShcPayload, parseShcJws } from '../../core/shc/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { credentialPersonalData, credentials } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { getCredential, readPersonalData } from '../credentials/index.ts'
import { passportKey } from '../trust/index.ts'

/** The passport a link belongs to; `key` is the passport link's key when a citizen asks. */
export interface Owner {
  readonly id: string
  readonly key?: string | undefined
}

export interface Holder {
  readonly id: string
  readonly searchKey: Uint8Array | null
}

/**
 * The holder behind `owner`, once they proved it: the passport key (compared in constant time;
 * a wrong one answers as an unknown id), or a records system's issuer role. GONE once the
 * passport's personal data is erased.
 */
export async function authorizeOwner(ctx: ServiceContext, owner: Owner): Promise<Holder> {
  if (owner.key !== undefined) {
    const expected = utf8(await passportKey(ctx, owner.id))
    if (!equalBytes(utf8(owner.key), expected)) {
      throw new ServiceError('NOT_FOUND', `no passport ${owner.id} for this link`, { field: 'id' })
    }
  } else if (ctx.role !== 'issuer') {
    throw new ServiceError('UNAUTHENTICATED', 'send the passport key or an issuer token')
  }
  await getCredential(ctx, owner.id)
  return holderOf(ctx, owner.id)
}

/** The holder of passport `id` (no authorisation: callers have it). */
export async function holderOf(ctx: ServiceContext, id: string): Promise<Holder> {
  const [row] = await ctx.db
    .select({ searchKey: credentialPersonalData.searchKey })
    .from(credentialPersonalData)
    .where(eq(credentialPersonalData.credentialId, id))
  if (row === undefined) {
    throw new ServiceError('GONE', 'the personal data of this passport has been erased', {
      field: 'id',
    })
  }
  return { id, searchKey: row.searchKey }
}

export interface HolderCredential {
  readonly id: string
  readonly kind: string
  readonly status: string
  readonly replacedBy: string | null
  readonly issuedAt: Date
}

/** Every credential of the holder with its personal data still held, oldest first. */
export async function holderCredentials(
  ctx: ServiceContext,
  holder: Holder,
): Promise<HolderCredential[]> {
  const mine: SQL =
    holder.searchKey === null
      ? eq(credentials.id, holder.id)
      : (or(
          eq(credentialPersonalData.searchKey, holder.searchKey),
          eq(credentials.id, holder.id),
        ) as SQL)
  return ctx.db
    .select({
      id: credentials.id,
      kind: credentials.kind,
      status: credentials.status,
      replacedBy: credentials.replacedBy,
      issuedAt: credentials.issuedAt,
    })
    .from(credentials)
    .innerJoin(credentialPersonalData, eq(credentialPersonalData.credentialId, credentials.id))
    .where(and(mine))
    .orderBy(asc(credentials.issuedAt), asc(credentials.id))
}

/** The records the passport page offers: each credential with its summary. */
export async function listHolderRecords(
  ctx: ServiceContext,
  owner: Owner,
): Promise<HolderRecord[]> {
  const holder = await authorizeOwner(ctx, owner)
  const rows = await holderCredentials(ctx, holder)
  return Promise.all(
    rows.map(async (r): Promise<HolderRecord> => {
      const member = await readMember(ctx, r.id)
      return {
        id: r.id,
        kind: r.kind,
        state: r.status === 'active' ? 'valid' : r.replacedBy === null ? 'revoked' : 'superseded',
        issuedAt: r.issuedAt.toISOString(),
        summary: member === undefined ? null : summarise(member.bundle),
      }
    }),
  )
}

export interface Member {
  readonly id: string
  readonly jws: string
  /** The card's FHIR bundle. */
  readonly bundle: unknown
}

/** A credential's card and bundle from its sealed record; undefined once erased. */
export async function readMember(ctx: ServiceContext, id: string): Promise<Member | undefined> {
  const personal = await readPersonalData(ctx, id)
  if (personal === undefined) return undefined
  const { claims } = await decodeShcPayload(parseShcJws(personal.jws).deflated)
  const vc = claims.vc as { credentialSubject: { fhirBundle: unknown } }
  return { id, jws: personal.jws, bundle: vc.credentialSubject.fhirBundle }
}
