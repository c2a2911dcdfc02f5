/**
 * @module services/trust/dcc-value-sets
 * Imports of the EU value sets that DCC business rules read through `external.valueSets`
 * (`{"<value set id>": ["<code>", …]}`, one list for every country's rules). Each import keeps the
 * exact text and is a ledger entry (kind `verifier-release`, key id `dcc-valuesets:<release>`)
 * queued in the transaction that records it; the latest goes into the signed trust material.
 */
import { desc, eq, sql } from 'drizzle-orm'
import {
  CertLogicError,
  type DccValueSetsRelease,
  dccRulesHash,
  dccValueSetsKeyId,
  parseDccValueSetsText,
} from '../../core/certlogic/index.ts'
import { toHex } from '../../core/codec/index.ts'
import { roundToHour } from '../../core/leaf/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { dccValueSets, logEntries } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface DccValueSetsView {
  release: number
  keyId: string
  sha256: string
  /** The value-set ids, sorted. */
  ids: string[]
  leafIndex: number | null
}

type Row = typeof dccValueSets.$inferSelect

const entryTime = (row: Row) => roundToHour(Math.floor(row.importedAt.getTime() / 1000))

function view(row: Row): DccValueSetsView {
  return {
    release: row.release,
    keyId: dccValueSetsKeyId(row.release),
    sha256: toHex(row.sha256),
    ids: Object.keys(parseDccValueSetsText(row.text)).sort(),
    leafIndex: row.leafIndex,
  }
}

async function placeImports(ctx: ServiceContext): Promise<void> {
  await ctx.db.execute(sql`
    update ${dccValueSets} r set leaf_index = e.idx
    from ${logEntries} e
    where r.leaf_index is null and r.pending_id = e.pending_id`)
}

/** Imports the value sets as the next release and appends the ledger entry. */
export async function importDccValueSets(
  ctx: ServiceContext,
  input: { text: string },
): Promise<DccValueSetsView> {
  const actor = requireActor(ctx)
  try {
    parseDccValueSetsText(input.text)
  } catch (cause) {
    if (!(cause instanceof CertLogicError)) throw cause
    throw new ServiceError('VALIDATION', `dcc value sets: ${cause.message}`, {
      field: cause.field ?? 'valueSets',
      cause,
    })
  }
  const importedAt = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000)
  const row = await ctx.db.transaction(async (tx) => {
    const [last] = await tx
      .select({ release: dccValueSets.release })
      .from(dccValueSets)
      .orderBy(desc(dccValueSets.release))
      .limit(1)
      .for('update')
    const release = (last?.release ?? 0) + 1
    const [inserted] = await tx
      .insert(dccValueSets)
      .values({
        release,
        text: input.text,
        sha256: dccRulesHash(input.text),
        importedBy: actor.id,
        importedAt,
      })
      .onConflictDoNothing()
      .returning()
    if (inserted === undefined) {
      throw new ServiceError('CONFLICT', 'another import was made at the same time', {
        field: 'release',
      })
    }
    const [pendingId] = await ctx.ledger.queue(tx, [
      {
        kind: 'verifier-release',
        artefactHash: inserted.sha256,
        keyId: dccValueSetsKeyId(release),
        time: entryTime(inserted),
      },
    ])
    await tx.update(dccValueSets).set({ pendingId }).where(eq(dccValueSets.release, release))
    return inserted
  })
  await ctx.ledger.flush()
  await placeImports(ctx)
  const [placed] = await ctx.db
    .select()
    .from(dccValueSets)
    .where(eq(dccValueSets.release, row.release))
  return view(placed ?? row)
}

/**
 * The latest import as the trust material carries it (undefined before the first). Read only,
 * as latestDccRules is: an import places its own entry.
 */
export async function latestDccValueSets(
  ctx: ServiceContext,
): Promise<DccValueSetsRelease | undefined> {
  const [row] = await ctx.db
    .select()
    .from(dccValueSets)
    .orderBy(desc(dccValueSets.release))
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
