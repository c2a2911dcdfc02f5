/**
 * @module services/surveillance/view
 * A dashboard view: the page's charts asked together (docs/SURVEILLANCE.md "Views"). With noise
 * the view is charged once: its ε is split equally between the charts, each drawn with its share,
 * so the charts together are ε-differentially private by sequential composition (Dwork & Roth
 * 2014, Thm 3.14). The release is stored under the SHA-256 of the view asked and the version of
 * the data (the newest fact, the places and populations, the threshold); the same view on
 * unchanged data is served from there to anyone, charged nothing — so the noise is drawn once
 * and cannot be averaged away by asking again. The version is the whole data's, never the
 * view's own cells: whether a release is served is free to learn, and must not tell whether one
 * small cell changed. A view that does not fit in what is left of the asker's day is refused
 * before anything is drawn or spent: there is no partial view.
 */
import { and, desc, eq, gte, lt, max } from 'drizzle-orm'
import { isJsonObject, sha256, toHex, utf8 } from '../../core/codec/index.ts'
import { AGE_BANDS } from '../../core/fhir/index.ts'
import {
  type Budget,
  DEFAULT_VIEW_EPSILON,
  MAX_VIEW_CHARTS,
  MAX_VIEW_EPSILON,
  PRIVACY_NOTES,
  type PrivacyMetadata,
  type ViewChart,
  type ViewChartResult,
  type ViewCost,
  type ViewRequest,
  type ViewResult,
} from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { dpViewReleases, facts } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { budgetRefusal, fitsBudget, readBudget, trySpendBudget } from './budget.ts'
import type { ChartPlan } from './chart-plan.ts'
import { epiCurve, yearOnYear } from './curves.ts'
import { mapRates } from './map.ts'
import { toDay } from './periods.ts'
import { querySeries } from './query.ts'
import { type Hierarchy, readHierarchy } from './regions.ts'

/** Stored releases older than this are deleted; asking again then draws (and charges) anew. */
const KEEP_DAYS = 30
/** A release is served again this long after it was drawn even if facts arrived since. */
export const REUSE_MINUTES = 15
const ID = /^[a-z0-9-]{1,32}$/i

function check(req: ViewRequest): number {
  if (req.charts.length < 1 || req.charts.length > MAX_VIEW_CHARTS)
    throw new ServiceError('VALIDATION', `a view has 1 to ${MAX_VIEW_CHARTS} charts`, {
      field: 'charts',
    })
  const ids = new Set<string>()
  for (const [i, c] of req.charts.entries()) {
    if (!ID.test(c.id) || ids.has(c.id))
      throw new ServiceError('VALIDATION', 'each chart needs its own id (letters, digits, -)', {
        field: `charts[${i}].id`,
      })
    ids.add(c.id)
  }
  const epsilon = req.epsilon ?? DEFAULT_VIEW_EPSILON
  if (!(epsilon > 0 && epsilon <= MAX_VIEW_EPSILON))
    throw new ServiceError('RANGE_INVALID', `epsilon must be in (0, ${MAX_VIEW_EPSILON}]`, {
      field: 'epsilon',
    })
  return epsilon
}

/** Each chart's share: equal, so the page's charts are equally noisy for their sensitivity. */
function split(req: ViewRequest, epsilon: number): ViewCost['split'] {
  const share = req.dp === 'none' ? 0 : epsilon / req.charts.length
  return req.charts.map((c) => ({ id: c.id, epsilon: share }))
}

/** JSON with object keys sorted, so equal views hash equally whatever order they came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isJsonObject(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** What of the hierarchy the charts show: places, names and populations by age band. */
function hierarchyPrint(h: Hierarchy): unknown {
  return [...h.places.values()].map((p) => [
    p.code,
    p.name,
    p.level,
    p.parent,
    AGE_BANDS.map((b) => h.population(p.code, b) ?? null),
  ])
}

async function runChart(
  ctx: ServiceContext,
  chart: ViewChart,
  noise: { dp: ViewRequest['dp']; epsilon: number },
  plan: ChartPlan,
): Promise<ViewChartResult> {
  const id = chart.id
  if (chart.kind === 'series')
    return {
      id,
      kind: 'series',
      result: await querySeries(ctx, { ...chart, ...noise }, undefined, plan),
    }
  if (chart.kind === 'map')
    return { id, kind: 'map', result: await mapRates(ctx, { ...chart, ...noise }, plan) }
  if (chart.kind === 'epicurve')
    return { id, kind: 'epicurve', result: await epiCurve(ctx, { ...chart, ...noise }, plan) }
  return { id, kind: 'years', result: await yearOnYear(ctx, { ...chart, ...noise }, plan) }
}

/** Every chart of the view, one after the other (so a seeded test draws the same noise). */
async function runCharts(
  ctx: ServiceContext,
  req: ViewRequest,
  epsilon: number,
  budget: Budget,
): Promise<ViewChartResult[]> {
  const charts: ViewChartResult[] = []
  const share = epsilon / req.charts.length
  for (const chart of req.charts)
    charts.push(await runChart(ctx, chart, { dp: req.dp, epsilon: share }, { budget }))
  return charts
}

/**
 * The release keys: the view asked (`view`), and that with the data's version (`key`). Facts
 * are only ever added (never changed or removed) with identity ids, so the newest id moves
 * whenever a fact is written; the rollups change only with facts. A fact committed after one
 * with a higher id (concurrent writers) is missed until the next fact moves the id again.
 */
async function releaseKeys(ctx: ServiceContext, req: ViewRequest, epsilon: number) {
  const [[newest], hierarchy] = await Promise.all([
    ctx.db.select({ id: max(facts.id) }).from(facts),
    readHierarchy(ctx),
  ])
  const asked = canonical({
    v: 2,
    dp: req.dp,
    epsilon,
    charts: req.charts,
    threshold: ctx.config.surveillance.threshold,
    hierarchy: hierarchyPrint(hierarchy),
    // A chart without `to` ends today: its release is today's only.
    today: req.charts.some((c) => c.to === undefined) ? toDay(ctx.clock.now().getTime()) : null,
  })
  const view = toHex(await sha256(utf8(asked)))
  const key = toHex(await sha256(utf8(`${view} facts ${String(newest?.id ?? 0)}`)))
  return { view, key }
}

const privacyOf = (c: ViewChartResult): PrivacyMetadata => c.result.privacy

/** The charts as served to this asker: their own budget, and the notes of how they were made. */
function serve(charts: ViewChartResult[], budget: Budget, released: boolean): ViewChartResult[] {
  return charts.map((c) => {
    const p = privacyOf(c)
    const notes = [...p.notes, ...(released ? [PRIVACY_NOTES.released] : [])]
    return { ...c, result: { ...c.result, privacy: { ...p, budget, notes } } } as ViewChartResult
  })
}

const columns = { charts: dpViewReleases.charts, releasedAt: dpViewReleases.releasedAt }

/**
 * The release to serve: the one of this view on these very data, else the latest of this view
 * drawn in the last REUSE_MINUTES whatever arrived since (its time is shown beside it). Both
 * depend on the whole data's version and the clock only, never on the view's own cells.
 */
async function stored(ctx: ServiceContext, keys: { view: string; key: string }) {
  const since = new Date(ctx.clock.now().getTime() - REUSE_MINUTES * 60_000)
  const [exact] = await ctx.db
    .select(columns)
    .from(dpViewReleases)
    .where(eq(dpViewReleases.key, keys.key))
  const [row] =
    exact !== undefined
      ? [exact]
      : await ctx.db
          .select(columns)
          .from(dpViewReleases)
          .where(and(eq(dpViewReleases.view, keys.view), gte(dpViewReleases.releasedAt, since)))
          .orderBy(desc(dpViewReleases.releasedAt))
          .limit(1)
  return row === undefined
    ? undefined
    : { charts: row.charts as ViewChartResult[], releasedAt: row.releasedAt }
}

function cost(
  req: ViewRequest,
  epsilon: number,
  budget: Budget,
  released: boolean,
  charge: number,
  fits = fitsBudget(budget, charge),
): ViewCost {
  return {
    mechanism: req.dp === 'none' ? null : req.dp,
    epsilon: req.dp === 'none' ? 0 : epsilon,
    split: split(req, epsilon),
    composition: 'sequential',
    released,
    charge,
    budget,
    fits,
  }
}

/** What the view would cost the asker now, without drawing or spending anything. */
export async function viewCost(ctx: ServiceContext, req: ViewRequest): Promise<ViewCost> {
  const epsilon = check(req)
  const budget = await readBudget(ctx)
  if (req.dp === 'none') return cost(req, epsilon, budget, false, 0)
  const released = (await stored(ctx, await releaseKeys(ctx, req, epsilon))) !== undefined
  return cost(req, epsilon, budget, released, released ? 0 : epsilon)
}

class Unpaid extends Error {}

/** The view's charts: charged once (or nothing, when released already) or refused whole. */
export async function showView(ctx: ServiceContext, req: ViewRequest): Promise<ViewResult> {
  const epsilon = check(req)
  const before = await readBudget(ctx)
  if (req.dp === 'none') {
    const charts = await runCharts(ctx, req, epsilon, before)
    return {
      charts: serve(charts, before, false),
      privacy: { ...cost(req, epsilon, before, false, 0), releasedAt: null },
    }
  }
  // The version first: facts arriving while the charts are drawn make the next key differ.
  const keys = await releaseKeys(ctx, req, epsilon)
  const hit = await stored(ctx, keys)
  if (hit !== undefined) return released(req, epsilon, before, hit)
  if (!fitsBudget(before, epsilon)) throw budgetRefusal(ctx, epsilon, before.spent)

  // Every chart's parameters are checked as it is drawn; nothing is spent until all are.
  const charts = await runCharts(ctx, req, epsilon, before)
  for (const c of charts) privacyOf(c).notes.push(PRIVACY_NOTES.view)
  const now = ctx.clock.now()
  let after: Budget | undefined
  try {
    // The release and its charge stand or fall together; a view someone released first (the
    // same view asked twice at once) is theirs, served as it is, and costs nothing.
    after = await ctx.db.transaction(async (tx) => {
      const won = await tx
        .insert(dpViewReleases)
        .values({
          ...keys,
          mechanism: req.dp,
          epsilon,
          charts,
          releasedAt: now,
        })
        .onConflictDoNothing()
        .returning({ key: dpViewReleases.key })
      if (won.length === 0) return undefined
      const spent = await trySpendBudget(ctx, epsilon, tx)
      if (spent === undefined) throw new Unpaid()
      await tx
        .delete(dpViewReleases)
        .where(lt(dpViewReleases.releasedAt, new Date(now.getTime() - KEEP_DAYS * 86_400_000)))
      return spent
    })
  } catch (err) {
    if (err instanceof Unpaid) throw budgetRefusal(ctx, epsilon, (await readBudget(ctx)).spent)
    throw err
  }
  if (after === undefined) {
    const theirs = await stored(ctx, keys)
    if (theirs === undefined) throw new Error('a view release vanished while being read')
    return released(req, epsilon, await readBudget(ctx), theirs)
  }
  return {
    charts: serve(charts, after, false),
    privacy: {
      ...cost(req, epsilon, after, false, epsilon, true),
      releasedAt: now.toISOString(),
    },
  }
}

function released(
  req: ViewRequest,
  epsilon: number,
  budget: Budget,
  hit: { charts: ViewChartResult[]; releasedAt: Date },
): ViewResult {
  return {
    charts: serve(hit.charts, budget, true),
    privacy: {
      ...cost(req, epsilon, budget, true, 0),
      releasedAt: hit.releasedAt.toISOString(),
    },
  }
}
