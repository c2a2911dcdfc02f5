/**
 * @module platform/db/schema/trust
 * Issuers other than this deployment that its verifiers trust (configured by an admin): their
 * JWK Sets and CRLs are kept here and served, signed, as trust material.
 */
import { sql } from 'drizzle-orm'
import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

export const trustedIssuers = pgTable('trusted_issuers', {
  /** The SMART Health Cards `iss` (https URL, no trailing slash). */
  iss: text('iss').primaryKey(),
  name: text('name').notNull(),
  jwks: jsonb('jwks').notNull().$type<{ keys: Record<string, unknown>[] }>(),
  /** CRLs by kid: `{ [kid]: {kid, method, ctr, rids} }`. */
  crls: jsonb('crls').notNull().default(sql`'{}'::jsonb`).$type<Record<string, unknown>>(),
  addedBy: text('added_by').notNull(),
  addedAt: timestamp('added_at', { withTimezone: true }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/**
 * Each release of the entry rule sets an authority publishes, as the exact text published: its
 * SHA-256 is the artefact hash of a `verifier-release` ledger entry, so a venue can prove which
 * rules it applied. The latest release is the one served in the trust material.
 */
export const ruleSetReleases = pgTable('rule_set_releases', {
  release: integer('release').primaryKey(),
  text: text('text').notNull(),
  sha256: bytea('sha256').notNull(),
  publishedBy: text('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().default(sql`now()`),
  /** The log_pending id of its ledger entry, written in the transaction that queues it. */
  pendingId: bigint('pending_id', { mode: 'bigint' }),
  /** The ledger index of its entry; null until integrated. */
  leafIndex: bigint('leaf_index', { mode: 'number' }),
})

/**
 * The trusted-issuer directory: display names for SHC issuers (`iss`), imported from the VCI
 * directory's published JSON format. A name here does not make an issuer trusted; it lets a
 * verifier name an issuer, trusted or not.
 */
export const issuerDirectory = pgTable('issuer_directory', {
  iss: text('iss').primaryKey(),
  name: text('name').notNull(),
  website: text('website'),
  /** The issuer's primary `iss` when it signs under several. */
  canonicalIss: text('canonical_iss'),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/**
 * Each release of the web pages this deployment has served: the exact manifest text
 * (`vigil-release/v1`, core/release) whose SHA-256 is the artefact of a `verifier-release` ledger
 * entry with key id `web:<release>`. The list is the deployment's release feed
 * (GET /release/feed.json) that monitors compare with the log (docs/RELEASES.md).
 */
export const webReleases = pgTable('web_releases', {
  release: integer('release').primaryKey(),
  sha256: bytea('sha256').notNull().unique(),
  text: text('text').notNull(),
  version: text('version').notNull(),
  commit: text('commit').notNull(),
  publishedBy: text('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().default(sql`now()`),
  pendingId: bigint('pending_id', { mode: 'bigint' }),
  leafIndex: bigint('leaf_index', { mode: 'number' }),
})

/**
 * Each import of a country's EU DCC business rules (CertLogic, core/certlogic): the exact JSON
 * array of rules as the EU gateway distributes them. Its SHA-256 is the artefact hash of a
 * `verifier-release` ledger entry with key id `dcc-rules:<country>:<release>`; the latest
 * import per country is served in the trust material, and a venue applies the country it picks.
 */
export const dccRuleSets = pgTable(
  'dcc_rule_sets',
  {
    /** ISO 3166-1 alpha-2 of the country of arrival whose rules these are. */
    country: text('country').notNull(),
    /** 1, 2, … per country. */
    release: integer('release').notNull(),
    text: text('text').notNull(),
    sha256: bytea('sha256').notNull(),
    /** How many rules the text holds (for listings). */
    rules: integer('rules').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().default(sql`now()`),
    pendingId: bigint('pending_id', { mode: 'bigint' }),
    leafIndex: bigint('leaf_index', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.country, t.release] })],
)

/**
 * Each import of the EU value sets the rules read through `external.valueSets` (id → codes): one
 * list for every country's rules, as the EU gateway distributes it. Its SHA-256 is a
 * `verifier-release` ledger entry with key id `dcc-valuesets:<release>`; the latest import is
 * served in the trust material beside the rules.
 */
export const dccValueSets = pgTable('dcc_value_sets', {
  release: integer('release').primaryKey(),
  text: text('text').notNull(),
  sha256: bytea('sha256').notNull(),
  importedBy: text('imported_by').notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().default(sql`now()`),
  pendingId: bigint('pending_id', { mode: 'bigint' }),
  leafIndex: bigint('leaf_index', { mode: 'number' }),
})
