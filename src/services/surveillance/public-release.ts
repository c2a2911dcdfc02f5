/**
 * @module services/surveillance/public-release
 * The stored public release: each (measure, week) of the public statistics is drawn once (noisy,
 * then suppressed), stored in `public_releases` and `public_release_cells`, and never redrawn, so
 * nobody can average the noise away by asking again. Facts arriving after a week's release do
 * not change it: a complete release is immutable, which is what lets a process keep it in memory.
 * Each release is also a ledger entry (`stats-release`, core/stats statsReleaseText), queued in
 * the transaction that stores it: the open data (open-data.ts) names its index, and a second,
 * different release of the same week would show in the public log.
 */
import { and, eq, gte, inArray, lt } from 'drizzle-orm'
import { sha256, utf8 } from '../../core/codec/index.ts'
import { roundToHour } from '../../core/leaf/index.ts'
import { type CountMeasure, statsReleaseKeyId, statsReleaseText } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { publicReleaseCells, publicReleases, surveillanceRollups } from '../../platform/db/index.ts'
import { noisyCount, uniform } from './dp.ts'
import { SENSITIVITY } from './measures.ts'
import { type Hierarchy, readHierarchy } from './regions.ts'
import { suppressTable } from './suppress.ts'

export const PUBLIC_MEASURES = ['doses', 'complete', 'tests', 'positives', 'uploads'] as const
export const PUBLIC_WEEKS = 26
/** The region of the national total in `public_release_cells`. */
export const NATIONAL = ''
export const UNKNOWN = 'unknown'
/** Cell rows per INSERT: 4 parameters each, well under the protocol's 65,535. */
const CHUNK = 2000

/** The figures of every (measure, week) in a window, as stored. */
export interface StoredRelease {
  /** The first day of the week after the window (the week in progress). */
  readonly thisWeek: string
  /** `measure week region` → the released value (null: suppressed). */
  readonly cells: ReadonlyMap<string, number | null>
  readonly suppressed: number
  readonly complementary: number
  /** The (measure, week) pairs released, as `measure week`. */
  readonly released: ReadonlySet<string>
}

export const cellKey = (measure: string, week: string, region: string) =>
  `${measure} ${week} ${region}`

/** The places shown: regions (level 1) when loaded, else countries; plus facts not placed. */
export function publicPlaces<P extends { code: string; level: string }>(places: readonly P[]): P[] {
  const regions = places.filter((p) => p.level === 'region')
  return (regions.length > 0 ? regions : places.filter((p) => p.level === 'country')).sort(
    (a, b) => (a.code < b.code ? -1 : 1),
  )
}

/** One (measure, week) drawn: its header and its cells, the national total last. */
function draw(
  ctx: ServiceContext,
  h: Hierarchy,
  measure: CountMeasure,
  week: string,
  n: Map<string, number>,
) {
  const places = publicPlaces([...h.places.values()])
  const level = places[0]?.level ?? 'region'
  const keys = [...places.map((p) => p.code), UNKNOWN]
  const index = new Map(keys.map((k, i) => [k, i]))
  const counts = keys.map(() => 0)
  for (const [region, count] of n) {
    const i = index.get(h.ancestorAt(region, level) ?? UNKNOWN) as number
    counts[i] = (counts[i] as number) + count
  }
  const epsilon = ctx.config.surveillance.publicEpsilon
  const u = uniform(ctx.random)
  const noisy = counts.map((c) => [noisyCount(c, 'geometric', u, epsilon, SENSITIVITY[measure])])
  const t = suppressTable({
    cells: noisy,
    threshold: ctx.config.surveillance.threshold,
    rowTotals: false,
    colTotals: true,
  })
  const shown = (i: number) => ((t.hidden[i] as boolean[])[0] ? null : (t.values[i] as number[])[0])
  return {
    header: {
      measure,
      week,
      epsilon,
      threshold: ctx.config.surveillance.threshold,
      suppressed: t.primary,
      complementary: t.complementary,
      text: {
        measure,
        week,
        epsilon,
        threshold: ctx.config.surveillance.threshold,
        cells: [
          ...keys.map((region, i) => ({ region, value: shown(i) ?? null })),
          { region: NATIONAL, value: shown(keys.length) ?? null },
        ],
      },
    },
    cells: [
      ...keys.map((region, i) => ({ measure, week, region, value: shown(i) ?? null })),
      { measure, week, region: NATIONAL, value: shown(keys.length) ?? null },
    ],
  }
}

/**
 * Draws and stores the (measure, week) pairs not yet released, all in one transaction: one read
 * of the rollups, one insert of the headers (`on conflict do nothing`, in key order, so racing
 * instances wait for each other instead of deadlocking), then the cells of the headers this
 * transaction inserted. A pair another instance released first keeps that instance's figures;
 * this draw of it is discarded unseen.
 */
export async function releaseMissing(
  ctx: ServiceContext,
  missing: readonly { measure: CountMeasure; week: string }[],
): Promise<void> {
  if (missing.length === 0) return
  const sorted = [...missing].sort((a, b) =>
    a.measure === b.measure ? (a.week < b.week ? -1 : 1) : a.measure < b.measure ? -1 : 1,
  )
  const h = await readHierarchy(ctx)
  const rows = await ctx.db
    .select({
      measure: surveillanceRollups.measure,
      period: surveillanceRollups.period,
      region: surveillanceRollups.region,
      n: surveillanceRollups.n,
    })
    .from(surveillanceRollups)
    .where(
      and(
        eq(surveillanceRollups.grain, 'week'),
        inArray(surveillanceRollups.measure, [...new Set(sorted.map((m) => m.measure))]),
        eq(surveillanceRollups.dim, ''),
        inArray(surveillanceRollups.period, [...new Set(sorted.map((m) => m.week))]),
      ),
    )
  const counts = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const key = `${r.measure} ${r.period}`
    const byRegion = counts.get(key) ?? new Map<string, number>()
    counts.set(key, byRegion)
    byRegion.set(r.region, (byRegion.get(r.region) ?? 0) + r.n)
  }
  // Drawn in the order the pairs were asked for, so a seeded random source gives the same figures.
  const drawn = new Map(
    missing.map(({ measure, week }) => [
      `${measure} ${week}`,
      draw(ctx, h, measure, week, counts.get(`${measure} ${week}`) ?? new Map()),
    ]),
  )
  const now = ctx.clock.now()
  const hashes = new Map<string, Uint8Array>()
  for (const [key, d] of drawn) hashes.set(key, await sha256(utf8(statsReleaseText(d.header.text))))
  const queued = await ctx.db.transaction(async (tx) => {
    const won = await tx
      .insert(publicReleases)
      .values(
        sorted.map((m) => {
          const key = `${m.measure} ${m.week}`
          const { text: _text, ...header } = (drawn.get(key) as ReturnType<typeof draw>).header
          return { ...header, releasedAt: now, sha256: hashes.get(key) as Uint8Array }
        }),
      )
      .onConflictDoNothing()
      .returning({ measure: publicReleases.measure, week: publicReleases.week })
    const cells = won.flatMap(
      (w) => (drawn.get(`${w.measure} ${w.week}`) as ReturnType<typeof draw>).cells,
    )
    for (let i = 0; i < cells.length; i += CHUNK)
      await tx.insert(publicReleaseCells).values(cells.slice(i, i + CHUNK))
    if (won.length === 0) return false
    const time = roundToHour(Math.floor(now.getTime() / 1000))
    const pending = await ctx.ledger.queue(
      tx,
      won.map((w) => ({
        kind: 'stats-release' as const,
        artefactHash: hashes.get(`${w.measure} ${w.week}`) as Uint8Array,
        keyId: statsReleaseKeyId(w.measure, w.week),
        time,
      })),
    )
    for (const [i, w] of won.entries()) {
      await tx
        .update(publicReleases)
        .set({ pendingId: pending[i] })
        .where(and(eq(publicReleases.measure, w.measure), eq(publicReleases.week, w.week)))
    }
    return true
  })
  if (queued) await ctx.ledger.flush()
}

/** The stored figures of the weeks in [first, thisWeek). */
export async function readRelease(
  ctx: ServiceContext,
  first: string,
  thisWeek: string,
): Promise<StoredRelease> {
  // Headers first, cells after: a header and its cells are committed together and a release
  // only grows, so the later read holds the cells of every header the first one saw.
  const headers = await ctx.db
    .select({
      measure: publicReleases.measure,
      week: publicReleases.week,
      suppressed: publicReleases.suppressed,
      complementary: publicReleases.complementary,
    })
    .from(publicReleases)
    .where(
      and(
        inArray(publicReleases.measure, [...PUBLIC_MEASURES]),
        gte(publicReleases.week, first),
        lt(publicReleases.week, thisWeek),
      ),
    )
  const cells = await ctx.db
    .select()
    .from(publicReleaseCells)
    .where(
      and(
        inArray(publicReleaseCells.measure, [...PUBLIC_MEASURES]),
        gte(publicReleaseCells.week, first),
        lt(publicReleaseCells.week, thisWeek),
      ),
    )
  return {
    thisWeek,
    cells: new Map(cells.map((c) => [cellKey(c.measure, c.week, c.region), c.value])),
    suppressed: headers.reduce((a, r) => a + r.suppressed, 0),
    complementary: headers.reduce((a, r) => a + r.complementary, 0),
    released: new Set(headers.map((r) => `${r.measure} ${r.week}`)),
  }
}
