/**
 * @module services/credentials/crl
 * The issuer's published trust material: the JWK Set at /.well-known/jwks.json (every issuer key,
 * active and retired, so older cards keep verifying) and one CRL per key at
 * /.well-known/crl/{kid}.json (SHC 1.4 §Revocation: `{kid, method:'rid', ctr, rids}`).
 */
import { and, asc, eq } from 'drizzle-orm'
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
