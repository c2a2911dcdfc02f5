/**
 * @module services/surveillance/signal-settings
 * What a place's signals are judged with: its alarm thresholds (the place's own row for the
 * measure, else its nearest ancestor's, so a row for the country is the default) and the known
 * outbreak weeks left out of its baseline (an exclusion set on the place, a place within it or
 * a place containing it: an outbreak in a district is in its region's counts too).
 */
import { eq, isNull, or } from 'drizzle-orm'
import type { CountMeasure } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { signalExclusions, signalThresholds } from '../../platform/db/index.ts'
import { dayMs } from './periods.ts'
import type { Hierarchy } from './regions.ts'
import { WEEK_MS } from './signal-counts.ts'

export interface PlaceThreshold {
  alpha: number | undefined
  cusumH: number | undefined
  minCases: number | undefined
}

export interface SignalSettings {
  thresholds: Map<string, PlaceThreshold>
  exclusions: { region: string; fromWeek: string; toWeek: string }[]
}

/** The measure's thresholds and exclusions (the tables are small: read whole). */
export async function readSignalSettings(
  ctx: ServiceContext,
  measure: CountMeasure,
): Promise<SignalSettings> {
  const [thresholds, exclusions] = await Promise.all([
    ctx.db.select().from(signalThresholds).where(eq(signalThresholds.measure, measure)),
    ctx.db
      .select({
        region: signalExclusions.region,
        fromWeek: signalExclusions.fromWeek,
        toWeek: signalExclusions.toWeek,
      })
      .from(signalExclusions)
      .where(or(isNull(signalExclusions.measure), eq(signalExclusions.measure, measure))),
  ])
  return {
    thresholds: new Map(
      thresholds.map((r) => [
        r.region,
        {
          alpha: r.alpha ?? undefined,
          cusumH: r.cusumH ?? undefined,
          minCases: r.minCases ?? undefined,
        },
      ]),
    ),
    exclusions,
  }
}

/** The thresholds for `code`: each setting from the nearest place up the hierarchy that has it. */
export function thresholdFor(places: Hierarchy, s: SignalSettings, code: string): PlaceThreshold {
  const out: PlaceThreshold = { alpha: undefined, cusumH: undefined, minCases: undefined }
  for (let p = places.places.get(code); p !== undefined; p = places.places.get(p.parent ?? '')) {
    const row = s.thresholds.get(p.code)
    out.alpha ??= row?.alpha
    out.cusumH ??= row?.cusumH
    out.minCases ??= row?.minCases
  }
  return out
}

/**
 * The known-outbreak mask of a series of `n` weeks from `start` for `code`, or undefined when
 * no exclusion touches it.
 */
export function outbreakMask(
  places: Hierarchy,
  s: SignalSettings,
  code: string,
  start: string,
  n: number,
): boolean[] | undefined {
  let mask: boolean[] | undefined
  for (const e of s.exclusions) {
    if (!(places.contains(e.region, code) || places.contains(code, e.region))) continue
    mask ??= new Array<boolean>(n).fill(false)
    const from = Math.max(0, Math.round((dayMs(e.fromWeek) - dayMs(start)) / WEEK_MS))
    const to = Math.min(n - 1, Math.round((dayMs(e.toWeek) - dayMs(start)) / WEEK_MS))
    for (let t = from; t <= to; t++) mask[t] = true
  }
  return mask
}
