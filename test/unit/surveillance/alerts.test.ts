/**
 * What an alert shows and what a place's signals are judged with, without a database: figures
 * under the suppression threshold are withheld (with the p-value and score, which would give
 * the expectation back); thresholds come from the nearest place up the hierarchy, setting by
 * setting; a known outbreak masks the weeks it covers for the place, the places within it and
 * those containing it, and nothing for a place beside it.
 */
import { describe, expect, it } from 'vitest'
import type { Place } from '../../../src/core/stats/index.ts'
import type { signalAlerts } from '../../../src/platform/db/index.ts'
import { showAlert } from '../../../src/services/surveillance/alerts.ts'
import { Hierarchy } from '../../../src/services/surveillance/regions.ts'
import {
  outbreakMask,
  type SignalSettings,
  thresholdFor,
} from '../../../src/services/surveillance/signal-settings.ts'

const PLACES: Place[] = [
  { code: 'XV', name: 'Valdoria', level: 'country', parent: null },
  { code: 'XV-N', name: 'North', level: 'region', parent: 'XV' },
  { code: 'XV-N01', name: 'Harbourside', level: 'district', parent: 'XV-N' },
  { code: 'XV-N02', name: 'Fellmoor', level: 'district', parent: 'XV-N' },
  { code: 'XV-S', name: 'South', level: 'region', parent: 'XV' },
  { code: 'XV-S01', name: 'Saltmarsh', level: 'district', parent: 'XV-S' },
]
const places = new Hierarchy(PLACES, new Map())

const row = (over: Partial<typeof signalAlerts.$inferSelect> = {}) => ({
  id: 'a1',
  measure: 'tests',
  method: 'farrington',
  region: 'XV-N01',
  week: '2026-11-16',
  observed: 34,
  expected: 12.5,
  upperBound: 21.25,
  pValue: 0.0001,
  score: 2.4,
  alpha: 0.05,
  cusumH: null,
  state: 'new',
  raisedAt: new Date('2026-11-24T12:00:00Z'),
  reviewedAt: null,
  reviewerId: null,
  reviewerName: null,
  note: null,
  ...over,
})

describe('an alert as shown', () => {
  it('every figure at or above the threshold is shown, with the place name', () => {
    expect(showAlert(row(), places, 10)).toMatchObject({
      name: 'Harbourside',
      observed: 34,
      expected: 12.5,
      upperBound: 21.25,
      pValue: 0.0001,
      score: 2.4,
    })
  })

  it('an expectation under the threshold is withheld, and the p-value and score with it', () => {
    const shown = showAlert(row({ expected: 3.2, upperBound: 9.9 }), places, 10)
    expect(shown).toMatchObject({
      observed: 34,
      expected: null,
      upperBound: null,
      pValue: null,
      score: null,
    })
  })

  it('a count under a raised threshold is withheld too; a place no longer loaded has no name', () => {
    expect(showAlert(row({ region: 'XV-Q01' }), places, 40)).toMatchObject({
      name: '',
      observed: null,
      expected: null,
    })
  })
})

const settings = (over: Partial<SignalSettings> = {}): SignalSettings => ({
  thresholds: new Map(),
  exclusions: [],
  ...over,
})

describe("a place's thresholds", () => {
  it('each setting from the nearest place that has it', () => {
    const s = settings({
      thresholds: new Map([
        ['XV', { alpha: 0.01, cusumH: 3, minCases: undefined }],
        ['XV-N', { alpha: undefined, cusumH: undefined, minCases: 20 }],
        ['XV-N01', { alpha: 0.001, cusumH: undefined, minCases: undefined }],
      ]),
    })
    expect(thresholdFor(places, s, 'XV-N01')).toEqual({ alpha: 0.001, cusumH: 3, minCases: 20 })
    expect(thresholdFor(places, s, 'XV-N02')).toEqual({ alpha: 0.01, cusumH: 3, minCases: 20 })
    expect(thresholdFor(places, s, 'XV-S01')).toEqual({
      alpha: 0.01,
      cusumH: 3,
      minCases: undefined,
    })
  })

  it('none set anywhere: the method keeps its own', () => {
    expect(thresholdFor(places, settings(), 'XV-S01')).toEqual({
      alpha: undefined,
      cusumH: undefined,
      minCases: undefined,
    })
  })
})

describe('known outbreaks', () => {
  // Ten weeks from 2026-01-05; the outbreak covers weeks 2 to 4 (2026-01-19 … 2026-02-02).
  const s = settings({
    exclusions: [{ region: 'XV-N01', fromWeek: '2026-01-19', toWeek: '2026-02-02' }],
  })
  const expected = [false, false, true, true, true, false, false, false, false, false]

  it('mask the weeks for the place, its region and the country', () => {
    for (const code of ['XV-N01', 'XV-N', 'XV'])
      expect(outbreakMask(places, s, code, '2026-01-05', 10), code).toEqual(expected)
  })

  it('leave a neighbouring district or region alone', () => {
    for (const code of ['XV-N02', 'XV-S', 'XV-S01'])
      expect(outbreakMask(places, s, code, '2026-01-05', 10), code).toBeUndefined()
  })

  it('an outbreak set on a region masks its districts; weeks outside the series are clipped', () => {
    const wide = settings({
      exclusions: [{ region: 'XV-N', fromWeek: '2025-12-01', toWeek: '2026-01-12' }],
    })
    expect(outbreakMask(places, wide, 'XV-N02', '2026-01-05', 4)).toEqual([
      true,
      true,
      false,
      false,
    ])
  })
})
