/**
 * @module services/surveillance/public
 * Public statistics (`/api/public/stats`, no sign-in): weekly counts by region and for the
 * country, always differentially private (geometric noise, ε per figure from the configuration)
 * and suppressed with complementary cells, plus the ledger's own per-day totals.
 *
 * The weekly figures are a stored release (surveillance/public-release): drawn once per
 * (measure, week) and read back unchanged ever after. The route is public and the busiest read
 * of the dashboards, so a steady request costs one small statement: the ledger's watermark and
 * size and the places shown. A process keeps what can only change with those, in memory:
 * - the complete release of a window, which is immutable (keyed by the week in progress);
 * - the ledger totals, which change only with their watermark (keyed by it and the first day).
 * Nothing in that memory decides what is stored, so any number of processes may serve it.
 */
import { sql } from 'drizzle-orm'
import { LEVELS, type PublicStats } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { type Db, rowsOf } from '../../platform/db/index.ts'
import { parseJson, readLedgerTotals, refreshLedgerTotals } from './ledger-totals.ts'
import { SENSITIVITY } from './measures.ts'
import { dayMs, periodStart, toDay } from './periods.ts'
import {
  cellKey,
  NATIONAL,
  PUBLIC_MEASURES,
  PUBLIC_WEEKS,
  publicPlaces,
  readRelease,
  releaseMissing,
  type StoredRelease,
  UNKNOWN,
} from './public-release.ts'

export { PUBLIC_MEASURES, PUBLIC_WEEKS } from './public-release.ts'

const LEDGER_DAYS = 90

type Series = (number | null)[]

interface PublicCache {
  release?: StoredRelease
  ledger?: { since: string; totals: PublicStats['ledger'] }
}

/** Per database client (tests open several in one process; Workers one per request). */
const caches = new WeakMap<Db, PublicCache>()

interface PublicState {
  /** The ledger totals' watermark (null: never counted). */
  counted: bigint | null
  /** Entries integrated into the log. */
  size: bigint
  places: { code: string; name: string; level: string }[]
}

async function readState(ctx: ServiceContext): Promise<PublicState> {
  const [row] = rowsOf<{ counted: unknown; size: unknown; places: unknown }>(
    await ctx.db.execute(sql`
      select
        (select next_index from ledger_totals_state where id = 1) as counted,
        (select size from log_state where id = 1) as size,
        (select coalesce(json_agg(json_build_object('code', code, 'name', name, 'level', level)),
           '[]'::json)
         from regions where level <= 1) as places`),
  )
  const places = parseJson(row?.places) as { code: string; name: string; level: number }[]
  const big = (v: unknown) => (v === null || v === undefined ? null : BigInt(v as string))
  return {
    counted: big(row?.counted),
    size: big(row?.size) ?? 0n,
    places: places.map((p) => ({ ...p, level: LEVELS[p.level] ?? 'district' })),
  }
}

/** The stored release of the 26 weeks before `thisWeek`, releasing any week not yet released. */
async function weeklyRelease(
  ctx: ServiceContext,
  cache: PublicCache,
  weeks: readonly string[],
  thisWeek: string,
): Promise<StoredRelease> {
  if (cache.release?.thisWeek === thisWeek) return cache.release
  const first = weeks[0] as string
  let release = await readRelease(ctx, first, thisWeek)
  const missing = PUBLIC_MEASURES.flatMap((measure) =>
    weeks
      .filter((week) => !release.released.has(`${measure} ${week}`))
      .map((week) => ({ measure, week })),
  )
  if (missing.length > 0) {
    await releaseMissing(ctx, missing)
    release = await readRelease(ctx, first, thisWeek)
  }
  // Kept only when complete: a complete window never changes (releases are never redrawn).
  if (release.released.size === PUBLIC_MEASURES.length * weeks.length) cache.release = release
  return release
}

/** The ledger totals through the log's current size, counting what is new first. */
async function ledgerPart(
  ctx: ServiceContext,
  cache: PublicCache,
  state: PublicState,
  since: string,
) {
  let counted = state.counted
  if (counted === null || counted < state.size) counted = await refreshLedgerTotals(ctx)
  const kept = cache.ledger
  if (
    kept !== undefined &&
    counted !== null &&
    kept.since === since &&
    BigInt(kept.totals.entriesCounted) === counted
  )
    return kept.totals
  const totals = await readLedgerTotals(ctx, since)
  cache.ledger = { since, totals }
  return totals
}

export async function publicStats(ctx: ServiceContext): Promise<PublicStats> {
  const now = ctx.clock.now().getTime()
  const thisWeek = periodStart('week', toDay(now))
  const weeks = Array.from({ length: PUBLIC_WEEKS }, (_, k) =>
    toDay(dayMs(thisWeek) - (PUBLIC_WEEKS - k) * 7 * 86_400_000),
  )
  const since = toDay(now - LEDGER_DAYS * 86_400_000)
  const cache = caches.get(ctx.db) ?? {}
  caches.set(ctx.db, cache)
  const state = await readState(ctx)
  const release = await weeklyRelease(ctx, cache, weeks, thisWeek)
  const ledger = await ledgerPart(ctx, cache, state, since)

  const places = publicPlaces(state.places).map((p) => ({ code: p.code, name: p.name }))
  places.push({ code: UNKNOWN, name: 'not placed' })
  const measures: PublicStats['measures'] = {}
  for (const m of PUBLIC_MEASURES) {
    const figure = (region: string) =>
      weeks.map((w) => release.cells.get(cellKey(m, w, region)) ?? null)
    measures[m] = {
      national: figure(NATIONAL),
      regions: Object.fromEntries(places.map((p) => [p.code, figure(p.code)])),
    }
  }
  // Positives are a part of the tests: a share of at most 1, whatever noise either count carries
  // (clamping released figures is post-processing: ε is unchanged).
  const rate = (p: Series, t: Series) =>
    p.map((x, i) => {
      const d = t[i] ?? null
      return x === null || d === null || d === 0
        ? null
        : Math.min(1, Math.round((x / d) * 1e4) / 1e4)
    })
  const pos = measures.positives as PublicStats['measures'][string]
  const tests = measures.tests as PublicStats['measures'][string]
  const positivity = {
    national: rate(pos.national, tests.national),
    regions: Object.fromEntries(
      places.map((p) => [p.code, rate(pos.regions[p.code] ?? [], tests.regions[p.code] ?? [])]),
    ),
  }
  return {
    generatedAt: new Date(now).toISOString(),
    weeks,
    places,
    measures,
    positivity,
    ledger,
    privacy: {
      threshold: ctx.config.surveillance.threshold,
      mechanism: 'geometric',
      epsilonPerFigure: ctx.config.surveillance.publicEpsilon,
      sensitivity: Object.fromEntries(PUBLIC_MEASURES.map((m) => [m, SENSITIVITY[m]])),
      suppressedCells: release.suppressed,
      complementaryCells: release.complementary,
      notes: [
        'Every count is noisy (two-sided geometric) and released once per week that has ended; it never changes afterwards.',
        'Counts from 1 to the threshold − 1 are suppressed (null), with complementary cells so that the national total cannot reveal them.',
        'The ledger totals are exact: they are counted from the public log, which anyone can recount.',
      ],
    },
  }
}
