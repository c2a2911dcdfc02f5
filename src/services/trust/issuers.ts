/**
 * @module services/trust/issuers
 * SMART Health Card issuers other than this deployment that its verifiers trust, configured by
 * an admin (`trusted_issuers`): `iss`, a display name, the issuer's JWK Set and its CRLs. Input
 * is checked the way a verifier will read it (SHC 1.4 §Determining keys associated with an
 * issuer, §Revocation): only SHC signing keys are kept
 * (kid = thumbprint, EC P-256, use sig, alg ES256, no `d`), and every key announcing a
 * `crlVersion` must come with its CRL at that counter, or its cards could never verify.
 */
import { asc, eq, sql } from 'drizzle-orm'
import {
  checkIssuerUrl,
  checkShcJwk,
  parseCrl,
  readKeySetKeys,
  type ShcPublicJwk,
} from '../../core/shc/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { trustedIssuers } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface TrustedIssuerInput {
  iss: string
  name: string
  jwks: unknown
  crls?: Record<string, unknown> | undefined
}

export interface TrustedIssuerView {
  iss: string
  name: string
  keys: { kid: string; crlVersion: number | null }[]
  /** CRL counter (`ctr`) by kid. */
  crls: Record<string, number>
  addedBy: string
  addedAt: string
  updatedAt: string
}

type Row = typeof trustedIssuers.$inferSelect

function invalid(message: string, field: string): ServiceError {
  return new ServiceError('VALIDATION', message, { field })
}

function view(row: Row): TrustedIssuerView {
  const keys = (row.jwks.keys ?? []).map((k) => ({
    kid: String(k.kid),
    crlVersion: typeof k.crlVersion === 'number' ? k.crlVersion : null,
  }))
  const crls: Record<string, number> = {}
  for (const [kid, crl] of Object.entries(row.crls ?? {})) {
    const ctr = (crl as { ctr?: unknown }).ctr
    crls[kid] = typeof ctr === 'number' ? ctr : Number(ctr)
  }
  return {
    iss: row.iss,
    name: row.name,
    keys,
    crls,
    addedBy: row.addedBy,
    addedAt: row.addedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

async function checkKeys(jwks: unknown): Promise<ShcPublicJwk[]> {
  let keys: unknown[]
  try {
    keys = readKeySetKeys(jwks)
  } catch (cause) {
    throw new ServiceError('VALIDATION', 'jwks must be a JWK Set ({"keys": [...]})', {
      field: 'jwks',
      cause,
    })
  }
  const kept: ShcPublicJwk[] = []
  for (const [i, key] of keys.entries()) {
    try {
      kept.push(await checkShcJwk(key, `jwks.keys[${i}]`))
    } catch {
      // Unrelated keys (RSA, enc, …) may share a key set; only SHC signing keys are kept.
    }
  }
  if (kept.length === 0) {
    throw invalid('the key set holds no SMART Health Cards signing key (EC P-256 ES256)', 'jwks')
  }
  if (new Set(kept.map((k) => k.kid)).size !== kept.length) {
    throw invalid('two keys share a kid', 'jwks')
  }
  return kept
}

function checkCrls(keys: ShcPublicJwk[], crls: Record<string, unknown>): Record<string, unknown> {
  const byKid = new Map(keys.map((k) => [k.kid, k]))
  const out: Record<string, unknown> = {}
  for (const [kid, crl] of Object.entries(crls)) {
    const key = byKid.get(kid)
    if (key?.crlVersion === undefined) {
      throw invalid('a CRL for a key that is not in the set or has no crlVersion', `crls.${kid}`)
    }
    try {
      parseCrl(crl, { kid, crlVersion: key.crlVersion })
    } catch (cause) {
      throw new ServiceError('VALIDATION', 'the CRL is malformed or its ctr is not crlVersion', {
        field: `crls.${kid}`,
        cause,
      })
    }
    out[kid] = crl
  }
  for (const key of keys) {
    if (key.crlVersion !== undefined && !(key.kid in out)) {
      throw invalid(
        `the key announces crlVersion ${key.crlVersion}: give its CRL`,
        `crls.${key.kid}`,
      )
    }
  }
  return out
}

export async function listTrustedIssuers(ctx: ServiceContext): Promise<TrustedIssuerView[]> {
  const rows = await ctx.db.select().from(trustedIssuers).orderBy(asc(trustedIssuers.iss))
  return rows.map(view)
}

/** Adds or replaces an issuer (its keys and CRLs as given now). */
export async function putTrustedIssuer(
  ctx: ServiceContext,
  input: TrustedIssuerInput,
): Promise<{ created: boolean; issuer: TrustedIssuerView }> {
  const actor = requireActor(ctx)
  let iss: string
  try {
    iss = checkIssuerUrl(input.iss)
  } catch (cause) {
    throw new ServiceError('VALIDATION', 'iss must be an https URL without a trailing slash', {
      field: 'iss',
      cause,
    })
  }
  if (iss === ctx.config.issuerUrl || ctx.config.formerIssuerUrls.includes(iss)) {
    throw invalid("this deployment's own issuer is always trusted", 'iss')
  }
  const name = input.name.trim()
  if (name === '' || name.length > 200) throw invalid('name must be 1-200 characters', 'name')
  const keys = await checkKeys(input.jwks)
  const crls = checkCrls(keys, input.crls ?? {})
  const jwks = { keys: keys.map((k) => ({ ...k }) as Record<string, unknown>) }
  const now = ctx.clock.now()
  const [existing] = await ctx.db
    .select({ iss: trustedIssuers.iss })
    .from(trustedIssuers)
    .where(eq(trustedIssuers.iss, iss))
  const [row] = await ctx.db
    .insert(trustedIssuers)
    .values({ iss, name, jwks, crls, addedBy: actor.id, addedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: trustedIssuers.iss,
      set: { name, jwks, crls, updatedAt: sql`excluded.updated_at` },
    })
    .returning()
  return { created: existing === undefined, issuer: view(row as Row) }
}

export async function removeTrustedIssuer(ctx: ServiceContext, iss: string): Promise<void> {
  const rows = await ctx.db
    .delete(trustedIssuers)
    .where(eq(trustedIssuers.iss, iss))
    .returning({ iss: trustedIssuers.iss })
  if (rows.length === 0)
    throw new ServiceError('NOT_FOUND', `no trusted issuer ${iss}`, { field: 'iss' })
}
