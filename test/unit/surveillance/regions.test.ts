/** The places CSV: the sample loads, each kind of mistake is refused with its line and column. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ServiceError } from '../../../src/platform/errors/index.ts'
import { Hierarchy } from '../../../src/services/surveillance/regions.ts'
import { parseRegionsCsv } from '../../../src/services/surveillance/regions-csv.ts'

const SAMPLE = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')
const HEADER = 'code,name,level,parent,0-4,5-11,12-17,18-29,30-39,40-49,50-59,60-69,70-79,80+'
const blank = ',,,,,,,,,,'
const pops = '1,2,3,4,5,6,7,8,9,10'

function refusal(text: string) {
  try {
    parseRegionsCsv(text)
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError)
    const e = err as ServiceError
    return { code: e.code, field: e.field, message: e.message }
  }
  throw new Error('accepted')
}

describe('regions CSV', () => {
  it('loads the sample: a country, 3 regions, 10 districts, populations summed upwards', () => {
    const file = parseRegionsCsv(SAMPLE)
    expect(file.places).toHaveLength(14)
    const h = new Hierarchy(file.places, file.population)
    expect(h.at('district')).toHaveLength(10)
    expect(h.ancestorAt('XV-N02', 'region')).toBe('XV-N')
    expect(h.ancestorAt('XV-N02', 'country')).toBe('XV')
    expect(h.ancestorAt('XV-N', 'district')).toBeUndefined()
    expect(h.ancestorAt('NL-NH', 'country')).toBeUndefined()
    const north = ['XV-N01', 'XV-N02', 'XV-N03'].reduce((a, c) => a + (h.population(c) ?? 0), 0)
    expect(h.population('XV-N')).toBe(north)
    expect(h.population('XV', '80+')).toBeGreaterThan(100_000)
    expect(h.contains('XV-S', 'XV-S03')).toBe(true)
    expect(h.contains('XV-S', 'XV-N01')).toBe(false)
  })

  it('refuses each mistake with its own line and column', () => {
    const ok = [HEADER, `XX,Land,country,${blank}`, `XX-A,A,region,XX${blank}`]
    const with_ = (...lines: string[]) => [...ok, ...lines].join('\n')
    expect(refusal('code,name\nXX,Land')).toMatchObject({ code: 'REGIONS_CSV_INVALID' })
    expect(refusal(`${HEADER.replace('80+', '80-')}\nXX,Land,country,${blank}`)).toMatchObject({
      field: 'header',
    })
    expect(refusal(with_(`XX-A1,D,town,XX-A,${pops}`))).toMatchObject({ field: 'level' })
    expect(refusal(with_(`xx-a1,D,district,XX-A,${pops}`))).toMatchObject({ field: 'code' })
    expect(refusal(with_(`XX-A1,D,district,XX-B,${pops}`))).toMatchObject({ field: 'parent' })
    expect(refusal(with_(`XX-A1,D,district,XX,${pops}`))).toMatchObject({ field: 'parent' })
    expect(refusal(with_(`YY-A1,D,district,XX-A,${pops}`))).toMatchObject({ field: 'code' })
    expect(refusal(with_(`XX-A,Again,region,XX${blank}`))).toMatchObject({ field: 'code' })
    expect(refusal(with_(`XX-A1,D,district,XX-A,1,2,3,x,5,6,7,8,9,10`))).toMatchObject({
      field: '18-29',
    })
    expect(refusal(with_('XX-B,B,region,XX,1,,,,,,,,,'))).toMatchObject({ field: 'population' })
    expect(refusal(with_(`XX-A1,D,district,XX-A,1,2`)).message).toMatch(/line/)
  })
})
