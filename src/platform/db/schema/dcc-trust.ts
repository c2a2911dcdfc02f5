/**
 * @module platform/db/schema/dcc-trust
 * EU DCC / GDHCN trust data as imported snapshots, with history: every distinct import of a
 * named list (a DSC trust list, or a revocation hash list) is a row with the exact bytes
 * imported, their SHA-256 (the artefact hash of its `trust-list` ledger entry), what the loader
 * accepted and dropped, and when. The latest snapshot of each name is what verifiers get.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { bytea } from '../columns.ts'

/** A signer as stored (and served): core/dcc DccSigner with its key base64. */
export interface StoredDccSigner {
  kid: string
  country: string | null
  keyType: 'EC' | 'RSA'
  spki: string
  notBefore: number | null
  notAfter: number | null
  eku: string[] | null
}

export const dccTrustSnapshots = pgTable(
  'dcc_trust_snapshots',
  {
    /** The list's name (`[a-z0-9-]`, e.g. `eu-gateway`, `who-gdhcn`). */
    name: text('name').notNull(),
    /** 1, 2, … per name. */
    version: integer('version').notNull(),
    /** eu-dto | verifier-service | jwks | did | revocations. */
    format: text('format').notNull(),
    source: text('source').notNull(),
    /** The exact bytes imported. */
    content: bytea('content').notNull(),
    sha256: bytea('sha256').notNull(),
    signers: jsonb('signers').notNull().$type<StoredDccSigner[]>(),
    /** For a revocation list: kid → hash type → base64 hashes. */
    revocations: jsonb('revocations').$type<Record<string, Record<string, string[]>>>(),
    problems: jsonb('problems')
      .notNull()
      .$type<{ code: string; message: string; kid?: string }[]>(),
    /** The oldest age (seconds) at which verifiers still rely on this list. */
    maxAge: integer('max_age').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().default(sql`now()`),
    /** The latest import that found these very bytes: the list's age counts from here. */
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().default(sql`now()`),
    pendingId: bigint('pending_id', { mode: 'bigint' }),
    leafIndex: bigint('leaf_index', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.version] }),
    index('dcc_trust_snapshots_sha').on(t.sha256),
  ],
)
