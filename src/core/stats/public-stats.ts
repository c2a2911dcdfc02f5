/** JSON of the public statistics (`/api/public/stats`, no sign-in), src/surveillance/public. */

type Series = (number | null)[]

/** One measure by week: the country, and each place by code. */
export interface PublicSeries {
  national: Series
  regions: Record<string, Series>
}

/** The ledger's own totals for one UTC day, counted from the public log. */
export interface LedgerDay {
  day: string
  issued: number
  revoked: number
}

export interface PublicStats {
  generatedAt: string
  weeks: string[]
  places: { code: string; name: string }[]
  measures: Record<string, PublicSeries>
  positivity: PublicSeries
  ledger: {
    days: LedgerDay[]
    total: { issued: number; revoked: number }
    /** Entries with a lower index are counted. */
    entriesCounted: number
  }
  privacy: {
    threshold: number
    mechanism: 'geometric'
    epsilonPerFigure: number
    sensitivity: Record<string, number>
    suppressedCells: number
    complementaryCells: number
    notes: string[]
  }
}
