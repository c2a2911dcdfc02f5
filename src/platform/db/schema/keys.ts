/**
 * @module platform/db/schema/keys
 * Signing keys of this deployment.
 */
import { sql } from 'drizzle-orm'
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

/**
 * Signing keys. The private key is PKCS#8, sealed with AES-256-GCM under the master key (the key
 * id is the associated data, so a sealed blob cannot be moved to another row).
 */
export const keys = pgTable(
  'keys',
  {
    id: text('id').primaryKey(),
    /** 'log' (Ed25519 signed notes) or 'issuer' (ES256 SMART Health Cards). */
    purpose: text('purpose').notNull(),
    algorithm: text('algorithm').notNull(),
    publicJwk: jsonb('public_jwk').notNull().$type<JsonWebKey>(),
    sealedPrivateKey: bytea('sealed_private_key').notNull(),
    /** 'active' signs; 'retired' stays published for verification. */
    status: text('status').notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    /**
     * The log_pending id of the entry that announces an issuer key, written in the transaction
     * that creates the key: a key with none was never announced (or predates this column).
     */
    announcedPendingId: bigint('announced_pending_id', { mode: 'bigint' }),
  },
  (t) => [
    index('keys_purpose_status').on(t.purpose, t.status),
    // One active key per purpose, whatever processes race to create one.
    uniqueIndex('keys_one_active').on(t.purpose).where(sql`${t.status} = 'active'`),
  ],
)
