/**
 * @module services/trust/rules
 * Releases of the entry rule sets (core/rules) an authority publishes. Each release keeps the
 * exact text published and is a ledger entry: kind `verifier-release` (what verifiers apply),
 * key id `rules:<release>`, artefact SHA-256 of the text's UTF-8 bytes. The entry is queued in the
 * transaction that records the release, so a release is never served without its entry being
 * on its way into the log; the latest release goes into the signed trust material.
 */
import { desc, eq, isNull, sql } from 'drizzle-orm'
import { toHex } from '../../core/codec/index.ts'
import { type LogEntry, roundToHour } from '../../core/leaf/index.ts'
import { parseRuleSetText, RulesError, ruleSetHash } from '../../core/rules/index.ts'
import type { RuleRelease } from '../../core/verify/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { logEntries, ruleSetReleases } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface RuleReleaseView {
  release: number
  sha256: string
  ruleSets: string[]
  publishedBy: string
  publishedAt: string
  leafIndex: number | null
}

type Row = typeof ruleSetReleases.$inferSelect

/** The ledger key id of a release's entry. */
export const ruleReleaseKeyId = (release: number) => `rules:${release}`

function view(row: Row): RuleReleaseView {
  return {
    release: row.release,
    sha256: toHex(row.sha256),
    ruleSets: parseRuleSetText(row.text).ruleSets.map((s) => s.name),
    publishedBy: row.publishedBy,
    publishedAt: row.publishedAt.toISOString(),
    leafIndex: row.leafIndex,
  }
}

/** The entry time of a release: the hour it was published (leaf times are whole hours). */
const entryTime = (row: Row) => roundToHour(Math.floor(row.publishedAt.getTime() / 1000))

function entryOf(row: Row): LogEntry {
  return {
    kind: 'verifier-release',
    artefactHash: row.sha256,
    keyId: ruleReleaseKeyId(row.release),
    time: entryTime(row),
  }
}

/**
 * Publishes rule-set text as the next release and appends its ledger entry. The text is kept
 * byte for byte (its hash is what the log commits to); it must parse as `vigil-rules/v1`.
 */
export async function publishRuleSets(
  ctx: ServiceContext,
  input: { text: string },
): Promise<RuleReleaseView> {
  const actor = requireActor(ctx)
  try {
    parseRuleSetText(input.text)
  } catch (cause) {
    if (!(cause instanceof RulesError)) throw cause
    throw new ServiceError('VALIDATION', `rule sets: ${cause.message}`, {
      field: cause.field ?? 'document',
      cause,
    })
  }
  const publishedAt = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000)
  const row = await ctx.db.transaction(async (tx) => {
    const [last] = await tx
      .select({ release: ruleSetReleases.release })
      .from(ruleSetReleases)
      .orderBy(desc(ruleSetReleases.release))
      .limit(1)
      .for('update')
    const release = (last?.release ?? 0) + 1
    const [inserted] = await tx
      .insert(ruleSetReleases)
      .values({
        release,
        text: input.text,
        sha256: ruleSetHash(input.text),
        publishedBy: actor.id,
        publishedAt,
      })
      .onConflictDoNothing()
      .returning()
    if (inserted === undefined) {
      throw new ServiceError('CONFLICT', 'another release was published at the same time', {
        field: 'release',
      })
    }
    const [pendingId] = await ctx.ledger.queue(tx, [entryOf(inserted)])
    await tx.update(ruleSetReleases).set({ pendingId }).where(eq(ruleSetReleases.release, release))
    return inserted
  })
  await ctx.ledger.flush()
  await placeReleases(ctx)
  const [placed] = await ctx.db
    .select()
    .from(ruleSetReleases)
    .where(eq(ruleSetReleases.release, row.release))
  return view(placed ?? row)
}

/** Fills in the ledger index of releases whose entries have been integrated. */
async function placeReleases(ctx: ServiceContext): Promise<void> {
  await ctx.db.execute(sql`
    update ${ruleSetReleases} r set leaf_index = e.idx
    from ${logEntries} e
    where r.leaf_index is null and r.pending_id = e.pending_id`)
}

export async function listRuleReleases(ctx: ServiceContext): Promise<RuleReleaseView[]> {
  const pending = await ctx.db
    .select({ r: ruleSetReleases.release })
    .from(ruleSetReleases)
    .where(isNull(ruleSetReleases.leafIndex))
    .limit(1)
  if (pending.length > 0) await placeReleases(ctx)
  const rows = await ctx.db.select().from(ruleSetReleases).orderBy(desc(ruleSetReleases.release))
  return rows.map(view)
}

/** The latest release as the trust material carries it (undefined before the first). */
export async function latestRuleRelease(ctx: ServiceContext): Promise<RuleRelease | undefined> {
  const [row] = await ctx.db
    .select()
    .from(ruleSetReleases)
    .orderBy(desc(ruleSetReleases.release))
    .limit(1)
  if (row === undefined) return undefined
  return {
    release: row.release,
    text: row.text,
    sha256: toHex(row.sha256),
    leafIndex: row.leafIndex,
    entryTime: entryTime(row),
  }
}
