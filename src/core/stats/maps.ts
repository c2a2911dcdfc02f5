/**
 * JSON of the map and curve endpoints (`/api/surveillance/{boundaries,map,epicurve,years}`), as
 * services/surveillance returns it and the dashboard draws it. Counts are null where the
 * dashboards' suppression hid them; nothing here is derived from a hidden count.
 */
import type { PrivacyMetadata } from './series.ts'
import type { CountMeasure, Level } from './vocabulary.ts'

/** RFC 7946 Polygon or MultiPolygon: rings of [longitude, latitude] positions (WGS 84). */
export type AreaGeometry =
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] }

/** The outlines of the places at one level, and the places the loaded file had none for. */
export interface Boundaries {
  level: Level
  region: string | null
  places: { region: string; name: string; geometry: AreaGeometry }[]
  /** Places at the level with no outline: listed on the map, never dropped. */
  missing: { region: string; name: string }[]
}

/** One place on the choropleth. */
export interface MapPlace {
  /** A place code, or 'unknown' for facts whose place is not in the hierarchy. */
  region: string
  name: string
  population: number | null
  /** Null where suppressed. */
  count: number | null
  /** Per 100,000 people over the whole range; null where suppressed or without population. */
  rate: number | null
  suppressed: boolean
}

export interface MapResult {
  measure: CountMeasure
  from: string
  to: string
  level: Level
  region: string | null
  /** Per how many people `rate` is given. */
  per: 100_000
  places: MapPlace[]
  /** The whole area (all places and `unknown`); null where suppressed. */
  total: { count: number | null; rate: number | null; population: number | null }
  privacy: PrivacyMetadata
}

/** One ISO week of an epi curve. */
export interface EpiWeek {
  /** The Monday that starts it. */
  start: string
  /** `2026-W05` */
  label: string
  year: number
  week: number
  /** Zero for a week without cases; null where suppressed. */
  count: number | null
}

export interface EpiCurve {
  measure: CountMeasure
  region: string | null
  name: string
  from: string
  to: string
  weeks: EpiWeek[]
  privacy: PrivacyMetadata
}

/** This ISO week-year against earlier ones, week by week. */
export interface YearsResult {
  measure: CountMeasure
  region: string | null
  name: string
  /** The last day counted: weeks after it in the current year are not yet there. */
  to: string
  /** The first week the measure was recorded anywhere: earlier weeks are no data, not zeros. */
  since: string | null
  years: {
    year: number
    /** 52 or 53 */
    weeks: number
    /**
     * Index k is ISO week k + 1 (53 entries): null where suppressed, and for a week the year does
     * not have (week 53 of a 52-week year), that has not ended by `to` or that lies before
     * `since`; `present` tells which.
     */
    counts: (number | null)[]
    /** Index k: week k + 1 exists in this year, ended on or before `to`, and is not before `since`. */
    present: boolean[]
  }[]
  privacy: PrivacyMetadata
}
