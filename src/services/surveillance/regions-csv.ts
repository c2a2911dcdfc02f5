/**
 * @module services/surveillance/regions-csv
 * Loading the places from a CSV (`vigil regions load FILE`, data/regions-xv.csv):
 *
 *   code,name,level,parent,0-4,5-11,…,80+
 *
 * Populations are given for districts (the leaves); regions and the country add them up. A load
 * replaces the whole hierarchy in one transaction; a bad file changes nothing. Kept apart from
 * the hierarchy so that the HTTP app (and the Worker bundle) never loads the CSV parser.
 */
import { parse } from 'csv-parse/sync'
import { AGE_BANDS } from '../../core/fhir/index.ts'
import { LEVELS, type Level, type Place } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { regionPopulation, regions } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

export interface RegionsFile {
  places: Place[]
  /** district code → age band → population */
  population: Map<string, Map<string, number>>
}

const COUNTRY = /^[A-Z]{2}$/
const SUBDIVISION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/

const bad = (line: number, message: string, field = 'file') =>
  new ServiceError('REGIONS_CSV_INVALID', `line ${line}: ${message}`, { field })

export function parseRegionsCsv(text: string): RegionsFile {
  let records: string[][]
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false })
  } catch (err) {
    throw bad(0, (err as Error).message)
  }
  const [header, ...rows] = records
  const expected = ['code', 'name', 'level', 'parent', ...AGE_BANDS]
  if (header === undefined || header.join(',') !== expected.join(','))
    throw bad(1, `the header must be ${expected.join(',')}`, 'header')
  const places: Place[] = []
  const population = new Map<string, Map<string, number>>()
  const seen = new Map<string, Place>()
  rows.forEach((r, i) => {
    const line = i + 2
    const [code = '', name = '', level = '', parent = '', ...pops] = r
    if (!(LEVELS as readonly string[]).includes(level))
      throw bad(line, `level must be one of ${LEVELS.join(', ')}`, 'level')
    const lvl = level as Level
    if (!(lvl === 'country' ? COUNTRY : SUBDIVISION).test(code))
      throw bad(line, `"${code}" is not an ISO 3166-2-style code for a ${lvl}`, 'code')
    if (seen.has(code)) throw bad(line, `${code} appears twice`, 'code')
    if (name === '' || name.length > 100) throw bad(line, 'name must be 1–100 characters', 'name')
    if (lvl !== 'country') {
      const up = seen.get(parent)
      const want = LEVELS[LEVELS.indexOf(lvl) - 1] as Level
      if (up === undefined || up.level !== want)
        throw bad(line, `parent "${parent}" must be an earlier ${want}`, 'parent')
      if (!code.startsWith(`${parent.slice(0, 2)}-`))
        throw bad(line, `${code} is not in the parent's country`, 'code')
    }
    const place = { code, name, level: lvl, parent: lvl === 'country' ? null : parent }
    seen.set(code, place)
    places.push(place)
    if (lvl === 'district') {
      const byBand = new Map<string, number>()
      pops.forEach((p, j) => {
        if (!/^\d{1,9}$/.test(p))
          throw bad(line, `population ${AGE_BANDS[j]} must be a whole number`, AGE_BANDS[j])
        byBand.set(AGE_BANDS[j] as string, Number(p))
      })
      population.set(code, byBand)
    } else if (pops.some((p) => p !== '')) {
      throw bad(line, 'populations are given for districts only (the rest add up)', 'population')
    }
  })
  if (places.length === 0) throw bad(2, 'no places')
  return { places, population }
}

/** Replaces the place hierarchy with the CSV's (`text`): all of it, or nothing on a bad file. */
export async function loadRegions(
  ctx: ServiceContext,
  text: string,
): Promise<{ places: number; districts: number }> {
  const file = parseRegionsCsv(text)
  const pop = [...file.population].flatMap(([region, byBand]) =>
    [...byBand].map(([ageBand, population]) => ({ region, ageBand, population })),
  )
  await ctx.db.transaction(async (tx) => {
    await tx.delete(regionPopulation)
    await tx.delete(regions)
    await tx
      .insert(regions)
      .values(file.places.map((p) => ({ ...p, level: LEVELS.indexOf(p.level) })))
    if (pop.length > 0) await tx.insert(regionPopulation).values(pop)
  })
  return { places: file.places.length, districts: file.population.size }
}
