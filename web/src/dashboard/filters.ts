/**
 * The dashboard's filters: read from the form, kept in the address (so a view can be bookmarked
 * or shared with a colleague, who still needs their own session), and turned into series
 * queries. The service checks every parameter again; the page only avoids asking for what it
 * knows will be refused (a breakdown a measure does not have, a level coarser than the place).
 */

import {
  BREAKDOWNS,
  BREAKDOWNS_OF,
  type Breakdown,
  GRAINS,
  type Grain,
  LEVELS,
  type Level,
  MAX_VIEW_EPSILON,
  MECHANISMS,
  type Measure,
  type Mechanism,
  type Place,
} from '../../../src/core/stats/index.ts'
import { byId } from '../dom.ts'

export interface Filters {
  from: string
  to: string
  interval: Grain
  level: Level
  region: string
  breakdown: Breakdown | ''
  dp: 'none' | Mechanism
  epsilon: number
}

const DAY_MS = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The last year, by ISO week, by region, no breakdown, no noise. */
export function defaults(now = Date.now()): Filters {
  return {
    from: iso(now - 364 * DAY_MS),
    to: iso(now),
    interval: 'week',
    level: 'region',
    region: '',
    breakdown: '',
    dp: 'none',
    epsilon: 1,
  }
}

const pick = <T extends string>(v: string | null, allowed: readonly T[], fallback: T): T =>
  v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback

/** Filters from the address; anything missing or malformed falls back to the default. */
export function fromSearch(search: string, base = defaults()): Filters {
  const q = new URLSearchParams(search)
  const date = (name: string, fallback: string) => {
    const v = q.get(name)
    return v !== null && DATE.test(v) ? v : fallback
  }
  const epsilon = Number(q.get('epsilon'))
  return {
    from: date('from', base.from),
    to: date('to', base.to),
    interval: pick(q.get('interval'), GRAINS, base.interval),
    level: pick(q.get('level'), LEVELS, base.level),
    region: q.get('region') ?? base.region,
    breakdown: pick(q.get('breakdown'), ['', ...BREAKDOWNS] as const, base.breakdown),
    dp: pick(q.get('dp'), ['none', ...MECHANISMS] as const, base.dp),
    epsilon: epsilon > 0 && epsilon <= MAX_VIEW_EPSILON ? epsilon : base.epsilon,
  }
}

export function toSearch(f: Filters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, interval: f.interval, level: f.level })
  if (f.region !== '') q.set('region', f.region)
  if (f.breakdown !== '') q.set('breakdown', f.breakdown)
  if (f.dp !== 'none') {
    q.set('dp', f.dp)
    q.set('epsilon', String(f.epsilon))
  }
  return `?${q}`
}

const input = (id: string) => byId<HTMLInputElement | HTMLSelectElement>(id)

export function writeForm(f: Filters): void {
  input('f-from').value = f.from
  input('f-to').value = f.to
  input('f-interval').value = f.interval
  input('f-level').value = f.level
  input('f-region').value = f.region
  // A place the list does not hold (an old bookmark) falls back to all places.
  if (input('f-region').value !== f.region) input('f-region').value = ''
  input('f-breakdown').value = f.breakdown
  input('f-dp').value = f.dp
  input('f-epsilon').value = String(f.epsilon)
  syncEpsilon()
}

export function readForm(): Filters {
  return fromSearch(
    toSearch({
      from: input('f-from').value,
      to: input('f-to').value,
      interval: input('f-interval').value as Grain,
      level: input('f-level').value as Level,
      region: input('f-region').value,
      breakdown: input('f-breakdown').value as Breakdown | '',
      dp: input('f-dp').value as Filters['dp'],
      epsilon: Number(input('f-epsilon').value),
    }),
  )
}

/** ε only means something with noise. */
export function syncEpsilon(): void {
  input('f-epsilon').disabled = input('f-dp').value === 'none'
}

/** One series query's address. `level` and `breakdown` are the ones this chart can use. */
export function seriesPath(
  measure: Measure,
  f: Filters,
  level: Level,
  breakdown: Breakdown | undefined,
): string {
  const q = new URLSearchParams({ measure, interval: f.interval, from: f.from, to: f.to, level })
  if (f.region !== '') q.set('region', f.region)
  if (breakdown !== undefined) q.set('breakdown', breakdown)
  q.set('dp', f.dp)
  if (f.dp !== 'none') q.set('epsilon', String(f.epsilon))
  return `/api/surveillance/series?${q}`
}

/** The breakdown if the measure has it (else the chart is shown whole, and says so). */
export function breakdownFor(measure: Measure, f: Filters): Breakdown | undefined {
  return f.breakdown !== '' && BREAKDOWNS_OF[measure].includes(f.breakdown)
    ? f.breakdown
    : undefined
}

/** The finer of two levels: a place can only be split into places at its level or below. */
export function finer(a: Level, b: Level): Level {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b
}

export function levelOf(places: Map<string, Place>, code: string): Level {
  return places.get(code)?.level ?? 'country'
}
