/**
 * @module services/surveillance/scope
 * The checks every place-scoped question shares (map, epi curve, year on year, boundaries): the
 * place asked for is loaded, and the level is not coarser than it; dates are in order. Same
 * codes and fields as the series query.
 */
import { LEVELS, type Level } from '../../core/stats/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import type { Hierarchy } from './regions.ts'

/** Throws REGION_UNKNOWN (404) or RANGE_INVALID (400, field level). */
export function checkScope(places: Hierarchy, level: Level, region: string | undefined): void {
  if (region === undefined) return
  const place = places.places.get(region)
  if (place === undefined)
    throw new ServiceError('REGION_UNKNOWN', `no place ${region} is loaded`, { field: 'region' })
  if (LEVELS.indexOf(place.level) > LEVELS.indexOf(level))
    throw new ServiceError(
      'RANGE_INVALID',
      `${region} is a ${place.level}: ask for level ${place.level} or finer`,
      { field: 'level' },
    )
}

/** The level of a place, or the country level for the whole area. */
export function levelOfScope(places: Hierarchy, region: string | undefined): Level {
  if (region === undefined) return 'country'
  const place = places.places.get(region)
  if (place === undefined)
    throw new ServiceError('REGION_UNKNOWN', `no place ${region} is loaded`, { field: 'region' })
  return place.level
}

/** The name of the area: the place's, or the country's when there is one country. */
export function nameOfScope(places: Hierarchy, region: string | undefined): string {
  if (region !== undefined) return places.places.get(region)?.name ?? region
  const countries = places.at('country')
  return countries.length === 1 ? (countries[0]?.name ?? '') : ''
}

export function checkRange(from: string, to: string): void {
  if (from > to)
    throw new ServiceError('RANGE_INVALID', 'from must not be after to', { field: 'from' })
}
