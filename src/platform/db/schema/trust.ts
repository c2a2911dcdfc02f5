/**
 * @module platform/db/schema/trust
 * Issuers other than this deployment that its verifiers trust (configured by an admin): their
 * JWK Sets and CRLs are kept here and served, signed, as trust material.
 */
import { sql } from 'drizzle-orm'
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

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
