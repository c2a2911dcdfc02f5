/**
 * @module platform/db/schema/staff
 * API tokens for records systems (docs/STAFF.md); people, passkeys and sessions live beside them
 * in schema/people.ts. The secret is stored only as its SHA-256.
 */
import { sql } from 'drizzle-orm'
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

export const apiTokens = pgTable('api_tokens', {
  /** Public part of the token (`vgl_<id>_<secret>`), safe to show and log. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Roles, comma-free names: admin, issuer, tracer, epidemiologist, auditor. */
  roles: text('roles').array().notNull(),
  secretHash: bytea('secret_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
})
