/**
 * @module platform/db/schema/exposure
 * Exposure reports (docs/EXPOSURE.md). Nothing here names an uploader: no IP address, no
 * user agent, no account, no exact upload time (hours only). Codes and tokens are stored only as
 * HMACs under a key derived from the master key.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

/** Verification codes a tracer issued. The tracer sees the status; nobody sees the keys. */
export const exposureCodes = pgTable('exposure_codes', {
  id: uuid('id').primaryKey(),
  /** HMAC-SHA-256 of the short (8-digit) code. */
  shortHash: bytea('short_hash').notNull().unique(),
  /** HMAC-SHA-256 of the long (16-character) code. */
  longHash: bytea('long_hash').notNull().unique(),
  /** confirmed | likely | negative | user-report */
  testType: text('test_type').notNull(),
  /** ENIntervalNumber of the symptom-onset day (UTC midnight), when known. */
  symptomOnsetInterval: integer('symptom_onset_interval'),
  /** ISO 3166-2 region the tracer named, carried to the certificate for surveillance facts. */
  region: text('region'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  longExpiresAt: timestamp('long_expires_at', { withTimezone: true }).notNull(),
  /** When the device redeemed it, rounded down to the hour. */
  usedHour: timestamp('used_hour', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  issuedBy: text('issued_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/** One-time tokens (code → token → certificate), stored as HMACs. */
export const exposureTokens = pgTable('exposure_tokens', {
  tokenHash: bytea('token_hash').primaryKey(),
  testType: text('test_type').notNull(),
  symptomOnsetInterval: integer('symptom_onset_interval'),
  region: text('region'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  used: boolean('used').notNull().default(false),
})

/** Published diagnosis keys. */
export const exposureKeys = pgTable(
  'exposure_keys',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    keyData: bytea('key_data').notNull(),
    transmissionRisk: smallint('transmission_risk').notNull(),
    rollingStart: integer('rolling_start').notNull(),
    rollingPeriod: smallint('rolling_period').notNull(),
    /** export.proto ReportType. */
    reportType: smallint('report_type').notNull(),
    daysSinceOnset: smallint('days_since_onset'),
    healthAuthority: text('health_authority').notNull(),
    traveler: boolean('traveler').notNull().default(false),
    /** Upload hour, or for a still-valid key the hour after it expires (embargo): never exact. */
    availableHour: timestamp('available_hour', { withTimezone: true }).notNull(),
    /** Set when a revision changed the report type (exported in revised_keys). */
    revisedReportType: smallint('revised_report_type'),
    revisedHour: timestamp('revised_hour', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('exposure_keys_key_data').on(t.keyData),
    index('exposure_keys_available').on(t.availableHour),
  ],
)

/** Signed export files, kept so that a regenerated index serves identical bytes. */
export const exposureExports = pgTable('exposure_exports', {
  /** `<start>-<end>-<NNNNN>.zip` relative to the export root. */
  path: text('path').primaryKey(),
  batchStart: timestamp('batch_start', { withTimezone: true }).notNull(),
  batchEnd: timestamp('batch_end', { withTimezone: true }).notNull(),
  keyCount: integer('key_count').notNull(),
  zip: bytea('zip').notNull(),
  sha256: bytea('sha256').notNull(),
  leafIndex: bigint('leaf_index', { mode: 'bigint' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/** The export and certificate signing keys (P-256), sealed by the key store. */
export const exposureSigningKeys = pgTable('exposure_signing_keys', {
  id: text('id').primaryKey(),
  /** 'export' | 'certificate' */
  purpose: text('purpose').notNull(),
  publicSpki: bytea('public_spki').notNull(),
  sealedPrivateKey: bytea('sealed_private_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
})
