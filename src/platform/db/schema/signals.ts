/**
 * @module platform/db/schema/signals
 * Outbreak signals an epidemiologist reviews (docs/SURVEILLANCE.md "Alerts"): the alerts a scan
 * raised, with their review state; the alarm thresholds set per place and measure; the known
 * outbreak periods left out of every baseline.
 */
import {
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'

/**
 * One alarm of one method for one place, measure and week, as computed on exact counts (the
 * API shows it through the dashboards' suppression). A later scan of the same week updates
 * the figures of an alert still `new`; a reviewed one keeps what its reviewer saw.
 */
export const signalAlerts = pgTable(
  'signal_alerts',
  {
    id: text('id').primaryKey(),
    measure: text('measure').notNull(),
    /** services/surveillance SIGNAL_METHODS: farrington, noufaily, ears-c1…3, cusum. */
    method: text('method').notNull(),
    region: text('region').notNull(),
    /** First day (Monday) of the ISO week. */
    week: date('week').notNull(),
    observed: integer('observed').notNull(),
    expected: doublePrecision('expected'),
    upperBound: doublePrecision('upper_bound'),
    pValue: doublePrecision('p_value'),
    score: doublePrecision('score'),
    /** The significance level (Farrington, EARS) or decision interval h (CUSUM) applied. */
    alpha: doublePrecision('alpha'),
    cusumH: doublePrecision('cusum_h'),
    /** 'new' | 'accepted' | 'dismissed' */
    state: text('state').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    /** The last review: who (staff or token id and name, as the audit trail names them) and when. */
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewerId: text('reviewer_id'),
    reviewerName: text('reviewer_name'),
    /** The reviewer's short reason (not copied to the audit trail). */
    note: text('note'),
  },
  (t) => [
    uniqueIndex('signal_alerts_key').on(t.measure, t.method, t.region, t.week),
    index('signal_alerts_state').on(t.state, t.week),
  ],
)

/**
 * Alarm thresholds for a place and measure; a place without a row takes its nearest ancestor's,
 * so a row for the country sets the deployment's default. Null columns keep the method's own.
 */
export const signalThresholds = pgTable(
  'signal_thresholds',
  {
    region: text('region').notNull(),
    measure: text('measure').notNull(),
    /** Farrington's and EARS' significance level α. */
    alpha: doublePrecision('alpha'),
    /** CUSUM's decision interval h. */
    cusumH: doublePrecision('cusum_h'),
    /** No alert for a week with fewer cases (never below the suppression threshold). */
    minCases: integer('min_cases'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.region, t.measure] })],
)

/**
 * A known outbreak: its weeks leave the baseline of every detector for the place, the places
 * within it and the places containing it (signal-detection-tool #452).
 */
export const signalExclusions = pgTable('signal_exclusions', {
  id: text('id').primaryKey(),
  region: text('region').notNull(),
  /** Null: every measure. */
  measure: text('measure'),
  /** First days of the first and last excluded ISO weeks. */
  fromWeek: date('from_week').notNull(),
  toWeek: date('to_week').notNull(),
  label: text('label').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: text('created_by').notNull(),
})
