/**
 * @module services/surveillance/regions
 * The place hierarchy (country → region → district, ISO 3166-2-style codes) with population
 * denominators by age band, as loaded by surveillance/regions-csv: ancestors, places at a level,
 * populations summed upwards from the districts.
 */
import { asc } from 'drizzle-orm'
import { LEVELS, type Level, type Place } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { regionPopulation, regions } from '../../platform/db/index.ts'

/** The loaded hierarchy, with ancestors and summed populations. */
export class Hierarchy {
  readonly places: ReadonlyMap<string, Place>
  readonly #population: Map<string, Map<string, number>>

  constructor(places: Place[], leafPopulation: Map<string, Map<string, number>>) {
    this.places = new Map(places.map((p) => [p.code, p]))
    this.#population = new Map()
    for (const [leaf, byBand] of leafPopulation) {
      for (
        let code: string | null = leaf;
        code !== null;
        code = this.places.get(code)?.parent ?? null
      ) {
        const sum = this.#population.get(code) ?? new Map<string, number>()
        this.#population.set(code, sum)
        for (const [band, n] of byBand) sum.set(band, (sum.get(band) ?? 0) + n)
      }
    }
  }

  /** The place at `level` that contains `code`, or undefined (unknown, or coarser than level). */
  ancestorAt(code: string, level: Level): string | undefined {
    for (let p = this.places.get(code); p !== undefined; p = this.places.get(p.parent ?? '')) {
      if (p.level === level) return p.code
      if (LEVELS.indexOf(p.level) < LEVELS.indexOf(level)) return undefined
    }
    return undefined
  }

  /** Places at `level`, optionally only those within `within`, in code order. */
  at(level: Level, within?: string): Place[] {
    return [...this.places.values()]
      .filter((p) => p.level === level)
      .filter((p) => within === undefined || this.contains(within, p.code))
      .sort((a, b) => (a.code < b.code ? -1 : 1))
  }

  contains(outer: string, code: string): boolean {
    for (let p = this.places.get(code); p !== undefined; p = this.places.get(p.parent ?? ''))
      if (p.code === outer) return true
    return false
  }

  /** Population of a place, of one age band or of all. */
  population(code: string, ageBand?: string): number | undefined {
    const byBand = this.#population.get(code)
    if (byBand === undefined) return undefined
    if (ageBand !== undefined) return byBand.get(ageBand)
    let total = 0
    for (const n of byBand.values()) total += n
    return total
  }
}

/** The loaded places with their populations. */
export async function readHierarchy(ctx: ServiceContext): Promise<Hierarchy> {
  const [places, pop] = await Promise.all([
    ctx.db.select().from(regions).orderBy(asc(regions.code)),
    ctx.db.select().from(regionPopulation),
  ])
  const leaf = new Map<string, Map<string, number>>()
  for (const p of pop) {
    const m = leaf.get(p.region) ?? new Map<string, number>()
    leaf.set(p.region, m)
    m.set(p.ageBand, p.population)
  }
  return new Hierarchy(
    places.map((p) => ({
      code: p.code,
      name: p.name,
      level: LEVELS[p.level] ?? 'district',
      parent: p.parent,
    })),
    leaf,
  )
}
