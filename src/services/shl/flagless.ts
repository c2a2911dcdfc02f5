/**
 * @module services/shl/flagless
 * The common manifest request — a link with no flag: no passcode, not long-term, not a single
 * file — answered in one statement for every such request that arrives together. The statement
 * finds each link by its URL hash, logs the accesses of the links servable at this instant, and
 * reads their files (those of credentials no longer valid left out), in one implicit
 * transaction: an answer is sent only after its access row is committed, and a link deactivated
 * or expired before the statement is refused by it. While one batch runs, the next requests
 * queue and go in the next, so batches grow with load and cost nothing when idle (the pattern of
 * services/credentials/write.ts). At 32 manifests in flight, one statement and one commit per
 * request in both the server and Postgres was what bounded throughput (docs/PERFORMANCE.md).
 */
import { sql } from 'drizzle-orm'
import { toBase64 } from '../../core/codec/index.ts'
import type { Db } from '../../platform/db/index.ts'
import {
  BatchQueue,
  credentials,
  executePrepared,
  nextTurn,
  perDb,
  shlAccess,
  shlFiles,
  shlLinks,
  toBigInt,
} from '../../platform/db/index.ts'
import type { FileRow } from './serve.ts'

/**
 * `undefined`: no link here, or it cannot be served now; `{ flag }`: the link has a flag and takes
 * the general path (serve.ts); otherwise its files, already logged.
 */
export type FlaglessAnswer = { flag: string } | { files: FileRow[]; updatedAt: Date } | undefined

interface Ask {
  urlHash: Uint8Array
  recipient: string
  at: Date
}

/** Bounds one statement's parameter (a few hundred bytes a request). */
const MAX_BATCH = 256

const batches = perDb(
  (db: Db) =>
    new BatchQueue<Ask, FlaglessAnswer>((asks) => serveAll(db, asks), {
      max: MAX_BATCH,
      // After the I/O callbacks of this turn, so the requests that arrived together go together.
      schedule: nextTurn,
    }),
)

/** The answer to one request, from the batch it joins (a Worker's handle: batches of one). */
export function serveFlagless(
  db: Db,
  urlHash: Uint8Array,
  recipient: string,
  at: Date,
): Promise<FlaglessAnswer> {
  return batches(db).push({ urlHash, recipient, at })
}

/**
 * The statement. Requests travel as one JSON parameter (the text is the same for any batch
 * size); each request is logged at its own arrival time. A link's files come once per batch, on
 * the row of its first request, and are shared by its other requests here.
 */
async function serveAll(db: Db, batch: readonly Ask[]): Promise<FlaglessAnswer[]> {
  const asks = JSON.stringify(
    batch.map((a, n) => ({ n, h: toBase64(a.urlHash), recipient: a.recipient, at: a.at })),
  )
  const rows = await executePrepared<{
    n: number
    link_id: string
    flag: string
    ok: boolean
    updated_ms: number | string
    id: unknown
    content_type: string | null
    jwe: string | null
  }>(
    db,
    sql`
      WITH req AS (
        SELECT t.n, decode(t.h, 'base64') AS url_hash, t.recipient, t.at
        FROM json_to_recordset(${asks}::json) AS t(n int, h text, recipient text, at timestamptz)
      ), link AS (
        SELECT r.n, r.recipient, r.at, k.id, k.flag, k.updated_at,
          k.flag = '' AND k.active AND (k.expires_at IS NULL OR k.expires_at > r.at) AS ok,
          row_number() OVER (PARTITION BY k.id ORDER BY r.n) = 1 AS first
        FROM req r JOIN ${shlLinks} k ON k.url_hash = r.url_hash
      ), logged AS (
        INSERT INTO ${shlAccess} (link_id, at, recipient, outcome)
        SELECT id, at, recipient, 'manifest' FROM link WHERE ok ORDER BY n
      )
      SELECT k.n, k.id::text AS link_id, k.flag, k.ok,
        floor(extract(epoch FROM k.updated_at) * 1000)::float8 AS updated_ms,
        f.id, f.content_type, f.jwe
      FROM link k
      LEFT JOIN (
        SELECT f.id, f.link_id, f.content_type, f.jwe, f.position
        FROM ${shlFiles} f LEFT JOIN ${credentials} c ON c.id = f.credential_id
        WHERE f.credential_id IS NULL OR c.status = 'active'
      ) f ON k.first AND k.flag = '' AND f.link_id = k.id
      ORDER BY k.n, f.position`,
  )
  const files = new Map<string, FileRow[]>()
  const links = new Map<number, { linkId: string; flag: string; ok: boolean; updatedAt: Date }>()
  for (const r of rows) {
    const n = Number(r.n)
    if (!links.has(n)) {
      links.set(n, {
        linkId: r.link_id,
        flag: r.flag,
        ok: r.ok,
        updatedAt: new Date(Number(r.updated_ms)),
      })
    }
    let list = files.get(r.link_id)
    if (list === undefined) {
      list = []
      files.set(r.link_id, list)
    }
    if (r.id !== null && r.content_type !== null && r.jwe !== null) {
      list.push({ id: toBigInt(r.id), contentType: r.content_type, jwe: r.jwe })
    }
  }
  return batch.map((_, n): FlaglessAnswer => {
    const link = links.get(n)
    if (link === undefined) return undefined
    if (link.flag !== '') return { flag: link.flag }
    if (!link.ok) return undefined
    // A copy per request: the caller may keep or change its own list.
    return { files: [...(files.get(link.linkId) ?? [])], updatedAt: link.updatedAt }
  })
}
