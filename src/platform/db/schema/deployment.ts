/**
 * @module platform/db/schema/deployment
 * The deployment's identity, fixed on first start and read by every later process (server, CLI,
 * workers, the Worker) instead of being derived from each one's environment: the log's origin
 * (c2sp.org/tlog-checkpoint: it names the log for ever), the public URL, and the issuer URL that
 * cards carry as `iss` (SMART Health Cards §"Issuer"). One row.
 */
import { sql } from 'drizzle-orm'
import { check, jsonb, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core'

export const deployment = pgTable(
  'deployment',
  {
    id: smallint('id').primaryKey().default(1),
    publicUrl: text('public_url').notNull(),
    logOrigin: text('log_origin').notNull(),
    issuerUrl: text('issuer_url').notNull(),
    /** Issuer URLs of earlier cards (after `vigil identity set-url`): still this issuer. */
    formerIssuerUrls: jsonb('former_issuer_urls').notNull().$type<string[]>().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [check('deployment_one_row', sql`${t.id} = 1`)],
)
