/**
 * GET /api/surveillance/signals on each engine: three years and a half of weekly test facts in
 * four districts (seeded Poisson around a winter peak), written through the real ingest path;
 * in Harbourside (XV-N01) the tests triple in the last two complete weeks. The signals name
 * Harbourside's two weeks and nothing else, carry no counts, say why a 5-year Farrington cannot
 * run on 3½ years, and refuse unknown places and malformed parameters with their codes.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestFacts } from '../../../src/services/surveillance/facts.ts'
import { loadRegions } from '../../../src/services/surveillance/regions-csv.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { weeklyTestFacts } from '../../helpers/signal-facts.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')
/** The test clock says 2026-11-24 (a Tuesday): the last complete week starts on 2026-11-16. */
const LAST_WEEK = '2026-11-16'
const WEEKS = 182 // 3½ years, up to and including LAST_WEEK
const DISTRICTS = ['XV-N01', 'XV-N02', 'XV-C01', 'XV-S01']
const OUTBREAK = ['2026-11-09', '2026-11-16']

const FACTS = {
  lastWeek: LAST_WEEK,
  weeks: WEEKS,
  districts: DISTRICTS,
  outbreaks: { 'XV-N01': OUTBREAK },
}

interface Signals {
  weeks: string[]
  history: { from: string | null; weeks: number }
  tooShort: null | { code: string; needed: number; has: number; message: string }
  places: { region: string; name: string; alarms: string[] }[]
  threshold: number
}

describe.each(ENGINES)('outbreak signals on %s', (engine) => {
  let t: TestApp
  let epi = ''
  const get = async (query: string) => {
    const r = await api(t, epi).get(`/api/surveillance/signals?${query}`)
    return { status: r.status, body: (await r.json()) as Signals & { code?: string } }
  }

  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, REGIONS)
    await ingestFacts(t.ctx, { facts: weeklyTestFacts(FACTS) })
    epi = await tokenFor(t, ['epidemiologist'])
  }, 120_000)
  afterAll(() => t?.close())

  it('Farrington (b 3): alarms in Harbourside for the two outbreak weeks, nowhere else', async () => {
    const { status, body } = await get('measure=tests&years=3&weeks=4')
    expect(status).toBe(200)
    expect(body.weeks).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16'])
    expect(body.history.weeks).toBe(163) // 3 years + 3 weeks of reference, + the 4 evaluated
    expect(body.tooShort).toBeNull()
    expect(body.places).toHaveLength(10)
    const alarmed = body.places.filter((p) => p.alarms.length > 0)
    expect(alarmed).toEqual([{ region: 'XV-N01', name: 'Harbourside', alarms: OUTBREAK }])
  })

  it('the answer names places and weeks only: no counts, expectations or bounds', async () => {
    const { body } = await get('measure=tests&years=3&weeks=4')
    expect(Object.keys(body).sort()).toEqual([
      'history',
      'level',
      'measure',
      'method',
      'notes',
      'places',
      'region',
      'threshold',
      'tooShort',
      'weeks',
    ])
    for (const p of body.places) expect(Object.keys(p).sort()).toEqual(['alarms', 'name', 'region'])
  })

  it('EARS C1 and CUSUM also flag Harbourside in the outbreak', async () => {
    for (const method of ['ears-c1', 'cusum']) {
      const { status, body } = await get(`measure=tests&method=${method}&weeks=4`)
      expect(status).toBe(200)
      const harbourside = body.places.find((p) => p.region === 'XV-N01')
      expect(
        harbourside?.alarms.some((w) => OUTBREAK.includes(w)),
        method,
      ).toBe(true)
    }
  })

  it('by region within North: the outbreak shows in North as a whole', async () => {
    const { status, body } = await get('measure=tests&years=3&level=region&region=XV-N')
    expect(status).toBe(200)
    expect(body.places.map((p) => p.region)).toEqual(['XV-N'])
    expect(body.places[0]?.alarms.length).toBeGreaterThan(0)
  })

  it('5 years of reference weeks on 3½ years of data: tooShort says so, no alarms', async () => {
    const { status, body } = await get('measure=tests&weeks=4')
    expect(status).toBe(200)
    expect(body.tooShort).toEqual({
      code: 'HISTORY_TOO_SHORT',
      needed: 264,
      has: 179,
      message:
        'farrington needs 5 years and 3 weeks of weekly data before the first evaluated week; there are 3 years and 22 weeks',
    })
    expect(body.places.every((p) => p.alarms.length === 0)).toBe(true)
  })

  it('a measure with no facts at all: no history', async () => {
    const { body } = await get('measure=uploads&method=ears-c1')
    expect(body.history).toEqual({ from: null, weeks: 0 })
    expect(body.tooShort?.code).toBe('HISTORY_TOO_SHORT')
  })

  it('refusals: an unknown place (404 REGION_UNKNOWN), a region finer than the level (400 RANGE_INVALID), bad parameters (400 VALIDATION)', async () => {
    expect(await get('measure=tests&region=XV-Q')).toMatchObject({
      status: 404,
      body: { code: 'REGION_UNKNOWN' },
    })
    expect(await get('measure=tests&region=XV-N01&level=region')).toMatchObject({
      status: 400,
      body: { code: 'RANGE_INVALID' },
    })
    for (const bad of [
      'measure=coverage',
      'measure=tests&weeks=0',
      'measure=tests&method=x',
      'measure=tests&years=6',
    ])
      expect((await get(bad)).body.code, bad).toBe('VALIDATION')
  })
})
