/**
 * The JSON of /api/public/stats, mirrored by hand (pages import nothing from the services), and
 * turned into what the page draws. Anything unexpected is an error with a code, not a blank page.
 */
import type { Grain, PrivacyMetadata } from '../charts/types.ts'
import type { PublicSeries, PublicView } from './view.ts'

interface PublicStatsJson {
  measures: {
    measure: string
    interval?: Grain
    periods: string[]
    total: (number | null)[]
    regions: { region: string; name?: string; counts: (number | null)[] }[]
    privacy: PrivacyMetadata
  }[]
  ledger: { days: { day: string; issued: number; revoked: number }[] }
}

export class StatsShapeError extends Error {
  readonly code = 'STATS_UNREADABLE'
}

export function toView(json: unknown): PublicView {
  const body = json as Partial<PublicStatsJson> | null
  if (body === null || !Array.isArray(body.measures) || !Array.isArray(body.ledger?.days))
    throw new StatsShapeError('the statistics are not in the expected form')
  const series: PublicSeries[] = body.measures.map((m) => ({
    measure: m.measure,
    grain: m.interval ?? 'week',
    periods: m.periods,
    total: m.total,
    places: m.regions.map((r) => ({ code: r.region, name: r.name, counts: r.counts })),
    privacy: m.privacy,
  }))
  const days = body.ledger.days
  return {
    series,
    ledger: {
      days: days.map((d) => d.day),
      issued: days.map((d) => d.issued),
      revoked: days.map((d) => d.revoked),
    },
  }
}
