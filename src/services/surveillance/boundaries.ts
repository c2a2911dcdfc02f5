/**
 * @module services/surveillance/boundaries
 * The places' outlines for the dashboard's map (issue 22): matched from a boundary file to the
 * loaded places, stored, and served per level. A feature matches a place by code (its id or a
 * code property, see boundaries-file) or else by a name that exactly one place has (ignoring
 * case); several features of one place are joined into a MultiPolygon (islands). What does not
 * match is reported, never dropped silently: features the file has that no place has, and places
 * the file has no outline for.
 */
import { asc, inArray } from 'drizzle-orm'
import type { AreaGeometry, Boundaries, Level, Place } from '../../core/stats/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { regionBoundaries } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import {
  countVertices,
  type FileFeature,
  featureLabel,
  parseBoundaries,
} from './boundaries-file.ts'
import { readHierarchy } from './regions.ts'
import { checkScope } from './scope.ts'

export interface BoundariesReport {
  /** Places given an outline. */
  stored: number
  matched: { region: string; feature: string; by: 'code' | 'name' }[]
  /** Features no loaded place matched, with why. */
  unmatched: { feature: string; reason: string }[]
  /** Loaded places the file has no outline for. */
  missing: { region: string; name: string; level: Level }[]
}

interface Match {
  features: FileFeature[]
  by: 'code' | 'name'
}

const polygons = (g: AreaGeometry) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)

function join(features: FileFeature[]): AreaGeometry {
  const [only] = features
  if (features.length === 1 && only?.geometry) return only.geometry
  return {
    type: 'MultiPolygon',
    coordinates: features.flatMap((f) => (f.geometry === null ? [] : polygons(f.geometry))),
  }
}

/** Which place each area feature outlines; pure, so the load and its tests share it. */
export function matchBoundaries(features: FileFeature[], places: Place[]) {
  const byCode = new Map(places.map((p) => [p.code, p]))
  const byName = new Map<string, Place[]>()
  for (const p of places) {
    const k = p.name.toLowerCase()
    byName.set(k, [...(byName.get(k) ?? []), p])
  }
  const matches = new Map<string, Match>()
  const unmatched: BoundariesReport['unmatched'] = []
  const take = (code: string, f: FileFeature, by: 'code' | 'name') => {
    const m = matches.get(code) ?? { features: [], by }
    m.features.push(f)
    matches.set(code, m)
  }
  for (const f of features) {
    if (f.geometry === null) {
      unmatched.push({ feature: featureLabel(f), reason: 'not an area (Polygon or MultiPolygon)' })
      continue
    }
    const code = f.keys.find((k) => byCode.has(k))
    if (code !== undefined) {
      take(code, f, 'code')
      continue
    }
    const named = f.name === null ? [] : (byName.get(f.name.toLowerCase()) ?? [])
    if (named.length === 1) take((named[0] as Place).code, f, 'name')
    else
      unmatched.push({
        feature: featureLabel(f),
        reason:
          named.length > 1
            ? `the name is shared by ${named.map((p) => p.code).join(', ')}: give the feature a code`
            : 'no loaded place has this code or name',
      })
  }
  const missing = places
    .filter((p) => !matches.has(p.code))
    .map((p) => ({ region: p.code, name: p.name, level: p.level }))
  return { matches, unmatched, missing }
}

/** Replaces every stored outline with the file's (`text`); a file matching no place changes nothing. */
export async function loadBoundaries(ctx: ServiceContext, text: string): Promise<BoundariesReport> {
  const features = parseBoundaries(text)
  const hierarchy = await readHierarchy(ctx)
  const places = [...hierarchy.places.values()]
  if (places.length === 0)
    throw new ServiceError(
      'BOUNDARIES_INVALID',
      'no places are loaded: load the regions CSV first, then the boundaries',
      { field: 'file' },
    )
  const { matches, unmatched, missing } = matchBoundaries(features, places)
  if (matches.size === 0)
    throw new ServiceError(
      'BOUNDARIES_INVALID',
      `no feature matches a loaded place by code or name (${unmatched.length} features read)`,
      { field: 'features' },
    )
  const rows = [...matches].map(([region, m]) => {
    const geometry = join(m.features)
    return {
      region,
      feature: m.features.map(featureLabel).join(' + ').slice(0, 200),
      geometry,
      vertices: countVertices(geometry),
    }
  })
  await ctx.db.transaction(async (tx) => {
    await tx.delete(regionBoundaries)
    // Chunks keep each statement's JSON parameter modest for real, detailed files.
    for (let i = 0; i < rows.length; i += 200)
      await tx.insert(regionBoundaries).values(rows.slice(i, i + 200))
    await recordAudit(
      { ...ctx, db: tx },
      {
        action: 'boundaries.load',
        detail: { stored: rows.length, unmatched: unmatched.length, missing: missing.length },
      },
    )
  })
  return {
    stored: rows.length,
    matched: [...matches].map(([region, m]) => ({
      region,
      feature: m.features.map(featureLabel).join(' + '),
      by: m.by,
    })),
    unmatched,
    missing,
  }
}

/** The outlines of the places at `level` (within `region`), and the places without one. */
export async function readBoundaries(
  ctx: ServiceContext,
  query: { level: Level; region?: string | undefined },
): Promise<Boundaries> {
  const hierarchy = await readHierarchy(ctx)
  checkScope(hierarchy, query.level, query.region)
  const wanted = hierarchy.at(query.level, query.region)
  const rows =
    wanted.length === 0
      ? []
      : await ctx.db
          .select({ region: regionBoundaries.region, geometry: regionBoundaries.geometry })
          .from(regionBoundaries)
          .where(
            inArray(
              regionBoundaries.region,
              wanted.map((p) => p.code),
            ),
          )
          .orderBy(asc(regionBoundaries.region))
  const outline = new Map(rows.map((r) => [r.region, r.geometry]))
  const out: Boundaries = {
    level: query.level,
    region: query.region ?? null,
    places: [],
    missing: [],
  }
  for (const p of wanted) {
    const geometry = outline.get(p.code)
    if (geometry === undefined) out.missing.push({ region: p.code, name: p.name })
    else out.places.push({ region: p.code, name: p.name, geometry })
  }
  return out
}
