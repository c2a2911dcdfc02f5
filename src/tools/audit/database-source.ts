/**
 * @module tools/audit/database-source
 * The audit source over Vigil's own tables: log_entries, log_tiles, log_bundles, log_checkpoints
 * and log_state, read in pages by primary key (never all rows at once). Rows only grow while the
 * audit runs, so reads are cut at the head read first: `.p/W` prefixes of tiles and bundles, and
 * checkpoints up to the head's size.
 */
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm'
import { HASH_SIZE, type Tile } from '../../core/merkle/index.ts'
import {
  type Db,
  keys,
  logBundles,
  logCheckpoints,
  logEntries,
  logState,
  logTiles,
  toBigInt,
} from '../../platform/db/index.ts'
import type { PublicKeyInfo } from '../../platform/keys/index.ts'
import { logVerifierKey } from '../../platform/keys/index.ts'
import type { AuditCheckpoint, AuditHead, AuditSource } from './types.ts'

const CHECKPOINT_PAGE = 1000

export function databaseSource(db: Db): AuditSource {
  return {
    head: () => readHead(db),
    entries: (start, end) =>
      db
        .select({ index: logEntries.idx, entry: logEntries.entry, leafHash: logEntries.leafHash })
        .from(logEntries)
        .where(and(gte(logEntries.idx, start), lt(logEntries.idx, end)))
        .orderBy(asc(logEntries.idx)),
    async tiles(tiles) {
      if (tiles.length === 0) return []
      const rows = await db
        .select()
        .from(logTiles)
        .where(
          sql`(${logTiles.level}, ${logTiles.idx}) in (${sql.join(
            tiles.map((t) => sql`(${t.level}, ${t.index})`),
            sql`, `,
          )})`,
        )
      const byKey = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r]))
      return tiles.map((t: Tile) => {
        const row = byKey.get(`${t.level}/${t.index}`)
        if (row === undefined) return undefined
        // A row that grew since the head was read is cut to the width asked for; a row whose
        // width and bytes disagree is returned whole, so it cannot compare equal.
        const consistent = row.width >= t.width && row.hashes.length === row.width * HASH_SIZE
        return consistent ? row.hashes.subarray(0, t.width * HASH_SIZE) : row.hashes
      })
    },
    async bundles(bundles) {
      if (bundles.length === 0) return []
      const rows = await db
        .select()
        .from(logBundles)
        .where(
          inArray(
            logBundles.idx,
            bundles.map((b) => b.index),
          ),
        )
      const byIndex = new Map(rows.map((r) => [r.idx, r]))
      return bundles.map((b) => {
        const row = byIndex.get(b.index)
        return row === undefined ? undefined : bundlePrefix(row.data, b.width)
      })
    },
    async locate(leafHash) {
      const rows = await db
        .select({ idx: logEntries.idx })
        .from(logEntries)
        .where(eq(logEntries.leafHash, leafHash))
        .orderBy(asc(logEntries.idx))
        .limit(16)
      return rows.map((r) => r.idx)
    },
    // One statement, one snapshot: entries and their checkpoint commit together (the sequencer's
    // step), so a row past the latest checkpoint is never a step in flight.
    async beyond() {
      const [row] = await db
        .select({ first: sql<unknown>`min(${logEntries.idx})` })
        .from(logEntries)
        .where(
          sql`${logEntries.idx} >= (select max(${logCheckpoints.size}) from ${logCheckpoints})`,
        )
      return row?.first === null || row?.first === undefined ? undefined : toBigInt(row.first)
    },
    async *checkpoints(size) {
      for (let after = -1n; ; ) {
        const rows: AuditCheckpoint[] = await db
          .select({
            size: logCheckpoints.size,
            note: logCheckpoints.note,
            noteHash: logCheckpoints.noteHash,
          })
          .from(logCheckpoints)
          .where(and(gt(logCheckpoints.size, after), lte(logCheckpoints.size, size)))
          .orderBy(asc(logCheckpoints.size))
          .limit(CHECKPOINT_PAGE)
        if (rows.length > 0) yield rows
        if (rows.length < CHECKPOINT_PAGE) return
        after = (rows.at(-1) as AuditCheckpoint).size
      }
    },
  }
}

/** State and latest checkpoint in one statement, so one snapshot: a commit cannot fall between. */
async function readHead(db: Db): Promise<AuditHead> {
  const latest = sql<unknown>`(select max(${logCheckpoints.size}) from ${logCheckpoints})`
  const [row] = await db
    .select({
      size: logState.size,
      checkpointSize: logState.checkpointSize,
      compactRange: logState.compactRange,
      latest,
    })
    .from(logState)
    .where(eq(logState.id, 1))
  const [max] = row ? [row] : await db.select({ latest }).from(logCheckpoints).limit(1)
  if (max?.latest === null || max?.latest === undefined)
    throw new Error('the log has no checkpoint to audit')
  const size = toBigInt(max.latest)
  if (row === undefined) return { size, state: null }
  const { checkpointSize, compactRange } = row
  return { size, state: { size: row.size, checkpointSize, compactRange } }
}

/** The first `width` length-prefixed entries, or the whole data when it holds fewer. */
function bundlePrefix(data: Uint8Array, width: number): Uint8Array {
  let end = 0
  for (let i = 0; i < width && end + 2 <= data.length; i++)
    end += 2 + (((data[end] as number) << 8) | (data[end + 1] as number))
  return end <= data.length ? data.subarray(0, end) : data
}

/**
 * The log's identity as the deployment's data holds it, never as this process's environment
 * would configure it: every log key in the key store (active and retired), named for the origin
 * the stored checkpoints carry (their first line, c2sp.org/tlog-checkpoint). The first and the
 * latest checkpoint are asked; should they differ (one was tampered with), both names are
 * trusted and the walk names the checkpoint whose signature or origin does not hold.
 */
export async function storedLogVkeys(db: Db): Promise<string[]> {
  const rows = await db
    .select()
    .from(keys)
    .where(eq(keys.purpose, 'log'))
    .orderBy(asc(keys.createdAt))
  const ends = await Promise.all(
    [asc, desc].map((order) =>
      db
        .select({ note: logCheckpoints.note })
        .from(logCheckpoints)
        .orderBy(order(logCheckpoints.size))
        .limit(1),
    ),
  )
  const origins = new Set(ends.flat().map((r) => r.note.slice(0, r.note.indexOf('\n'))))
  return [...origins].flatMap((origin) =>
    rows.map((r) => logVerifierKey({ id: r.id, publicJwk: r.publicJwk } as PublicKeyInfo, origin)),
  )
}
