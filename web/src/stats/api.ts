/**
 * The JSON of /api/public/stats (core/stats PublicStats, as src/services/surveillance/public.ts returns
 * it) turned into what the page draws. Anything unexpected is an error with a code, not a blank
 * page.
 */
import type { PublicStats } from '../../../src/core/stats/index.ts'
import { type Cell, countCell } from '../charts/grid.ts'
import type { LedgerTotals, PublicSeries, PublicView } from './view.ts'

type Series = (number | null)[]

export class StatsShapeError extends Error {
  readonly code = 'STATS_UNREADABLE'
}

const DAY_MS = 86_400_000

/** Days without entries are absent from the response: the log had none, so they are 0. */
function everyDay(days: PublicStats['ledger']['days']): LedgerTotals {
  const byDay = new Map(days.map((d) => [d.day, d]))
  const out: LedgerTotals = { days: [], issued: [], revoked: [] }
  const first = days[0]?.day
  const last = days[days.length - 1]?.day
  if (first === undefined || last === undefined) return out
  for (
    let ms = Date.parse(`${first}T00:00:00Z`);
    ms <= Date.parse(`${last}T00:00:00Z`);
    ms += DAY_MS
  ) {
    const day = new Date(ms).toISOString().slice(0, 10)
    out.days.push(day)
    out.issued.push(byDay.get(day)?.issued ?? 0)
    out.revoked.push(byDay.get(day)?.revoked ?? 0)
  }
  return out
}

/** A published share: null because a part was suppressed, or because there were no tests. */
function shareCells(rates: Series, positives: Series, tests: Series): Cell[] {
  return rates.map((r, i) => {
    if (r !== null) return r
    const p = positives[i] ?? null
    const t = tests[i] ?? null
    return p === null || t === null ? 'suppressed' : 'na'
  })
}

export function toView(json: unknown): PublicView {
  const body = json as Partial<PublicStats> | null
  if (
    body === null ||
    typeof body !== 'object' ||
    !Array.isArray(body.weeks) ||
    !Array.isArray(body.places) ||
    typeof body.measures !== 'object' ||
    body.positivity === undefined ||
    !Array.isArray(body.ledger?.days) ||
    body.privacy === undefined
  )
    throw new StatsShapeError('the statistics are not in the expected form')
  const places = body.places
  const measures = body.measures as PublicStats['measures']
  const series: PublicSeries[] = Object.entries(measures).map(([measure, m]) => ({
    measure,
    kind: 'count',
    total: m.national.map(countCell),
    places: places.map((p) => ({
      code: p.code,
      name: p.name,
      cells: (m.regions[p.code] ?? []).map(countCell),
    })),
  }))
  const pos = measures.positives
  const tests = measures.tests
  if (pos !== undefined && tests !== undefined) {
    const share = body.positivity
    series.push({
      measure: 'positivity',
      kind: 'rate',
      total: shareCells(share.national, pos.national, tests.national),
      places: places.map((p) => ({
        code: p.code,
        name: p.name,
        cells: shareCells(
          share.regions[p.code] ?? [],
          pos.regions[p.code] ?? [],
          tests.regions[p.code] ?? [],
        ),
      })),
    })
  }
  return {
    generatedAt: body.generatedAt ?? '',
    weeks: body.weeks,
    series,
    ledger: everyDay(body.ledger?.days ?? []),
    ledgerTotal: body.ledger?.total ?? { issued: 0, revoked: 0 },
    entriesCounted: body.ledger?.entriesCounted ?? 0,
    privacy: body.privacy,
  }
}
