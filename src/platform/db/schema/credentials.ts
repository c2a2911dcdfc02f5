/**
 * @module platform/db/schema/credentials
 * Issued credentials. The public row holds no personal data: hashes, key id, ledger index,
 * revocation state. The FHIR bundle and the JWS (which contains it) live only in
 * `credential_personal_data`, sealed with a per-record data key, and can be erased.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey(),
    /** 'immunization' or 'test'. */
    kind: text('kind').notNull(),
    issuerKid: text('issuer_kid').notNull(),
    /** SHA-256 of the compact JWS: the artefact hash in the ledger leaf. */
    jwsHash: bytea('jws_hash').notNull().unique(),
    leafIndex: bigint('leaf_index', { mode: 'bigint' }).notNull(),
    /** SHC revocation id (SHC 1.4 §Revocation): HMAC of the subject, not reversible. */
    rid: text('rid').notNull(),
    /** `nbf` of the card, POSIX seconds (the leaf's hour is derived from it). */
    nbf: bigint('nbf', { mode: 'number' }).notNull(),
    status: text('status').notNull().default('active'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revocationReason: text('revocation_reason'),
    revocationLeafIndex: bigint('revocation_leaf_index', { mode: 'bigint' }),
    replaces: uuid('replaces'),
    replacedBy: uuid('replaced_by'),
    /** Idempotency for batch imports: SHA-256 of (source, row key); a re-run finds the row. */
    importKey: bytea('import_key').unique(),
    issuedBy: text('issued_by').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().default(sql`now()`),
    /**
     * When the sealed personal data was erased (null while it is held): the row says so itself,
     * so the list can show the erased ones by index instead of probing the sealed records.
     */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => {
    /** The list's order, `issued_at DESC, id DESC`, as an index key. */
    const newestFirst = () => [t.issuedAt.desc().nullsFirst(), t.id.desc().nullsFirst()] as const
    return [
      index('credentials_issuer_kid_status').on(t.issuerKid, t.status),
      // The issuer's list: newest first, by keyset (issued_at, id). NULLS FIRST as `ORDER BY …
      // DESC` means it (PostgreSQL manual §11.4): drizzle's bare desc() writes NULLS LAST, an
      // order the planner cannot use for the list, which then sorted the whole table per page.
      index('credentials_issued_at_id').on(...newestFirst()),
      // The list per state (services/credentials/list.ts, same predicates): each filter walks its
      // own rows newest first, however rare they are or wherever they sit in time.
      index('credentials_valid_issued_at_id')
        .on(...newestFirst())
        .where(sql`${t.status} = 'active'`),
      index('credentials_revoked_issued_at_id')
        .on(...newestFirst())
        .where(sql`${t.status} <> 'active' and ${t.replacedBy} is null`),
      index('credentials_superseded_issued_at_id')
        .on(...newestFirst())
        .where(sql`${t.replacedBy} is not null`),
      index('credentials_erased_issued_at_id')
        .on(...newestFirst())
        .where(sql`${t.erasedAt} is not null`),
    ]
  },
)

/** Sealed personal data: AES-256-GCM under a data key that is itself wrapped by the master key. */
export const credentialPersonalData = pgTable(
  'credential_personal_data',
  {
    credentialId: uuid('credential_id').primaryKey(),
    wrappedKey: bytea('wrapped_key').notNull(),
    sealed: bytea('sealed').notNull(),
    /**
     * HMAC-SHA-256 of the normalised name and birth date under a key derived from the master key
     * (services/credentials/search-key.ts): finds a person's credentials without a name in
     * clear. On this row so that erasing the record erases it too.
     */
    searchKey: bytea('search_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('credential_personal_data_search_key').on(t.searchKey)],
)

/** CRL counter per issuer key (`ctr` in /.well-known/crl/{kid}.json, SHC 1.4 §Revocation). */
export const crlState = pgTable('crl_state', {
  kid: text('kid').primaryKey(),
  ctr: integer('ctr').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/**
 * De-identified facts for surveillance (docs/PRIVACY.md, docs/SURVEILLANCE.md): no
 * identifier, no exact date of birth, no time of day, no link back to a credential, a code or an
 * upload. Written by issuing (doses, tests) and by the exposure service (codes, uploads), always
 * with their rollups in the same transaction (surveillance/facts.ts).
 */
export const facts = pgTable(
  'facts',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    day: date('day').notNull(),
    /** ISO 3166-2 code; null for an exposure fact whose code named no region. */
    region: text('region'),
    /** 'dose' | 'test' | 'code-issued' | 'code-redeemed' | 'upload' */
    kind: text('kind').notNull(),
    /** CVX code for a dose, LOINC code for a test, '' for exposure facts. */
    product: text('product').notNull(),
    dose: smallint('dose'),
    /** Null for exposure facts (no age is known). */
    ageBand: text('age_band'),
    /** SNOMED result code for a test. */
    result: text('result'),
    /** 'antigen' | 'naat' for a test; the verification code's test type for exposure facts. */
    testType: text('test_type'),
    /** The report type of an exposure upload ('confirmed' | 'likely' | 'user-report'). */
    reportType: text('report_type'),
    /** This dose completes the product's primary series (curated list, core/fhir/cvx.ts). */
    seriesComplete: boolean('series_complete').notNull().default(false),
  },
  (t) => [index('facts_day_kind').on(t.day, t.kind)],
)
