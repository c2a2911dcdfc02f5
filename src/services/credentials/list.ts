/**
 * @module services/credentials/list
 * The issuer's list, newest first, by keyset (the cursor is the last row's id: the next page
 * starts below its `(issued_at, id)`, so a page costs the same at any depth), optionally one
 * state only, and finding a person's credentials by id or by the keyed search hash of name and
 * birth date (search-key.ts). Each row's subject comes from its sealed record; an erased row
 * has none. Every list query walks one index newest first (docs/PERFORMANCE.md, issue 18).
 */
import { and, desc, eq, isNotNull, isNull, ne, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type {
  CredentialListFilter,
  CredentialListItem,
  CredentialState,
} from '../../core/api-types/index.ts'
import { MAX_QR_JWS_LENGTH } from '../../core/shc/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { credentialPersonalData, credentials } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import type { PersonalRecord } from './personal-data.ts'
import { type SearchSubject, searchKey } from './search-key.ts'

export const MAX_LIST = 100
/** The list's `state` filters (CredentialListFilter). */
export const LIST_FILTERS = [
  'valid',
  'revoked',
  'superseded',
  'erased',
] as const satisfies readonly CredentialListFilter[]

const columns = {
  id: credentials.id,
  kind: credentials.kind,
  status: credentials.status,
  issuedAt: credentials.issuedAt,
  revokedAt: credentials.revokedAt,
  revocationReason: credentials.revocationReason,
  replaces: credentials.replaces,
  replacedBy: credentials.replacedBy,
  wrappedKey: credentialPersonalData.wrappedKey,
  sealed: credentialPersonalData.sealed,
}

type Row = {
  id: string
  kind: string
  status: string
  issuedAt: Date
  revokedAt: Date | null
  revocationReason: string | null
  replaces: string | null
  replacedBy: string | null
  wrappedKey: Uint8Array | null
  sealed: Uint8Array | null
}

async function toItem(ctx: ServiceContext, row: Row): Promise<CredentialListItem> {
  let record: PersonalRecord | undefined
  if (row.wrappedKey !== null && row.sealed !== null) {
    // The stored id is the AAD the record was sealed with (personal-data.ts).
    const bytes = await ctx.keys.unsealRecord(
      { wrappedKey: row.wrappedKey, sealed: row.sealed },
      row.id,
    )
    record = JSON.parse(new TextDecoder().decode(bytes)) as PersonalRecord
  }
  const patient = (record?.input as { patient?: SearchSubject } | undefined)?.patient
  const state: CredentialState =
    row.status === 'active' ? 'valid' : row.replacedBy !== null ? 'superseded' : 'revoked'
  return {
    id: row.id,
    kind: row.kind as CredentialListItem['kind'],
    state,
    erased: record === undefined,
    issuedAt: row.issuedAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revocationReason: row.revocationReason,
    replaces: row.replaces,
    replacedBy: row.replacedBy,
    subject:
      patient === undefined
        ? null
        : {
            givenNames: [...patient.givenNames],
            familyName: patient.familyName,
            birthDate: patient.birthDate,
          },
    input: record?.input ?? null,
    fitsQr: record === undefined ? null : record.jws.length <= MAX_QR_JWS_LENGTH.L,
  }
}

function select(ctx: ServiceContext, where: SQL | undefined, limit: number) {
  return ctx.db
    .select(columns)
    .from(credentials)
    .leftJoin(credentialPersonalData, eq(credentialPersonalData.credentialId, credentials.id))
    .where(where)
    .orderBy(desc(credentials.issuedAt), desc(credentials.id))
    .limit(limit)
}

/**
 * Each filter's condition: the predicate of its partial index (schema/credentials.ts), written
 * the same way so the planner can use it, and the same rule as `toItem`'s state.
 */
const FILTERS: Record<CredentialListFilter, SQL> = {
  valid: eq(credentials.status, 'active'),
  revoked: and(ne(credentials.status, 'active'), isNull(credentials.replacedBy)) as SQL,
  superseded: isNotNull(credentials.replacedBy),
  erased: isNotNull(credentials.erasedAt),
}

/** Credentials newest first; `before` is the `next` of the previous page. */
export async function listCredentials(
  ctx: ServiceContext,
  input: { limit?: number; before?: string; state?: CredentialListFilter },
): Promise<{ items: CredentialListItem[]; next: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 25, 1), MAX_LIST)
  let after: SQL | undefined
  if (input.before !== undefined) {
    // The cursor's key is read by the database, not through a JS Date: issued_at has
    // microseconds (rows written in one statement share them) and a Date keeps milliseconds,
    // so a rounded cursor skipped the rest of its batch. A row comparison, not
    // `a < x or (a = x and b < y)`: Postgres makes only this form an index range starting at
    // the cursor (PostgreSQL manual §9.24.5, §11.3); with the OR form page n read n pages.
    const cursor = alias(credentials, 'cursor')
    const key = ctx.db
      .select({ issuedAt: cursor.issuedAt, id: cursor.id })
      .from(cursor)
      .where(eq(cursor.id, input.before))
    after = sql`(${credentials.issuedAt}, ${credentials.id}) < (${key})`
  }
  const where = and(after, input.state === undefined ? undefined : FILTERS[input.state])
  // One row more than asked says whether an older page exists.
  const rows = await select(ctx, where, limit + 1)
  // An unknown cursor compares as null and selects nothing: only an empty page asks which it was
  // (one round trip less for every other page).
  if (rows.length === 0 && input.before !== undefined) {
    const [found] = await ctx.db
      .select({ id: credentials.id })
      .from(credentials)
      .where(eq(credentials.id, input.before))
    if (found === undefined)
      throw new ServiceError('NOT_FOUND', `no credential ${input.before}`, { field: 'before' })
  }
  const page = rows.slice(0, limit)
  const items = await Promise.all(page.map((row) => toItem(ctx, row)))
  return { items, next: rows.length > limit ? (page.at(-1)?.id ?? null) : null }
}

/** A person's credentials by id, or by name and birth date through the keyed search hash. */
export async function findCredentials(
  ctx: ServiceContext,
  input: { id: string } | SearchSubject,
): Promise<CredentialListItem[]> {
  const where =
    'id' in input
      ? eq(credentials.id, input.id)
      : eq(credentialPersonalData.searchKey, await searchKey(ctx, input))
  const rows = await select(ctx, where, MAX_LIST)
  return Promise.all(rows.map((row) => toItem(ctx, row)))
}
