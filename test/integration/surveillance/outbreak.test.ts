/**
 * A simulated outbreak end to end, on each engine (issue 22): two years of exact weekly test
 * counts in every district of the sample country — each district 30 a week give or take a fixed
 * seven-week pattern (−4 … +3), so every seven-week window has the same mean and spread — and,
 * in Saltmarsh (XV-S02) alone, the count doubled for the last three complete weeks. Scans through
 * the alerts API raise alerts for Saltmarsh in exactly those weeks and for no quiet district, by
 * EARS C2 and by Farrington; by region, the South (which holds Saltmarsh) and nowhere else; and
 * the alerts list holds the same.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertScan, SignalAlert } from '../../../src/core/stats/index.ts'
import {
  ingestFacts,
  loadRegions,
  readHierarchy,
} from '../../../src/services/surveillance/index.ts'
import { dayMs, toDay } from '../../../src/services/surveillance/periods.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { testFactsPerWeek } from '../../helpers/signal-facts.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')
/** The test clock says 2026-11-24 (a Tuesday): the last complete ISO week began 2026-11-16. */
const LAST = '2026-11-16'
const WEEKS = 104
const OUTBREAK_IN = 'XV-S02'
const OUTBREAK = ['2026-11-02', '2026-11-09', '2026-11-16']
const PATTERN = [-4, 2, -1, 3, 0, -3, 3]

const weekOf = (w: number) => toDay(dayMs(LAST) - (WEEKS - 1 - w) * 7 * 86_400_000)

/** The exact count of district number i in week w. */
function count(i: number, district: string, w: number): number {
  const quiet = 30 + (PATTERN[(w + 3 * i) % PATTERN.length] as number)
  return district === OUTBREAK_IN && OUTBREAK.includes(weekOf(w)) ? 2 * quiet : quiet
}

describe.each(ENGINES)('a simulated outbreak on %s', (engine) => {
  let t: TestApp
  let epi = ''
  let districts: string[] = []
  const scan = async (body: Record<string, unknown>) => {
    const r = await api(t, epi).post('/api/surveillance/alerts/scan', {
      measure: 'tests',
      weeks: 8,
      ...body,
    })
    expect(r.status).toBe(200)
    const s = (await r.json()) as AlertScan
    expect(s.tooShort).toBeNull()
    return s
  }
  const where = (alerts: SignalAlert[]) => alerts.map((a) => `${a.region} ${a.week}`).sort()

  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, REGIONS)
    districts = (await readHierarchy(t.ctx)).at('district').map((p) => p.code)
    expect(districts).toContain(OUTBREAK_IN)
    await ingestFacts(t.ctx, {
      facts: testFactsPerWeek({ weeks: WEEKS, districts, day: weekOf, count }),
    })
    epi = await tokenFor(t, ['epidemiologist'])
  }, 180_000)
  afterAll(() => t?.close())

  it('EARS C2 by district: Saltmarsh in the three outbreak weeks, no quiet district', async () => {
    const s = await scan({ method: 'ears-c2', level: 'district' })
    expect(s.weeks.slice(-3)).toEqual(OUTBREAK)
    expect(where(s.alerts)).toEqual(OUTBREAK.map((w) => `${OUTBREAK_IN} ${w}`))
    for (const a of s.alerts) {
      expect(a.observed).toBeGreaterThanOrEqual(2 * 26)
      expect(a.state).toBe('new')
    }
  })

  it('Farrington (one year of reference weeks) by district: the same, and nothing elsewhere', async () => {
    const s = await scan({ method: 'farrington', level: 'district', years: 1 })
    expect(where(s.alerts)).toEqual(OUTBREAK.map((w) => `${OUTBREAK_IN} ${w}`))
    for (const a of s.alerts) expect(a.observed).toBeGreaterThan(a.upperBound as number)
  })

  it('by region: the South, which holds Saltmarsh, and no other region', async () => {
    const s = await scan({ method: 'ears-c2', level: 'region' })
    expect(where(s.alerts)).toEqual(OUTBREAK.map((w) => `XV-S ${w}`))
  })

  it('the alerts list holds them for review, latest week first', async () => {
    const r = await api(t, epi).get(
      `/api/surveillance/alerts?state=new&method=ears-c2&region=${OUTBREAK_IN}`,
    )
    expect(r.status).toBe(200)
    const { alerts } = (await r.json()) as { alerts: SignalAlert[] }
    expect(alerts.map((a) => a.week)).toEqual([...OUTBREAK].reverse())
    expect(new Set(alerts.map((a) => a.region))).toEqual(new Set([OUTBREAK_IN]))
  })
})
