/**
 * @module services/trust/directory
 * The trusted-issuer directory: display names for SHC issuers, so a verifier can say whose card
 * it holds, trusted or not. Imported from the VCI directory's published JSON format
 * (`{"participating_issuers": [{iss, name, website?, canonical_iss?}]}`); an import replaces the
 * directory whole, as the published file is the directory. Names only: keys still come from
 * the trusted issuers an admin adds (services/trust/issuers).
 */
import { asc } from 'drizzle-orm'
import { isJsonObject } from '../../core/codec/index.ts'
import { checkIssuerUrl, isLoopbackHttpOrigin } from '../../core/shc/index.ts'
import type { DirectoryEntry } from '../../core/verify/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { issuerDirectory } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

const MAX_ENTRIES = 5000
const MAX_NAME = 200

function invalid(message: string, field: string): ServiceError {
  return new ServiceError('VALIDATION', message, { field })
}

function issuerUrl(value: unknown, field: string, loopback: boolean): string {
  try {
    return checkIssuerUrl(value, { allowLoopbackHttp: loopback })
  } catch (cause) {
    throw new ServiceError('VALIDATION', 'must be an https URL without a trailing slash', {
      field,
      cause,
    })
  }
}

/**
 * Reads the VCI directory JSON format; throws VALIDATION naming the entry at fault. `loopback`
 * admits http issuers on loopback hosts, as a development deployment's own issuer is.
 */
export function parseVciDirectory(json: unknown, loopback = false): DirectoryEntry[] {
  if (!isJsonObject(json) || !Array.isArray(json.participating_issuers)) {
    throw invalid('expected {"participating_issuers": [...]}', 'participating_issuers')
  }
  const list = json.participating_issuers
  if (list.length === 0 || list.length > MAX_ENTRIES) {
    throw invalid(`1-${MAX_ENTRIES} issuers`, 'participating_issuers')
  }
  const entries = list.map((e, i): DirectoryEntry => {
    const field = `participating_issuers.${i}`
    if (!isJsonObject(e)) throw invalid('an issuer must be an object', field)
    const iss = issuerUrl(e.iss, `${field}.iss`, loopback)
    const name = typeof e.name === 'string' ? e.name.trim() : ''
    if (name === '' || name.length > MAX_NAME)
      throw invalid('name: 1-200 characters', `${field}.name`)
    const website =
      e.website === undefined || e.website === ''
        ? undefined
        : httpsUrl(e.website, `${field}.website`)
    const canonical =
      e.canonical_iss === undefined
        ? undefined
        : issuerUrl(e.canonical_iss, `${field}.canonical_iss`, loopback)
    return {
      iss,
      name,
      ...(website === undefined ? {} : { website }),
      ...(canonical === undefined ? {} : { canonicalIss: canonical }),
    }
  })
  if (new Set(entries.map((e) => e.iss)).size !== entries.length) {
    throw invalid('an iss is listed twice', 'participating_issuers')
  }
  return entries
}

function httpsUrl(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid('must be a URL', field)
  try {
    if (new URL(value).protocol === 'https:') return value
  } catch {}
  throw invalid('must be an https URL', field)
}

/** Replaces the directory with the VCI-format JSON given. */
export async function importIssuerDirectory(
  ctx: ServiceContext,
  input: { json: unknown },
): Promise<{ imported: number }> {
  requireActor(ctx)
  const entries = parseVciDirectory(input.json, isLoopbackHttpOrigin(ctx.config.publicUrl))
  const importedAt = ctx.clock.now()
  await ctx.db.transaction(async (tx) => {
    await tx.delete(issuerDirectory)
    await tx.insert(issuerDirectory).values(
      entries.map((e) => ({
        iss: e.iss,
        name: e.name,
        website: e.website ?? null,
        canonicalIss: e.canonicalIss ?? null,
        importedAt,
      })),
    )
  })
  ctx.logger.info('issuer directory imported', { issuers: entries.length })
  return { imported: entries.length }
}

export async function listIssuerDirectory(ctx: ServiceContext): Promise<DirectoryEntry[]> {
  const rows = await ctx.db.select().from(issuerDirectory).orderBy(asc(issuerDirectory.iss))
  return rows.map((r) => ({
    iss: r.iss,
    name: r.name,
    ...(r.website === null ? {} : { website: r.website }),
    ...(r.canonicalIss === null ? {} : { canonicalIss: r.canonicalIss }),
  }))
}
