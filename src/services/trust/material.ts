/**
 * @module services/trust/material
 * This deployment's trust material for verifiers (core/verify/trust-material): its own issuer
 * (JWK Set, one CRL per key and the rids of cards replaced by a correction; anchored in this log), the SHC issuers an admin trusts
 * (`trusted_issuers`), the log's vkey and witness policy, the latest signed checkpoint, the latest
 * release of the entry rule sets and the issuer directory's names — one
 * JSON document, signed as a compact JWS (EdDSA) with the log's key. Assembled per request from
 * the database, so every instance serves the same thing; caches and CDNs may keep it briefly.
 */
import { asc } from 'drizzle-orm'
import { formatPolicy, type Policy, parseVerifierKey } from '../../core/note/index.ts'
import {
  checkDeploymentUrl,
  type LogShard,
  signTrustMaterial,
  TRUST_MATERIAL_FORMAT,
  type TrustedIssuer,
  type TrustMaterial,
} from '../../core/verify/index.ts'
import type { WitnessConfig } from '../../platform/config/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { trustedIssuers } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { logVerifierKey } from '../../platform/keys/index.ts'
import { issuerCrl, issuerJwks, issuerSupersededRids } from '../credentials/index.ts'
import { activeLogKey, publishedCheckpoint, shardViews } from '../ledger/index.ts'
import { latestDccRules } from './dcc-rules.ts'
import { latestDccValueSets } from './dcc-value-sets.ts'
import { listIssuerDirectory } from './directory.ts'
import { latestRuleRelease } from './rules.ts'

/**
 * The witness policy verifiers apply to this log: its key, the configured witnesses (with their
 * add-checkpoint URLs) and k of them as the quorum; `quorum none` without witnesses.
 */
export function logPolicy(
  vkey: string,
  witnesses: readonly WitnessConfig[] = [],
  quorum = 0,
): Policy {
  if (witnesses.length === 0) return { logs: [{ vkey }], witnesses: [], quorum: 'none' }
  return {
    logs: [{ vkey }],
    witnesses: witnesses.map((w) => ({ name: w.name, vkey: w.vkey, url: w.url })),
    quorum,
  }
}

/** The log's signed-note verifier key (c2sp.org/signed-note), named for its origin. */
export async function logVkey(ctx: ServiceContext): Promise<string> {
  const { key, origin } = await activeLogKey(ctx)
  return logVerifierKey(key, origin)
}

/** The display name of this deployment's own issuer: the host of its public URL. */
export function selfIssuerName(publicUrl: string): string {
  return new URL(publicUrl).host
}

/**
 * This deployment as an issuer: its issuer URL now, and the issuer URLs of earlier cards (after
 * `vigil identity set-url`) with the same keys and revocation lists, so those cards verify too.
 */
async function selfIssuers(ctx: ServiceContext): Promise<TrustedIssuer[]> {
  const jwks = await issuerJwks(ctx)
  const crls: Record<string, unknown> = {}
  const superseded: Record<string, string[]> = {}
  for (const key of jwks.keys) {
    crls[key.kid] = await issuerCrl(ctx, key.kid)
    const rids = await issuerSupersededRids(ctx, key.kid)
    if (rids.length > 0) superseded[key.kid] = rids
  }
  // Absent rather than empty, so material without corrections keeps its earlier shape.
  const reasons = Object.keys(superseded).length === 0 ? {} : { superseded }
  return [ctx.config.issuerUrl, ...ctx.config.formerIssuerUrls].map((iss) => ({
    iss,
    name: selfIssuerName(iss),
    anchored: true,
    jwks,
    crls,
    ...reasons,
  }))
}

export async function assembleTrustMaterial(ctx: ServiceContext): Promise<TrustMaterial> {
  const deployment = ctx.config.publicUrl
  try {
    checkDeploymentUrl(deployment)
  } catch {
    throw new ServiceError(
      'UNAVAILABLE',
      'PUBLIC_URL must be an https origin (or http on localhost) for verifiers to trust it',
      { field: 'PUBLIC_URL' },
    )
  }
  const vkey = await logVkey(ctx)
  const [own, others, checkpoint, rules, directory, dccRules, dccValueSets, shards] =
    await Promise.all([
      selfIssuers(ctx),
      ctx.db.select().from(trustedIssuers).orderBy(asc(trustedIssuers.iss)),
      publishedCheckpoint(ctx),
      latestRuleRelease(ctx),
      listIssuerDirectory(ctx),
      latestDccRules(ctx),
      latestDccValueSets(ctx),
      logShardsFor(ctx, vkey),
    ])
  const configured: TrustedIssuer[] = others
    .filter((row) => !own.some((o) => o.iss === row.iss))
    .map((row) => ({
      iss: row.iss,
      name: row.name,
      anchored: false,
      jwks: { keys: row.jwks.keys },
      crls: row.crls,
    }))
  return {
    format: TRUST_MATERIAL_FORMAT,
    deployment,
    issuedAt: Math.floor(ctx.clock.now().getTime() / 1000),
    log: { origin: parseVerifierKey(vkey).name, vkey },
    policy: formatPolicy(logPolicy(vkey, ctx.config.witnesses, ctx.config.witnessQuorum)),
    checkpoint: checkpoint.note,
    ...(shards.length === 0 ? {} : { shards }),
    issuers: [...own, ...configured],
    ...(rules === undefined ? {} : { rules }),
    ...(directory.length === 0 ? {} : { directory }),
    ...(dccRules.length === 0 ? {} : { dccRules }),
    ...(dccValueSets === undefined ? {} : { dccValueSets }),
  }
}

/**
 * Every shard of the log (absent, so the material keeps its earlier shape, until the first
 * rotation). The active shard is listed with the material's own vkey.
 */
async function logShardsFor(ctx: ServiceContext, vkey: string): Promise<LogShard[]> {
  return (await shardViews(ctx)).map((s) => (s.state === 'active' ? { ...s, vkey } : s))
}

/** The material as a compact JWS signed with the log's Ed25519 key. */
export async function signedTrustMaterial(ctx: ServiceContext): Promise<string> {
  const material = await assembleTrustMaterial(ctx)
  const { key } = await activeLogKey(ctx)
  return signTrustMaterial(material, key.privateKey)
}
