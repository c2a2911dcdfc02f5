/**
 * @module platform/db/schema/shl
 * SMART Health Links a citizen made (docs/SHL.md). The server keeps what it needs to serve and
 * manage a link, never what opens it: the manifest URL's path segment only as a SHA-256, the
 * files only as compact JWE, the passcode only as a scrypt hash. The link's key is not stored,
 * except for a long-term (`L`) link, whose manifest must follow new credentials: its key is sealed
 * under the master key (never in clear) and deleted with the link. Everything hangs off the
 * owner's sealed personal data: erasing it (crypto-shredding) deletes the owner's links, their
 * files, tickets and access log, and every file made from it in other links.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'
import { credentialPersonalData } from './credentials.ts'

export const shlLinks = pgTable(
  'shl_links',
  {
    id: uuid('id').primaryKey(),
    /** SHA-256 of the manifest URL's last path segment (43 base64url characters, 256 bits). */
    urlHash: bytea('url_hash').notNull().unique(),
    /** The passport (credential id) the link belongs to: the citizen who manages it. */
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => credentialPersonalData.credentialId, { onDelete: 'cascade' }),
    /** The SHL flag string: '', 'L', 'P', 'LP', 'U' or 'LU' (letters in alphabetical order). */
    flag: text('flag').notNull(),
    label: text('label'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** `scrypt$N$r$p$salt$hash` (base64url), for flag P. */
    passcodeHash: text('passcode_hash'),
    /** Wrong passcodes left in the link's lifetime; 0 disables it (flag P only). */
    attemptsLeft: integer('attempts_left'),
    active: boolean('active').notNull().default(true),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    /** What the link shares: `{kinds, cards, bundle}` (and for L, "every record of those kinds"). */
    selection: jsonb('selection').notNull(),
    /** The credential ids the files were made from, sorted and comma-joined. */
    members: text('members').notNull(),
    /** Flag L only: the link key sealed under the master key (AAD `shl-key:<id>`). */
    keySealed: bytea('key_sealed'),
    /** Who made it: 'citizen' (the passport page) or the records system's actor id. */
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    /** When the files last changed (manifest `lastUpdated`). */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('shl_links_owner').on(t.ownerId, t.createdAt)],
)

export const shlFiles = pgTable(
  'shl_files',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    linkId: uuid('link_id')
      .notNull()
      .references(() => shlLinks.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    contentType: text('content_type').notNull(),
    /** The card's credential for an SHC file of one card (dropped once it is not active). */
    credentialId: uuid('credential_id').references(() => credentialPersonalData.credentialId, {
      onDelete: 'cascade',
    }),
    /** Compact JWE under the link's key: the only form the file is kept in. */
    jwe: text('jwe').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index('shl_files_link').on(t.linkId, t.position),
    // Erasing a credential's personal data cascades here by this column.
    index('shl_files_credential').on(t.credentialId),
  ],
)

/** Single-use, short-lived `location` URLs (IG §files.location: at most one hour). */
export const shlTickets = pgTable(
  'shl_tickets',
  {
    /** SHA-256 of the URL's random token. */
    tokenHash: bytea('token_hash').primaryKey(),
    fileId: bigint('file_id', { mode: 'bigint' })
      .notNull()
      .references(() => shlFiles.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('shl_tickets_expires').on(t.expiresAt)],
)

/** Who opened a link, for its owner: time and the recipient's own words. No IP, no user agent. */
export const shlAccess = pgTable(
  'shl_access',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    linkId: uuid('link_id')
      .notNull()
      .references(() => shlLinks.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** The `recipient` the receiving application sent (bounded, control characters removed). */
    recipient: text('recipient').notNull(),
    /** 'manifest' | 'file' | 'passcode-wrong' */
    outcome: text('outcome').notNull(),
  },
  (t) => [index('shl_access_link').on(t.linkId, t.id)],
)
