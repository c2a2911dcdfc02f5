/**
 * @module services/credentials/crl
 * The issuer's published trust material: the JWK Set at /.well-known/jwks.json (every issuer key,
 * active and retired, so older cards keep verifying) and one CRL per key at
 * /.well-known/crl/{kid}.json (SHC 1.4 §Revocation: `{kid, method:'rid', ctr, rids}`).
 */
import { and, asc, eq, isNotNull } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { ServiceContext } from '../../platform/context/index.ts'
import { credentials, crlState } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export async function issuerJwks(ctx: ServiceContext) {
  const keys = (await ctx.keys.list()).filter((k) => k.purpose === 'issuer')
  const counters = new Map((await ctx.db.select().from(crlState)).map((s) => [s.kid, s.ctr]))
  return {
    keys: keys.map((k) => ({
      kty: 'EC',
      kid: k.id,
      use: 'sig',
      alg: 'ES256',
      crv: 'P-256',
      x: k.publicJwk.x,
      y: k.publicJwk.y,
      // SHC 1.4: a key whose cards can be revoked announces its CRL's current `ctr`.
      crlVersion: counters.get(k.id) ?? 1,
    })),
  }
}

export async function issuerCrl(ctx: ServiceContext, kid: string) {
  const known = (await ctx.keys.list()).some((k) => k.purpose === 'issuer' && k.id === kid)
  if (!known) throw new ServiceError('NOT_FOUND', `no issuer key ${kid}`, { field: 'kid' })
  const [state] = await ctx.db.select().from(crlState).where(eq(crlState.kid, kid))
  const revoked = await ctx.db
    .select({ rid: credentials.rid })
    .from(credentials)
    .where(and(eq(credentials.issuerKid, kid), eq(credentials.status, 'revoked')))
    .orderBy(asc(credentials.revokedAt))
  return { kid, method: 'rid', ctr: state?.ctr ?? 1, rids: revoked.map((r) => r.rid) }
}

/**
 * The rids of key `kid`'s revoked cards that a newer card replaced (a correction). The CRL has
 * no reason field (SHC 1.4 §Revocation), so this list travels beside it in the signed trust
 * material. It is read through the replacement's `replaces` link, written when the new card is
 * issued, before the old one is revoked: a revoked card is never listed without its reason.
 */
export async function issuerSupersededRids(ctx: ServiceContext, kid: string): Promise<string[]> {
  const newer = alias(credentials, 'newer')
  const rows = await ctx.db
    .select({ rid: credentials.rid })
    .from(credentials)
    .innerJoin(newer, eq(newer.replaces, credentials.id))
    .where(
      and(
        eq(credentials.issuerKid, kid),
        eq(credentials.status, 'revoked'),
        isNotNull(newer.replaces),
      ),
    )
    .orderBy(asc(credentials.revokedAt))
  return rows.map((r) => r.rid)
}
