/**
 * @module services/trust/web-release
 * Releases of the web pages (docs/RELEASES.md). A release is the manifest `npm run build:web`
 * writes (core/release, `vigil-release/v1`); publishing keeps its exact text and queues a
 * `verifier-release` ledger entry (key id `web:<release>`, artefact SHA-256 of the text) in the
 * same transaction, so the feed never lists a release without its entry on its way into the
 * log. Publishing the same manifest again is a no-op: processes starting together publish it
 * once (a transaction-scoped advisory lock orders them; the hash is unique).
 */
import { desc, eq, sql } from 'drizzle-orm'
import { sha256, toHex, utf8 } from '../../core/codec/index.ts'
import { type LogEntry, roundToHour } from '../../core/leaf/index.ts'
import {
  parseReleaseManifest,
  ReleaseError,
  type ReleaseRecord,
  webReleaseKeyId,
} from '../../core/release/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { logEntries, webReleases } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

/** Orders concurrent publishers ("vwrl"); distinct from the log's and the keys' locks. */
const RELEASE_LOCK = 0x7677_726c

type Row = typeof webReleases.$inferSelect

/** A release as the public feed lists it. */
export interface WebReleaseView extends ReleaseRecord {
  readonly publishedAt: string
}

const entryTime = (row: Row) => roundToHour(Math.floor(row.publishedAt.getTime() / 1000))

function view(row: Row): WebReleaseView {
  return {
    release: row.release,
    sha256: toHex(row.sha256),
    version: row.version,
    commit: row.commit,
    leafIndex: row.leafIndex,
    entryTime: entryTime(row),
    publishedAt: row.publishedAt.toISOString(),
  }
}

function entryOf(row: Row): LogEntry {
  return {
    kind: 'verifier-release',
    artefactHash: row.sha256,
    keyId: webReleaseKeyId(row.release),
    time: entryTime(row),
  }
}

/** Fills in the ledger index of releases whose entries have been integrated. */
async function placeReleases(ctx: ServiceContext): Promise<void> {
  await ctx.db.execute(sql`
    update ${webReleases} r set leaf_index = e.idx
    from ${logEntries} e
    where r.leaf_index is null and r.pending_id = e.pending_id`)
}

/**
 * Publishes a manifest as the next release (or finds it, when already published) and waits for
 * its entry to be integrated. `created` says whether this call published it.
 */
export async function publishWebRelease(
  ctx: ServiceContext,
  input: { text: string },
): Promise<{ release: WebReleaseView; created: boolean }> {
  const actor = requireActor(ctx)
  let manifest: ReturnType<typeof parseReleaseManifest>
  try {
    manifest = parseReleaseManifest(input.text)
  } catch (cause) {
    if (!(cause instanceof ReleaseError)) throw cause
    throw new ServiceError('VALIDATION', `release manifest: ${cause.message}`, {
      field: cause.field ?? 'manifest',
      cause,
    })
  }
  const hash = await sha256(utf8(input.text))
  const publishedAt = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000)
  const { row, created } = await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${RELEASE_LOCK})`)
    const [found] = await tx.select().from(webReleases).where(eq(webReleases.sha256, hash))
    if (found !== undefined) return { row: found, created: false }
    const [last] = await tx
      .select({ release: webReleases.release })
      .from(webReleases)
      .orderBy(desc(webReleases.release))
      .limit(1)
    const [inserted] = await tx
      .insert(webReleases)
      .values({
        release: (last?.release ?? 0) + 1,
        sha256: hash,
        text: input.text,
        version: manifest.version,
        commit: manifest.commit,
        publishedBy: actor.id,
        publishedAt,
      })
      .returning()
    const row = inserted as Row
    const [pendingId] = await ctx.ledger.queue(tx, [entryOf(row)])
    await tx.update(webReleases).set({ pendingId }).where(eq(webReleases.release, row.release))
    return { row, created: true }
  })
  if (row.leafIndex === null) {
    await ctx.ledger.flush()
    await placeReleases(ctx)
  }
  const [placed] = await ctx.db
    .select()
    .from(webReleases)
    .where(eq(webReleases.release, row.release))
  return { release: view(placed ?? row), created }
}

/** The release feed, newest first (entries not yet integrated are placed first). */
export async function listWebReleases(ctx: ServiceContext): Promise<WebReleaseView[]> {
  await placeReleases(ctx)
  const rows = await ctx.db.select().from(webReleases).orderBy(desc(webReleases.release))
  return rows.map(view)
}

/** The published release of the manifest bytes `text`, if any. */
export async function findWebRelease(
  ctx: ServiceContext,
  text: string,
): Promise<WebReleaseView | undefined> {
  const hash = await sha256(utf8(text))
  const [row] = await ctx.db.select().from(webReleases).where(eq(webReleases.sha256, hash))
  if (row === undefined) return undefined
  if (row.leafIndex === null) await placeReleases(ctx)
  const [placed] = await ctx.db.select().from(webReleases).where(eq(webReleases.sha256, hash))
  return view(placed ?? row)
}

/** The exact manifest text of release `release`, if published. */
export async function webReleaseText(
  ctx: ServiceContext,
  release: number,
): Promise<string | undefined> {
  const [row] = await ctx.db
    .select({ text: webReleases.text })
    .from(webReleases)
    .where(eq(webReleases.release, release))
  return row?.text
}
