/**
 * @module services/credentials/write
 * The rows of an issuance (public row, sealed personal data, de-identified facts and their
 * rollup cells, audit row) in
 * one statement (data-modifying CTEs: one implicit transaction, one round trip). Issuances that
 * reach this point together share it: four multi-row inserts instead of six round trips each. While a transaction runs, the next
 * issuances queue and go in the next one, so batches grow with load and cost nothing when idle.
 * A failed shared transaction is retried one issuance at a time, so one bad row (say, an import
 * key another instance just used) fails only its own request. Nothing is kept between batches.
 */
import { sql } from 'drizzle-orm'
import { toBase64 } from '../../core/codec/index.ts'
import {
  auditEvents,
  BatchQueue,
  credentialPersonalData,
  credentials,
  type Db,
  executePrepared,
  nextTick,
  perDb,
} from '../../platform/db/index.ts'
import type { FactRow } from '../surveillance/index.ts'
import { insertFactsSql, rollupDeltas, upsertRollupsSql } from '../surveillance/index.ts'

export interface IssuanceRows {
  credential: typeof credentials.$inferInsert
  personal: typeof credentialPersonalData.$inferInsert
  /** De-identified facts; their rollup cells are added in the same statement. */
  facts: FactRow[]
  audit: typeof auditEvents.$inferInsert
}

/** Most issuances in one transaction (bounds statement size: ~10 parameters a row). */
const MAX_BATCH = 500

/** bytea through JSON: base64 text, decoded by the database (`decode(…, 'base64')`). */
const b64 = (bytes: Uint8Array | null | undefined) => (bytes == null ? null : toBase64(bytes))

/** The rows as JSON values (bigint as text, bytea as base64). */
function credentialJson(all: readonly IssuanceRows[]): string {
  return JSON.stringify(
    all.map(({ credential: c }) => ({
      id: c.id,
      kind: c.kind,
      issuer_kid: c.issuerKid,
      jws_hash: b64(c.jwsHash),
      leaf_index: String(c.leafIndex),
      rid: c.rid,
      nbf: c.nbf,
      replaces: c.replaces ?? null,
      import_key: b64(c.importKey),
      issued_by: c.issuedBy,
    })),
  )
}

function personalJson(all: readonly IssuanceRows[]): string {
  return JSON.stringify(
    all.map(({ personal: p }) => ({
      credential_id: p.credentialId,
      wrapped_key: b64(p.wrappedKey),
      sealed: b64(p.sealed),
      search_key: b64(p.searchKey),
    })),
  )
}

function auditJson(all: readonly IssuanceRows[]): string {
  return JSON.stringify(
    all.map(({ audit: a }) => ({
      at: a.at,
      actor_kind: a.actorKind,
      actor_id: a.actorId,
      actor_name: a.actorName,
      role: a.role ?? null,
      action: a.action,
      target_id: a.targetId ?? null,
      request_id: a.requestId ?? null,
      detail: a.detail ?? null,
    })),
  )
}

/**
 * The inserts (and the rollup upsert) as one statement: a statement is atomic, so all rows commit
 * or none do, and BEGIN, three more round trips and COMMIT go. No table reads another's new
 * rows, so the CTEs' shared snapshot does not matter. Rows travel as one JSON parameter per
 * table (`json_to_recordset`, as surveillance/facts.ts does): the statement text is the same
 * for any batch size, so the driver prepares it once, and no query builder walks thousands of
 * parameters per batch (that walk was 9% of the issuing server's CPU).
 */
async function insertAll(db: Db, all: IssuanceRows[]): Promise<void> {
  const factRows = all.flatMap((r) => r.facts)
  const withFacts =
    factRows.length > 0
      ? sql`, w2 as (${insertFactsSql(factRows)}), w3 as (${upsertRollupsSql(rollupDeltas(factRows))})`
      : sql``
  await executePrepared(
    db,
    sql`
    with w0 as (
      insert into ${credentials} (id, kind, issuer_kid, jws_hash, leaf_index, rid, nbf, replaces,
        import_key, issued_by)
      select id, kind, issuer_kid, decode(jws_hash, 'base64'), leaf_index, rid, nbf, replaces,
        decode(import_key, 'base64'), issued_by
      from json_to_recordset(${credentialJson(all)}::json) as t(id uuid, kind text,
        issuer_kid text, jws_hash text, leaf_index int8, rid text, nbf int8, replaces uuid,
        import_key text, issued_by text)
    ), w1 as (
      insert into ${credentialPersonalData} (credential_id, wrapped_key, sealed, search_key)
      select credential_id, decode(wrapped_key, 'base64'), decode(sealed, 'base64'),
        decode(search_key, 'base64')
      from json_to_recordset(${personalJson(all)}::json) as t(credential_id uuid,
        wrapped_key text, sealed text, search_key text)
    )${withFacts}
    insert into ${auditEvents} (at, actor_kind, actor_id, actor_name, role, action, target_id,
      request_id, detail)
    select at, actor_kind, actor_id, actor_name, role, action, target_id, request_id, detail
    from json_to_recordset(${auditJson(all)}::json) as t(at timestamptz, actor_kind text,
      actor_id text, actor_name text, role text, action text, target_id text, request_id text,
      detail jsonb)`,
  )
}

/**
 * One queue per database handle. A timer tick before the first statement, so the issuances one
 * ledger step completed arrive together; a failed shared statement is retried one issuance at a
 * time, so one bad row (an import key another instance just used) fails only its own request.
 */
const writers = perDb(
  (db: Db) =>
    new BatchQueue<IssuanceRows, void>(
      async (all) => {
        await insertAll(db, all)
        return all.map(() => undefined)
      },
      { max: MAX_BATCH, schedule: nextTick, retryAlone: true },
    ),
)

/** Resolves once the rows are committed; rejects if their transaction failed (nothing written). */
export function writeIssuance(db: Db, rows: IssuanceRows): Promise<void> {
  return writers(db).push(rows)
}
