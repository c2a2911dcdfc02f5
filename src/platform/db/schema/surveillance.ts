/**
 * @module platform/db/schema/surveillance
 * Dashboards (docs/SURVEILLANCE.md): the place hierarchy with population denominators,
 * the rollups that queries read instead of facts, the differential-privacy budget ledger, the
 * public statistics released once (so their noise cannot be averaged away), and the ledger's
 * public per-day totals maintained incrementally from the log's entries.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import type { AreaGeometry } from '../../../core/stats/index.ts'
import { bytea } from '../columns.ts'

/** country (level 0) → region (1) → district (2); ISO 3166-2-style codes. */
export const regions = pgTable('regions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  level: smallint('level').notNull(),
  parent: text('parent'),
})

/**
 * The outline of a place, for the dashboard's map (`vigil regions load FILE.topojson|.geojson`):
 * a GeoJSON Polygon or MultiPolygon in WGS 84 longitude/latitude (RFC 7946 §3.1.6–3.1.7),
 * coordinates rounded to 1e-5°. Keyed by place code; a place without a row is listed as missing.
 */
export const regionBoundaries = pgTable('region_boundaries', {
  region: text('region').primaryKey(),
  /** What the file called the feature (its name or id), to trace a match back to the file. */
  feature: text('feature').notNull(),
  geometry: jsonb('geometry').$type<AreaGeometry>().notNull(),
  vertices: integer('vertices').notNull(),
  loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().default(sql`now()`),
})

/** Population by age band (core/fhir AGE_BANDS), given for the leaves of the hierarchy. */
export const regionPopulation = pgTable(
  'region_population',
  {
    region: text('region').notNull(),
    ageBand: text('age_band').notNull(),
    population: integer('population').notNull(),
  },
  (t) => [primaryKey({ columns: [t.region, t.ageBand] })],
)

/**
 * Counts per (grain, measure, dimension, period, fact region, dimension value), maintained in the
 * transaction that writes the facts. `dim` '' with `value` '' is the measure's total. A year-long
 * weekly query reads thousands of these rows, never the facts.
 */
export const surveillanceRollups = pgTable(
  'surveillance_rollups',
  {
    /** 'day' | 'week' (ISO, from Monday) | 'month' */
    grain: text('grain').notNull(),
    measure: text('measure').notNull(),
    dim: text('dim').notNull(),
    /** First day of the period. */
    period: date('period').notNull(),
    /** The facts' region code as written ('' when unknown). */
    region: text('region').notNull(),
    value: text('value').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.measure, t.dim, t.period, t.region, t.value] })],
)

/** ε spent per person (`staff:<id>` or `token:<id>`) per UTC day. */
export const dpBudget = pgTable(
  'dp_budget',
  {
    actor: text('actor').notNull(),
    day: date('day').notNull(),
    spent: doublePrecision('spent').notNull(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.day] })],
)

/**
 * A dashboard view's noisy release (services/surveillance/view.ts), keyed by SHA-256 of the view
 * asked and the version of the data (the newest fact, the places, the threshold): the same view
 * on unchanged data, or asked again within 15 minutes, is served from here, charged nothing, so
 * its noise is drawn once.
 */
export const dpViewReleases = pgTable(
  'dp_view_releases',
  {
    key: text('key').primaryKey(),
    /** SHA-256 of the view asked alone (the key adds the data's version): recent releases. */
    view: text('view').notNull(),
    mechanism: text('mechanism').notNull(),
    epsilon: doublePrecision('epsilon').notNull(),
    /** The charts as served, their budgets left out (each asker is shown their own). */
    charts: jsonb('charts').notNull().$type<unknown[]>(),
    releasedAt: timestamp('released_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('dp_view_releases_released_at').on(t.releasedAt),
    index('dp_view_releases_view').on(t.view, t.releasedAt),
  ],
)

/** One public release per (measure, week): its cells are drawn once and never redrawn. */
export const publicReleases = pgTable(
  'public_releases',
  {
    measure: text('measure').notNull(),
    week: date('week').notNull(),
    epsilon: doublePrecision('epsilon').notNull(),
    threshold: integer('threshold').notNull(),
    suppressed: integer('suppressed').notNull(),
    complementary: integer('complementary').notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }).notNull().default(sql`now()`),
    /** SHA-256 of its canonical text (core/stats statsReleaseText): a `stats-release` entry. */
    sha256: bytea('sha256'),
    /** The log_pending id of that entry; its ledger index once integrated. */
    pendingId: bigint('pending_id', { mode: 'bigint' }),
    leafIndex: bigint('leaf_index', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.measure, t.week] })],
)

/** The released (noisy, suppressed) figures: `region` '' is the national total; null suppressed. */
export const publicReleaseCells = pgTable(
  'public_release_cells',
  {
    measure: text('measure').notNull(),
    week: date('week').notNull(),
    region: text('region').notNull(),
    value: integer('value'),
  },
  (t) => [primaryKey({ columns: [t.measure, t.week, t.region] })],
)

/** Credentials issued and revoked per day, as counted from the log's own entries. */
export const ledgerDailyTotals = pgTable(
  'ledger_daily_totals',
  {
    day: date('day').notNull(),
    /** The leaf kind: 'credential' | 'revocation'. */
    kind: text('kind').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.kind] })],
)

/** The next log index not yet counted into ledger_daily_totals (one row, id 1). */
export const ledgerTotalsState = pgTable('ledger_totals_state', {
  id: smallint('id').primaryKey(),
  nextIndex: bigint('next_index', { mode: 'bigint' }).notNull(),
})
