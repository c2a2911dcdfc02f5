/**
 * @module services/surveillance/alerts
 * Signal alerts an epidemiologist reviews (issue 22): a scan runs one detector over the last
 * complete weeks of every place at a level, with each place's thresholds and known outbreaks
 * (signal-settings.ts), and stores each alarm as an alert (place, week, measure, method, the
 * week's count, the baseline's expectation and upper bound, p-value or score). Alerts are new,
 * then accepted or dismissed by a person; the alert keeps the last review (who, when, a short
 * note) and the audit trail every one.
 *
 * Figures are stored exact and shown through the dashboards' rule: no figure smaller than the
 * suppression threshold (docs/SURVEILLANCE.md "Alerts").
 */
import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm'
import type { SignalPoint } from '../../core/signals/index.ts'
import type { AlertScan, AlertState, SignalAlert } from '../../core/stats/index.ts'
import { auditActor, recordAudit } from '../../platform/audit-trail/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { signalAlerts } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { uuidFrom } from '../../platform/ids/index.ts'
import type { Hierarchy } from './regions.ts'
import { readHierarchy } from './regions.ts'
import { readWeeklyCounts } from './signal-counts.ts'
import {
  outbreakMask,
  type PlaceThreshold,
  readSignalSettings,
  thresholdFor,
} from './signal-settings.ts'
import { FREQUENCY, historyOf, runDetector, type SignalsQuery, tooShortFor } from './signals.ts'

type AlertRow = typeof signalAlerts.$inferSelect

/** The α (or h) a method judges with when the place sets none: R's defaults. */
function effectiveLimits(method: SignalsQuery['method'], t: PlaceThreshold) {
  if (method === 'cusum') return { alpha: null, cusumH: t.cusumH ?? 2.26 }
  const fallback = method === 'ears-c3' ? 0.025 : method.startsWith('ears') ? 0.001 : 0.05
  return { alpha: t.alpha ?? fallback, cusumH: null }
}

/** An alert as the API shows it: figures under the suppression threshold withheld. */
export function showAlert(row: AlertRow, places: Hierarchy, threshold: number): SignalAlert {
  const shown = (v: number | null) => (v === null || v < threshold ? null : v)
  const expected = shown(row.expected)
  // The p-value and score, with the count, would give the expectation back: withheld with it.
  const withExpected = (v: number | null) => (expected === null ? null : v)
  return {
    id: row.id,
    measure: row.measure as SignalAlert['measure'],
    method: row.method as SignalAlert['method'],
    region: row.region,
    name: places.places.get(row.region)?.name ?? '',
    week: row.week,
    observed: shown(row.observed),
    expected,
    upperBound: shown(row.upperBound),
    pValue: withExpected(row.pValue),
    score: withExpected(row.score),
    alpha: row.alpha,
    cusumH: row.cusumH,
    state: row.state as AlertState,
    raisedAt: row.raisedAt.toISOString(),
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    reviewer: row.reviewerName,
    note: row.note,
  }
}

const figures = (p: SignalPoint) => ({
  observed: p.observed,
  expected: p.expected,
  upperBound: p.upperBound,
  pValue: p.pValue,
  score: p.score,
})

/** Runs the detector and stores its alarms as alerts; answers every alert of those weeks. */
export async function scanAlerts(ctx: ServiceContext, query: SignalsQuery): Promise<AlertScan> {
  const history = historyOf(query)
  const [data, settings] = await Promise.all([
    readWeeklyCounts(ctx, query, history),
    readSignalSettings(ctx, query.measure),
  ])
  const { places, targets, counts, start, n, weeks } = data
  const threshold = ctx.config.surveillance.threshold
  const scan: AlertScan = {
    measure: query.measure,
    method: query.method,
    level: query.level,
    region: query.region ?? null,
    weeks,
    tooShort: null,
    raised: 0,
    updated: 0,
    withdrawn: 0,
    alerts: [],
    threshold,
  }
  const from = n - query.weeks
  if (from < history) {
    scan.tooShort = tooShortFor(query.method, history, from)
    return scan
  }
  const now = ctx.clock.now()
  const found: (typeof signalAlerts.$inferInsert)[] = []
  counts.forEach((line, i) => {
    const code = (targets[i] as { code: string }).code
    const limits = thresholdFor(places, settings, code)
    const mask = outbreakMask(places, settings, code, start as string, n)
    const series = { counts: line, frequency: FREQUENCY, ...(mask ? { outbreak: mask } : {}) }
    const r = runDetector(query, series, from, limits)
    if (!r.ok) return
    const least = Math.max(threshold, limits.minCases ?? 0)
    for (const p of r.points) {
      if (!p.alarm || p.observed < least) continue
      found.push({
        id: uuidFrom(ctx.random(16)),
        measure: query.measure,
        method: query.method,
        region: code,
        week: weeks[p.index - from] as string,
        ...figures(p),
        ...effectiveLimits(query.method, limits),
        state: 'new',
        raisedAt: now,
      })
    }
  })
  const codes = targets.map((p) => p.code)
  const scope = and(
    eq(signalAlerts.measure, query.measure),
    eq(signalAlerts.method, query.method),
    inArray(signalAlerts.region, codes.length > 0 ? codes : ['']),
    gte(signalAlerts.week, weeks[0] as string),
    lte(signalAlerts.week, weeks[weeks.length - 1] as string),
  )
  const rows = await ctx.db.transaction(async (tx) => {
    // An alert nobody has reviewed stands for the latest scan: withdrawn when the alarm is gone
    // (new counts, a threshold or an exclusion set since).
    const keep = new Set(found.map((f) => `${f.region}/${f.week}`))
    const stale = (
      await tx
        .select({ id: signalAlerts.id, region: signalAlerts.region, week: signalAlerts.week })
        .from(signalAlerts)
        .where(and(scope, eq(signalAlerts.state, 'new')))
    ).filter((r) => !keep.has(`${r.region}/${r.week}`))
    if (stale.length > 0) {
      await tx.delete(signalAlerts).where(
        and(
          inArray(
            signalAlerts.id,
            stale.map((r) => r.id),
          ),
          eq(signalAlerts.state, 'new'),
        ),
      )
      scan.withdrawn = stale.length
    }
    if (found.length > 0) {
      // Rows in key order, so two scans racing cannot deadlock; a reviewed alert keeps what its
      // reviewer saw, a new one takes the figures of the latest counts.
      found.sort((a, b) =>
        a.region === b.region ? (a.week < b.week ? -1 : 1) : a.region < b.region ? -1 : 1,
      )
      const written = await tx
        .insert(signalAlerts)
        .values(found)
        .onConflictDoUpdate({
          target: [
            signalAlerts.measure,
            signalAlerts.method,
            signalAlerts.region,
            signalAlerts.week,
          ],
          set: {
            observed: sql`excluded.observed`,
            expected: sql`excluded.expected`,
            upperBound: sql`excluded.upper_bound`,
            pValue: sql`excluded.p_value`,
            score: sql`excluded.score`,
            alpha: sql`excluded.alpha`,
            cusumH: sql`excluded.cusum_h`,
          },
          setWhere: eq(signalAlerts.state, 'new'),
        })
        // xmax is 0 on a row version this statement inserted, not on one it updated.
        .returning({ inserted: sql<boolean>`(xmax = 0)` })
      scan.raised = written.filter((w) => w.inserted).length
      scan.updated = written.length - scan.raised
    }
    await recordAudit(
      { ...ctx, db: tx },
      {
        action: 'signal-alerts.scan',
        detail: {
          measure: query.measure,
          method: query.method,
          level: query.level,
          region: query.region ?? null,
          weeks: weeks.length,
          raised: scan.raised,
          withdrawn: scan.withdrawn,
        },
      },
    )
    return tx
      .select()
      .from(signalAlerts)
      .where(scope)
      .orderBy(desc(signalAlerts.week), asc(signalAlerts.region))
  })
  scan.alerts = rows.map((r) => showAlert(r, places, threshold))
  return scan
}

export interface AlertFilter {
  state?: AlertState | undefined
  measure?: SignalAlert['measure'] | undefined
  method?: SignalAlert['method'] | undefined
  /** Only places within this one. */
  region?: string | undefined
  /** Weeks from / to (YYYY-MM-DD, inclusive). */
  from?: string | undefined
  to?: string | undefined
  limit?: number | undefined
}

/** Alerts, latest week first, at most `limit` (default 200). */
export async function listAlerts(
  ctx: ServiceContext,
  filter: AlertFilter,
): Promise<{ alerts: SignalAlert[]; threshold: number }> {
  const places = await readHierarchy(ctx)
  let within: string[] | undefined
  if (filter.region !== undefined) {
    const region = filter.region
    if (!places.places.has(region))
      throw new ServiceError('REGION_UNKNOWN', `no place ${region} is loaded`, { field: 'region' })
    within = [...places.places.keys()].filter((code) => places.contains(region, code))
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to)
    throw new ServiceError('RANGE_INVALID', 'from must not be after to', { field: 'from' })
  const rows = await ctx.db
    .select()
    .from(signalAlerts)
    .where(
      and(
        filter.state === undefined ? undefined : eq(signalAlerts.state, filter.state),
        filter.measure === undefined ? undefined : eq(signalAlerts.measure, filter.measure),
        filter.method === undefined ? undefined : eq(signalAlerts.method, filter.method),
        within === undefined ? undefined : inArray(signalAlerts.region, within),
        filter.from === undefined ? undefined : gte(signalAlerts.week, filter.from),
        filter.to === undefined ? undefined : lte(signalAlerts.week, filter.to),
      ),
    )
    .orderBy(desc(signalAlerts.week), asc(signalAlerts.region), asc(signalAlerts.method))
    .limit(filter.limit ?? 200)
  const threshold = ctx.config.surveillance.threshold
  return { alerts: rows.map((r) => showAlert(r, places, threshold)), threshold }
}

export interface AlertReview {
  state: Exclude<AlertState, 'new'>
  /** A short reason (at most 280 characters); kept on the alert, not in the audit trail. */
  note?: string | undefined
}

/** Accepts or dismisses an alert (again, if a reviewer changes their mind). */
export async function reviewAlert(
  ctx: ServiceContext,
  id: string,
  review: AlertReview,
): Promise<SignalAlert> {
  const note = review.note?.trim() || null
  if (note !== null && (note.length > 280 || /\p{Cc}/u.test(note)))
    throw new ServiceError(
      'VALIDATION',
      'a note has at most 280 characters and no control characters',
      {
        field: 'note',
      },
    )
  const actor = auditActor(ctx)
  const row = await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ state: signalAlerts.state })
      .from(signalAlerts)
      .where(eq(signalAlerts.id, id))
      .for('update')
    if (before === undefined) return undefined
    const [after] = await tx
      .update(signalAlerts)
      .set({
        state: review.state,
        reviewedAt: ctx.clock.now(),
        reviewerId: `${actor.kind}:${actor.id}`,
        reviewerName: actor.name,
        note,
      })
      .where(eq(signalAlerts.id, id))
      .returning()
    await recordAudit(
      { ...ctx, db: tx },
      {
        action: 'signal-alert.review',
        targetId: id,
        detail: { from: before.state, to: review.state },
      },
    )
    return after
  })
  if (row === undefined)
    throw new ServiceError('NOT_FOUND', `no alert with id ${id}`, { field: 'id' })
  return showAlert(row, await readHierarchy(ctx), ctx.config.surveillance.threshold)
}
