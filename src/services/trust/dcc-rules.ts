/**
 * @module services/trust/dcc-rules
 * Imports of a country's EU DCC business rules (CertLogic, core/certlogic), as the EU gateway
 * distributes them: a JSON array of rules. Each import keeps the exact text and is a ledger entry
 * (kind `verifier-release`, key id `dcc-rules:<country>:<release>`, artefact SHA-256 of the
 * text) queued in the transaction that records it, as Vigil's own rule sets are (rules.ts); the
 * latest import of each country goes into the signed trust material, where a venue picks the
 * country it checks entry for.
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm'
import {
  CertLogicError,
  type DccRulesRelease,
  dccRulesHash,
  dccRulesKeyId,
  parseDccRulesText,
} from '../../core/certlogic/index.ts'
import { toHex } from '../../core/codec/index.ts'
import { type LogEntry, roundToHour } from '../../core/leaf/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { dccRuleSets, logEntries } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface DccRulesView {
  country: string
  release: number
  keyId: string
  sha256: string
  rules: number
  importedBy: string
  importedAt: string
  leafIndex: number | null
}

type Row = typeof dccRuleSets.$inferSelect

const COUNTRY = /^[A-Z]{2}$/

function view(row: Row): DccRulesView {
  return {
    country: row.country,
    release: row.release,
    keyId: dccRulesKeyId(row.country, row.release),
    sha256: toHex(row.sha256),
    rules: row.rules,
    importedBy: row.importedBy,
    importedAt: row.importedAt.toISOString(),
    leafIndex: row.leafIndex,
  }
}

/** The entry time of an import: the hour it was made (leaf times are whole hours). */
const entryTime = (row: Row) => roundToHour(Math.floor(row.importedAt.getTime() / 1000))

function entryOf(row: Row): LogEntry {
  return {
    kind: 'verifier-release',
    artefactHash: row.sha256,
    keyId: dccRulesKeyId(row.country, row.release),
    time: entryTime(row),
  }
}

/**
 * Imports a country's rules as its next release and appends the ledger entry. Every rule must
 * read as EU rules and belong to the country (Acceptance) or be one of its Invalidation rules;
 * nothing is stored otherwise.
 */
export async function importDccRules(
  ctx: ServiceContext,
  input: { country: string; text: string },
): Promise<DccRulesView> {
  const actor = requireActor(ctx)
  const country = input.country
  if (!COUNTRY.test(country)) {
    throw new ServiceError('VALIDATION', 'country: two capital letters (ISO 3166-1)', {
      field: 'country',
    })
  }
  let count: number
  try {
    const rules = parseDccRulesText(input.text)
    const other = rules.findIndex((r) => r.Country !== country)
    if (other >= 0) {
      throw new CertLogicError('DCC_RULES_INVALID', `rule ${other} belongs to another country`, {
        field: `${other}.Country`,
      })
    }
    count = rules.length
  } catch (cause) {
    if (!(cause instanceof CertLogicError)) throw cause
    throw new ServiceError('VALIDATION', `dcc rules: ${cause.message}`, {
      field: cause.field === undefined || cause.field === '' ? 'rules' : `rules.${cause.field}`,
      cause,
    })
  }
  const importedAt = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000)
  const row = await ctx.db.transaction(async (tx) => {
    const [last] = await tx
      .select({ release: dccRuleSets.release })
      .from(dccRuleSets)
      .where(eq(dccRuleSets.country, country))
      .orderBy(desc(dccRuleSets.release))
      .limit(1)
      .for('update')
    const release = (last?.release ?? 0) + 1
    const [inserted] = await tx
      .insert(dccRuleSets)
      .values({
        country,
        release,
        text: input.text,
        sha256: dccRulesHash(input.text),
        rules: count,
        importedBy: actor.id,
        importedAt,
      })
      .onConflictDoNothing()
      .returning()
    if (inserted === undefined) {
      throw new ServiceError(
        'CONFLICT',
        `another import for ${country} was made at the same time`,
        {
          field: 'release',
        },
      )
    }
    const [pendingId] = await ctx.ledger.queue(tx, [entryOf(inserted)])
    await tx
      .update(dccRuleSets)
      .set({ pendingId })
      .where(and(eq(dccRuleSets.country, country), eq(dccRuleSets.release, release)))
    return inserted
  })
  await ctx.ledger.flush()
  await placeImports(ctx)
  const [placed] = await ctx.db
    .select()
    .from(dccRuleSets)
    .where(and(eq(dccRuleSets.country, country), eq(dccRuleSets.release, row.release)))
  return view(placed ?? row)
}

/** Fills in the ledger index of imports whose entries have been integrated. */
async function placeImports(ctx: ServiceContext): Promise<void> {
  await ctx.db.execute(sql`
    update ${dccRuleSets} r set leaf_index = e.idx
    from ${logEntries} e
    where r.leaf_index is null and r.pending_id = e.pending_id`)
}

async function placePending(ctx: ServiceContext): Promise<void> {
  const pending = await ctx.db
    .select({ c: dccRuleSets.country })
    .from(dccRuleSets)
    .where(isNull(dccRuleSets.leafIndex))
    .limit(1)
  if (pending.length > 0) await placeImports(ctx)
}

export async function listDccRules(ctx: ServiceContext): Promise<DccRulesView[]> {
  await placePending(ctx)
  const rows = await ctx.db
    .select()
    .from(dccRuleSets)
    .orderBy(asc(dccRuleSets.country), desc(dccRuleSets.release))
  return rows.map(view)
}

/**
 * The latest import of each country, as the trust material carries them (by country). Read only
 * (the material is served from read paths, Workers too): an import places its own entry.
 */
export async function latestDccRules(ctx: ServiceContext): Promise<DccRulesRelease[]> {
  const rows = await ctx.db
    .selectDistinctOn([dccRuleSets.country])
    .from(dccRuleSets)
    .orderBy(asc(dccRuleSets.country), desc(dccRuleSets.release))
  return rows.map((row) => ({
    country: row.country,
    release: row.release,
    text: row.text,
    sha256: toHex(row.sha256),
    leafIndex: row.leafIndex,
    entryTime: entryTime(row),
  }))
}
