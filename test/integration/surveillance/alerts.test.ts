/**
 * Signal alerts through the API on each engine, over 3½ years of weekly test facts in four
 * districts where Harbourside's (XV-N01) tests triple in the last two complete weeks: a scan
 * stores the alarms as alerts with the detector's own figures, a rescan raises nothing twice, a
 * review records who and when (on the alert and in the audit trail), thresholds set on a
 * region or the country reach its districts, a known outbreak leaves the baseline exactly as
 * the core detector's mask does, and every refusal has its code.
 */

import { readFileSync } from 'node:fs'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { farrington } from '../../../src/core/signals/index.ts'
import type { AlertScan, SignalAlert } from '../../../src/core/stats/index.ts'
import { auditEvents } from '../../../src/platform/db/index.ts'
import { ingestFacts } from '../../../src/services/surveillance/facts.ts'
import { loadRegions } from '../../../src/services/surveillance/regions-csv.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { weeklyCounts, weeklyTestFacts } from '../../helpers/signal-facts.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')
/** The test clock says 2026-11-24: the last complete week starts on 2026-11-16. */
const OUTBREAK = ['2026-11-09', '2026-11-16']
const FACTS = {
  lastWeek: '2026-11-16',
  weeks: 182,
  districts: ['XV-N01', 'XV-N02', 'XV-C01', 'XV-S01'],
  outbreaks: { 'XV-N01': OUTBREAK },
}
const SCAN = { measure: 'tests', method: 'farrington', years: 3, weeks: 4 }
/** Farrington b = 3 reads 3 years and 3 weeks before the 4 weeks judged: 163 weeks. */
const READ = 163
/** A known outbreak a year before the last week (in its reference window), on North. */
const EXCLUDED = { from: '2025-11-10', to: '2025-11-23' }

describe.each(ENGINES)('signal alerts on %s', (engine) => {
  let t: TestApp
  let epi = ''
  const call = async <T>(method: string, path: string, body?: unknown, token = epi) => {
    const r = await t.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await r.text()
    return {
      status: r.status,
      body: (text === '' ? null : JSON.parse(text)) as T & { code?: string; field?: string },
    }
  }
  const scan = (extra: Record<string, unknown> = {}) =>
    call<AlertScan>('POST', '/api/surveillance/alerts/scan', { ...SCAN, ...extra })
  const harbourside = (s: AlertScan) => s.alerts.filter((a) => a.region === 'XV-N01')
  /** Harbourside's series as the service reads it, and the core's Farrington on it. */
  const coreFarrington = (outbreak?: boolean[]) => {
    const counts = (weeklyCounts(FACTS).get('XV-N01') as number[]).slice(FACTS.weeks - READ)
    const r = farrington(
      { counts, frequency: 52, ...(outbreak ? { outbreak } : {}) },
      { control: { b: 3 }, range: { from: READ - 4 } },
    )
    if (!r.ok) throw new Error(r.reason.message)
    return r.points
  }

  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, REGIONS)
    await ingestFacts(t.ctx, { facts: weeklyTestFacts(FACTS) })
    epi = await tokenFor(t, ['epidemiologist'])
  }, 120_000)
  afterAll(() => t?.close())

  it('a scan stores the alarms as new alerts, the same places and weeks the signals route names', async () => {
    const { status, body } = await scan()
    expect(status).toBe(200)
    expect(body.tooShort).toBeNull()
    expect(body.weeks).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16'])
    expect(body.raised).toBe(body.alerts.length)
    const signals = (await (
      await api(t, epi).get('/api/surveillance/signals?measure=tests&years=3&weeks=4')
    ).json()) as { places: { region: string; alarms: string[] }[] }
    expect(body.alerts.map((a) => `${a.region} ${a.week}`).sort()).toEqual(
      signals.places.flatMap((p) => p.alarms.map((w) => `${p.region} ${w}`)).sort(),
    )
    const [last, first] = harbourside(body)
    expect([first?.week, last?.week]).toEqual(OUTBREAK)
    expect(last).toMatchObject({
      measure: 'tests',
      method: 'farrington',
      state: 'new',
      alpha: 0.05,
    })
    expect(last?.reviewer).toBeNull()
  })

  it("the alert's figures are the core detector's on the same counts", async () => {
    const { body } = await scan()
    const points = coreFarrington()
    for (const alert of harbourside(body)) {
      const p = points[body.weeks.indexOf(alert.week)]
      expect(alert.observed).toBe(p?.observed)
      expect(alert.expected).toBeCloseTo(p?.expected as number, 9)
      expect(alert.upperBound).toBeCloseTo(p?.upperBound as number, 9)
      expect(alert.pValue).toBeCloseTo(p?.pValue as number, 12)
    }
  })

  it('a rescan raises nothing twice: the alerts still new take the latest figures', async () => {
    const { body } = await scan()
    expect(body.raised).toBe(0)
    expect(body.updated).toBe(body.alerts.length)
  })

  it('accepting records who and when on the alert and in the audit trail', async () => {
    const [alert] = harbourside((await scan()).body)
    const { status, body } = await call<SignalAlert>(
      'POST',
      `/api/surveillance/alerts/${alert?.id}/review`,
      { state: 'accepted', note: 'confirmed by the district lab' },
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({
      id: alert?.id,
      state: 'accepted',
      reviewer: 'test epidemiologist',
      reviewedAt: '2026-11-24T12:00:00.000Z',
      note: 'confirmed by the district lab',
    })
    const trail = await t.ctx.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, 'signal-alert.review'),
          eq(auditEvents.targetId, alert?.id as string),
        ),
      )
    expect(trail).toHaveLength(1)
    expect(trail[0]).toMatchObject({
      role: 'epidemiologist',
      detail: { from: 'new', to: 'accepted' },
    })
    // The note stays on the alert: the audit trail holds no free text.
    expect(JSON.stringify(trail[0]?.detail)).not.toContain('lab')

    const listed = await call<{ alerts: SignalAlert[] }>(
      'GET',
      '/api/surveillance/alerts?state=accepted',
    )
    expect(listed.body.alerts.map((a) => a.id)).toEqual([alert?.id])
  })

  it('a threshold on North reaches Harbourside: too few cases withdraws the alert still new, not the accepted one', async () => {
    const put = await call('PUT', '/api/surveillance/alert-thresholds', {
      region: 'XV-N',
      measure: 'tests',
      minCases: 1000,
    })
    expect(put.status).toBe(200)
    const { body } = await scan()
    expect(body.withdrawn).toBe(1)
    expect(harbourside(body).map((a) => a.state)).toEqual(['accepted'])
    expect((await call('DELETE', '/api/surveillance/alert-thresholds/XV-N/tests')).status).toBe(204)
    expect(await call('DELETE', '/api/surveillance/alert-thresholds/XV-N/tests')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    })
  })

  it("the country's α is every place's default and is recorded on the alert", async () => {
    await call('PUT', '/api/surveillance/alert-thresholds', {
      region: 'XV',
      measure: 'tests',
      alpha: 0.01,
    })
    const { body } = await scan()
    const fresh = harbourside(body).find((a) => a.state === 'new')
    expect(fresh?.alpha).toBe(0.01)
    const listed = await call<{ thresholds: { region: string; alpha: number }[] }>(
      'GET',
      '/api/surveillance/alert-thresholds',
    )
    expect(listed.body.thresholds).toMatchObject([
      { region: 'XV', measure: 'tests', alpha: 0.01, updatedBy: 'test epidemiologist' },
    ])
    await call('DELETE', '/api/surveillance/alert-thresholds/XV/tests')
  })

  it("a known outbreak on North leaves Harbourside's baseline as the core's mask does", async () => {
    const added = await call<{ id: string; from: string; to: string }>(
      'POST',
      '/api/surveillance/exclusions',
      {
        region: 'XV-N',
        measure: 'tests',
        ...EXCLUDED,
        label: 'norovirus, November 2025',
      },
    )
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ from: '2025-11-10', to: '2025-11-17' })
    const { body } = await scan()
    const fresh = harbourside(body).find((a) => a.state === 'new') as SignalAlert
    const start = FACTS.weeks - READ
    const mask = Array.from({ length: READ }, (_, t) => {
      const w = start + t
      // Weeks 2025-11-10 and 2025-11-17: 53 and 52 weeks before the last.
      return w === FACTS.weeks - 1 - 53 || w === FACTS.weeks - 1 - 52
    })
    const masked = coreFarrington(mask)[body.weeks.indexOf(fresh.week)]
    const plain = coreFarrington()[body.weeks.indexOf(fresh.week)]
    expect(fresh.expected).toBeCloseTo(masked?.expected as number, 9)
    expect(Math.abs((masked?.expected as number) - (plain?.expected as number))).toBeGreaterThan(
      1e-3,
    )

    const list = await call<{ exclusions: { id: string }[] }>('GET', '/api/surveillance/exclusions')
    expect(list.body.exclusions.map((e) => e.id)).toEqual([added.body.id])
    expect((await call('DELETE', `/api/surveillance/exclusions/${added.body.id}`)).status).toBe(204)
    expect((await call('DELETE', `/api/surveillance/exclusions/${added.body.id}`)).status).toBe(404)
  })

  it('5 years of reference weeks on 3½ years of data: the scan says why and stores nothing', async () => {
    const before = (await call<{ alerts: unknown[] }>('GET', '/api/surveillance/alerts')).body
      .alerts.length
    const { status, body } = await scan({ years: 5 })
    expect(status).toBe(200)
    expect(body.tooShort).toMatchObject({ code: 'HISTORY_TOO_SHORT', needed: 264, has: 179 })
    expect(body.alerts).toEqual([])
    expect(
      (await call<{ alerts: unknown[] }>('GET', '/api/surveillance/alerts')).body.alerts,
    ).toHaveLength(before)
  })

  it('refusals have their codes and fields', async () => {
    const cases: [string, string, unknown, number, string, string?][] = [
      [
        'POST',
        '/api/surveillance/alerts/scan',
        { ...SCAN, region: 'XV-Q' },
        404,
        'REGION_UNKNOWN',
        'region',
      ],
      [
        'POST',
        '/api/surveillance/alerts/scan',
        { ...SCAN, region: 'XV-N01', level: 'region' },
        400,
        'RANGE_INVALID',
        'level',
      ],
      [
        'POST',
        '/api/surveillance/alerts/scan',
        { ...SCAN, measure: 'coverage' },
        400,
        'VALIDATION',
        'body.measure',
      ],
      [
        'POST',
        '/api/surveillance/alerts/00000000-0000-4000-8000-000000000000/review',
        { state: 'dismissed' },
        404,
        'NOT_FOUND',
        'id',
      ],
      [
        'POST',
        '/api/surveillance/alerts/00000000-0000-4000-8000-000000000000/review',
        { state: 'new' },
        400,
        'VALIDATION',
        'body.state',
      ],
      [
        'PUT',
        '/api/surveillance/alert-thresholds',
        { region: 'XV-N', measure: 'tests', alpha: 0.7 },
        400,
        'RANGE_INVALID',
        'alpha',
      ],
      [
        'PUT',
        '/api/surveillance/alert-thresholds',
        { region: 'XV-N', measure: 'tests', minCases: 3 },
        400,
        'RANGE_INVALID',
        'minCases',
      ],
      [
        'PUT',
        '/api/surveillance/alert-thresholds',
        { region: 'XV-Q', measure: 'tests' },
        404,
        'REGION_UNKNOWN',
        'region',
      ],
      [
        'POST',
        '/api/surveillance/exclusions',
        { region: 'XV-N', from: '2026-02-01', to: '2026-01-01', label: 'x' },
        400,
        'RANGE_INVALID',
        'from',
      ],
      [
        'POST',
        '/api/surveillance/exclusions',
        { region: 'XV-N', from: '2026-01-01', to: '2026-02-01', label: '\u0007' },
        400,
        'VALIDATION',
        'label',
      ],
      [
        'GET',
        '/api/surveillance/alerts?from=2026-02-01&to=2026-01-01',
        undefined,
        400,
        'RANGE_INVALID',
        'from',
      ],
    ]
    for (const [method, path, body, status, code, field] of cases)
      expect(
        await call(method, path, body),
        `${method} ${path} ${JSON.stringify(body)}`,
      ).toMatchObject({
        status,
        body: { code, ...(field === undefined ? {} : { field }) },
      })
  })

  it('an issuer may not read or review alerts', async () => {
    const issuer = await tokenFor(t, ['issuer'])
    expect((await call('GET', '/api/surveillance/alerts', undefined, issuer)).status).toBe(403)
  })
})
