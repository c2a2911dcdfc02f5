/**
 * @module services/surveillance/alert-settings
 * The epidemiologist's settings for signals: alarm thresholds per place and measure, and known
 * outbreak periods left out of the baselines. Each change is recorded in the audit trail in the
 * transaction that makes it.
 */
import { and, asc, eq } from 'drizzle-orm'
import type { AlertThreshold, CountMeasure, OutbreakExclusion } from '../../core/stats/index.ts'
import { auditActor, recordAudit } from '../../platform/audit-trail/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { signalExclusions, signalThresholds } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { uuidFrom } from '../../platform/ids/index.ts'
import { periodStart } from './periods.ts'
import { readHierarchy } from './regions.ts'

async function requirePlace(ctx: ServiceContext, code: string): Promise<void> {
  const places = await readHierarchy(ctx)
  if (!places.places.has(code))
    throw new ServiceError('REGION_UNKNOWN', `no place ${code} is loaded`, { field: 'region' })
}

const thresholdOut = (r: typeof signalThresholds.$inferSelect): AlertThreshold => ({
  region: r.region,
  measure: r.measure as CountMeasure,
  alpha: r.alpha,
  cusumH: r.cusumH,
  minCases: r.minCases,
  updatedAt: r.updatedAt.toISOString(),
  updatedBy: r.updatedBy,
})

export async function listThresholds(ctx: ServiceContext): Promise<AlertThreshold[]> {
  const rows = await ctx.db
    .select()
    .from(signalThresholds)
    .orderBy(asc(signalThresholds.region), asc(signalThresholds.measure))
  return rows.map(thresholdOut)
}

export interface ThresholdInput {
  region: string
  measure: CountMeasure
  /** Significance level for Farrington and EARS, (0, 0.5). */
  alpha?: number | null | undefined
  /** CUSUM's decision interval, (0, 20]. */
  cusumH?: number | null | undefined
  /** No alert for fewer cases in the week; at least the suppression threshold. */
  minCases?: number | null | undefined
}

/** Sets (replaces) the thresholds of a place and measure. */
export async function setThreshold(
  ctx: ServiceContext,
  input: ThresholdInput,
): Promise<AlertThreshold> {
  const alpha = input.alpha ?? null
  const cusumH = input.cusumH ?? null
  const minCases = input.minCases ?? null
  const threshold = ctx.config.surveillance.threshold
  if (alpha !== null && !(alpha > 0 && alpha < 0.5))
    throw new ServiceError('RANGE_INVALID', 'alpha must be in (0, 0.5)', { field: 'alpha' })
  if (cusumH !== null && !(cusumH > 0 && cusumH <= 20))
    throw new ServiceError('RANGE_INVALID', 'cusumH must be in (0, 20]', { field: 'cusumH' })
  if (minCases !== null && !(Number.isInteger(minCases) && minCases >= threshold))
    throw new ServiceError(
      'RANGE_INVALID',
      `minCases must be a whole number of at least the suppression threshold (${threshold}): no alert is raised under it`,
      { field: 'minCases' },
    )
  await requirePlace(ctx, input.region)
  const row = {
    region: input.region,
    measure: input.measure,
    alpha,
    cusumH,
    minCases,
    updatedAt: ctx.clock.now(),
    updatedBy: auditActor(ctx).name,
  }
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(signalThresholds)
      .values(row)
      .onConflictDoUpdate({
        target: [signalThresholds.region, signalThresholds.measure],
        set: { alpha, cusumH, minCases, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
      })
    await recordAudit(
      { ...ctx, db: tx },
      {
        action: 'signal-threshold.set',
        targetId: `${input.region}/${input.measure}`,
        detail: { alpha, cusumH, minCases },
      },
    )
  })
  return thresholdOut(row)
}

/** Removes a place's thresholds for a measure (it takes its ancestors' again). */
export async function deleteThreshold(
  ctx: ServiceContext,
  key: { region: string; measure: CountMeasure },
): Promise<void> {
  const removed = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .delete(signalThresholds)
      .where(
        and(eq(signalThresholds.region, key.region), eq(signalThresholds.measure, key.measure)),
      )
      .returning({ region: signalThresholds.region })
    if (rows.length > 0)
      await recordAudit(
        { ...ctx, db: tx },
        { action: 'signal-threshold.delete', targetId: `${key.region}/${key.measure}` },
      )
    return rows.length
  })
  if (removed === 0)
    throw new ServiceError('NOT_FOUND', `no thresholds for ${key.region} and ${key.measure}`, {
      field: 'region',
    })
}

const exclusionOut = (r: typeof signalExclusions.$inferSelect): OutbreakExclusion => ({
  id: r.id,
  region: r.region,
  measure: (r.measure as CountMeasure | null) ?? null,
  from: r.fromWeek,
  to: r.toWeek,
  label: r.label,
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
})

export async function listExclusions(ctx: ServiceContext): Promise<OutbreakExclusion[]> {
  const rows = await ctx.db
    .select()
    .from(signalExclusions)
    .orderBy(asc(signalExclusions.fromWeek), asc(signalExclusions.region))
  return rows.map(exclusionOut)
}

export interface ExclusionInput {
  region: string
  measure?: CountMeasure | null | undefined
  /** YYYY-MM-DD: the ISO weeks containing them are the first and last left out. */
  from: string
  to: string
  /** What the outbreak was (1–120 characters). */
  label: string
}

/** Records a known outbreak: its weeks leave the baselines of the place and related places. */
export async function addExclusion(
  ctx: ServiceContext,
  input: ExclusionInput,
): Promise<OutbreakExclusion> {
  const label = input.label.trim()
  if (label.length === 0 || label.length > 120 || /\p{Cc}/u.test(label))
    throw new ServiceError('VALIDATION', 'a label has 1 to 120 characters, no control characters', {
      field: 'label',
    })
  if (input.from > input.to)
    throw new ServiceError('RANGE_INVALID', 'from must not be after to', { field: 'from' })
  await requirePlace(ctx, input.region)
  const row = {
    id: uuidFrom(ctx.random(16)),
    region: input.region,
    measure: input.measure ?? null,
    fromWeek: periodStart('week', input.from),
    toWeek: periodStart('week', input.to),
    label,
    createdAt: ctx.clock.now(),
    createdBy: auditActor(ctx).name,
  }
  await ctx.db.transaction(async (tx) => {
    await tx.insert(signalExclusions).values(row)
    await recordAudit(
      { ...ctx, db: tx },
      {
        action: 'signal-exclusion.add',
        targetId: row.id,
        detail: { region: row.region, measure: row.measure, from: row.fromWeek, to: row.toWeek },
      },
    )
  })
  return exclusionOut(row)
}

export async function deleteExclusion(ctx: ServiceContext, id: string): Promise<void> {
  const removed = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .delete(signalExclusions)
      .where(eq(signalExclusions.id, id))
      .returning({ id: signalExclusions.id })
    if (rows.length > 0)
      await recordAudit({ ...ctx, db: tx }, { action: 'signal-exclusion.delete', targetId: id })
    return rows.length
  })
  if (removed === 0)
    throw new ServiceError('NOT_FOUND', `no outbreak exclusion with id ${id}`, { field: 'id' })
}
