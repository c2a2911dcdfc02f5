/**
 * @module platform/db/schema/people
 * Staff (docs/STAFF.md): people, their passkeys, sign-in sessions, one-time invitations, WebAuthn
 * challenges, rate-limit counters and the append-only audit trail with its daily digests.
 * Secrets are never stored in the clear: sessions and invitations keep SHA-256 of their secret,
 * rate limits a salted hash of the client (the salt is random per day and deleted after two).
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

const at = (name: string) => timestamp(name, { withTimezone: true })

/** A staff member. Roles are read on every request, so a change applies at once. */
export const users = pgTable('users', {
  /** 12 characters of lower-case base32, safe to show and log. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** admin, issuer, tracer, epidemiologist, auditor. */
  roles: text('roles').array().notNull(),
  /** WebAuthn user.id: 32 random bytes, unrelated to the name (WebAuthn §14.6.1). */
  userHandle: bytea('user_handle').notNull().unique(),
  createdAt: at('created_at').notNull().default(sql`now()`),
  /** Set: the person cannot sign in and their sessions are gone. */
  disabledAt: at('disabled_at'),
})

/** A WebAuthn credential (passkey). The public key is COSE, as the authenticator sent it. */
export const passkeys = pgTable(
  'passkeys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** The credential id (base64url), as the authenticator returns it on sign-in. */
    credentialId: text('credential_id').notNull().unique(),
    publicKey: bytea('public_key').notNull(),
    /** The signature counter last seen (WebAuthn §6.1.1); 0 for authenticators without one. */
    counter: bigint('counter', { mode: 'number' }).notNull(),
    transports: text('transports').array().notNull(),
    name: text('name').notNull(),
    /** 'singleDevice' or 'multiDevice' (backup eligible). */
    deviceType: text('device_type').notNull(),
    backedUp: boolean('backed_up').notNull(),
    createdAt: at('created_at').notNull().default(sql`now()`),
    lastUsedAt: at('last_used_at'),
  },
  (t) => [index('passkeys_user_id').on(t.userId)],
)

/** Sign-in sessions. The cookie holds a random secret; only its SHA-256 is here. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: bytea('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    passkeyId: text('passkey_id'),
    createdAt: at('created_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    /** Absolute expiry; the idle limit is counted from `last_seen_at`. */
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('sessions_user_id').on(t.userId), index('sessions_expires_at').on(t.expiresAt)],
)

/** One-time enrolment links (`vgi_<id>_<secret>`): expiring, single use, revocable. */
export const invitations = pgTable('invitations', {
  id: text('id').primaryKey(),
  secretHash: bytea('secret_hash').notNull(),
  /** The name the new person will have (an admin can change it later). */
  name: text('name').notNull(),
  roles: text('roles').array().notNull(),
  /** `staff:<id>`, `token:<id>` or `system:<what>` (the CLI, the first start). */
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at').notNull(),
  usedAt: at('used_at'),
  usedBy: text('used_by'),
  revokedAt: at('revoked_at'),
  /**
   * Set for a re-enrolment link: the existing person who gets a new passkey (keeping their id,
   * roles and history) instead of a new person being created.
   */
  userId: text('user_id').references(() => users.id),
})

/**
 * WebAuthn challenges: single use (`used_at` is kept until purged, so a replay is told apart from
 * a made-up challenge), expiring, and bound to their ceremony and to an invitation or a person.
 */
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    /** base64url of 32 random bytes, as sent in the options. */
    challenge: text('challenge').primaryKey(),
    /** 'enrol', 'sign-in' or 'add-passkey'. */
    purpose: text('purpose').notNull(),
    invitationId: text('invitation_id'),
    userId: text('user_id'),
    /** For enrolment: the WebAuthn user.id the new person will get. */
    userHandle: bytea('user_handle'),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [index('webauthn_challenges_expires_at').on(t.expiresAt)],
)

/** Fixed-window counters. `bucket` = SHA-256(day salt, scope, key, window): no address stored. */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    bucket: bytea('bucket').primaryKey(),
    windowStart: at('window_start').notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [index('rate_limit_hits_window_start').on(t.windowStart)],
)

/** The rotating secret behind rate-limit buckets: one random salt per UTC day, deleted after two. */
export const rateLimitSalts = pgTable('rate_limit_salts', {
  day: text('day').primaryKey(),
  salt: bytea('salt').notNull(),
})

/**
 * The audit trail: one row per state-changing action. Append-only (a trigger refuses UPDATE,
 * DELETE and TRUNCATE), and each UTC day's rows are digested into the ledger (`audit_digests`).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: at('at').notNull(),
    /** 'staff', 'token' or 'system'. */
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    /** The role the action was allowed under (null for self-service such as signing out). */
    role: text('role'),
    /** `<object>.<verb>`, e.g. credential.issue, token.revoke, session.sign-in. */
    action: text('action').notNull(),
    targetId: text('target_id'),
    requestId: text('request_id'),
    /** Small, non-personal facts (roles granted, a reason code); never personal data. */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_events_at').on(t.at),
    index('audit_events_action').on(t.action, t.id),
    index('audit_events_actor').on(t.actorId, t.id),
    index('audit_events_target').on(t.targetId, t.id),
  ],
)

/** One row per UTC day: the chained digest of that day's audit rows and its ledger entry. */
export const auditDigests = pgTable('audit_digests', {
  /** YYYY-MM-DD (UTC). */
  day: text('day').primaryKey(),
  events: integer('events').notNull(),
  digest: bytea('digest').notNull(),
  /** The previous day's digest (32 zero bytes for the first day). */
  prev: bytea('prev').notNull(),
  createdAt: at('created_at').notNull(),
  /** The ledger index of its `audit-digest` entry; null until appended. */
  leafIndex: bigint('leaf_index', { mode: 'number' }),
  /**
   * The log_pending id of that entry, written in the transaction that queues it: a day is
   * queued for the log once, whatever crashes between the append and this bookkeeping.
   */
  pendingId: bigint('pending_id', { mode: 'bigint' }),
})
