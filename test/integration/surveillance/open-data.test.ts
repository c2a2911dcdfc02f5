/**
 * Open data, on each engine: every public figure's CSV equals what the public statistics (and so
 * the public page) show, cell for cell; its metadata names ε, the suppression threshold and, for
 * each week, the hash of the release's canonical text and its ledger entry — which the log holds
 * (the leaf rebuilt from the CSV's own rows is at that index); the zip holds both files; the same
 * URL answers the same bytes from a second app over the same database (a restart).
 */
import { readFileSync } from 'node:fs'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256, toHex, utf8 } from '../../../src/core/codec/index.ts'
import { decodeEntry } from '../../../src/core/leaf/index.ts'
import { type PublicStats, statsReleaseText } from '../../../src/core/stats/index.ts'
import { logEntries } from '../../../src/platform/db/index.ts'
import { ingestFacts } from '../../../src/services/surveillance/facts.ts'
import { readHierarchy } from '../../../src/services/surveillance/regions.ts'
import { loadRegions } from '../../../src/services/surveillance/regions-csv.ts'
import { syntheticYear } from '../../../src/services/surveillance/synthetic.ts'
import { appOver, createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')

interface Metadata {
  privacy: { epsilonPerFigure: number; suppressionThreshold: number }
  releases: {
    week: string
    sha256: string
    epsilon: number
    threshold: number
    ledger: { keyId: string; index: number }
  }[]
  files: { csv: { sha256: string; rows: number } }
}

/** CSV rows (no quoted commas in the demo's names) as records. */
function rowsOf(csv: string) {
  return csv
    .trimEnd()
    .split('\r\n')
    .slice(1)
    .map((l) => {
      const [week, place, , value, suppressed] = l.split(',')
      return { week, place, value: value === '' ? null : Number(value), suppressed }
    })
}

describe.each(ENGINES)('open data on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, REGIONS)
    const places = await readHierarchy(t.ctx)
    await ingestFacts(t.ctx, {
      facts: syntheticYear({ seed: 9, total: 3000, start: '2025-11-24', places }),
      chunk: 3000,
    })
  })
  afterAll(() => t?.close())

  it('the CSV equals the public figures, cell for cell, and the metadata names ε and the threshold', async () => {
    const stats = (await (await t.app.request('/api/public/stats')).json()) as PublicStats
    const res = await t.app.request('/api/public/data/positives.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const csv = await res.text()
    const rows = rowsOf(csv)
    expect(rows).toHaveLength(stats.weeks.length * (stats.places.length + 1))
    const shown = stats.measures.positives as PublicStats['measures'][string]
    for (const r of rows) {
      const w = stats.weeks.indexOf(r.week as string)
      const expected = r.place === '' ? shown.national[w] : shown.regions[r.place as string]?.[w]
      expect(r.value, `${r.week} ${r.place}`).toBe(expected ?? null)
      expect(r.suppressed).toBe(expected === null ? 'true' : 'false')
    }
    expect(rows.some((r) => r.suppressed === 'true')).toBe(true)
    const meta = JSON.parse(
      await (await t.app.request('/api/public/data/positives.json')).text(),
    ) as Metadata
    expect(meta.privacy.epsilonPerFigure).toBe(t.ctx.config.surveillance.publicEpsilon)
    expect(meta.privacy.suppressionThreshold).toBe(t.ctx.config.surveillance.threshold)
    expect(meta.files.csv).toEqual({
      url: '/api/public/data/positives.csv',
      sha256: toHex(await sha256(utf8(csv))),
      rows: rows.length,
    })
    const missing = await t.app.request('/api/public/data/secrets.csv')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', field: 'file' })
  })

  it('each week of the CSV rebuilds the hash its ledger entry commits to', async () => {
    const csv = await (await t.app.request('/api/public/data/tests.csv')).text()
    const meta = JSON.parse(
      await (await t.app.request('/api/public/data/tests.json')).text(),
    ) as Metadata
    expect(meta.releases).toHaveLength(26)
    const entries = new Map(
      (await t.ctx.db.select().from(logEntries)).map((e) => [Number(e.idx), decodeEntry(e.entry)]),
    )
    const rows = rowsOf(csv)
    for (const r of meta.releases) {
      const text = statsReleaseText({
        measure: 'tests',
        week: r.week,
        epsilon: r.epsilon,
        threshold: r.threshold,
        cells: rows
          .filter((x) => x.week === r.week)
          .map((x) => ({ region: x.place as string, value: x.value })),
      })
      const hash = toHex(await sha256(utf8(text)))
      expect(r.sha256).toBe(hash)
      const entry = entries.get(r.ledger.index)
      expect(entry?.kind).toBe('stats-release')
      expect(entry?.keyId).toBe(`stats:tests:${r.week}`)
      expect(toHex(entry?.artefactHash as Uint8Array)).toBe(hash)
    }
    // One entry per released (measure, week): 26 weeks × 5 figures.
    expect([...entries.values()].filter((e) => e.kind === 'stats-release')).toHaveLength(130)
  })

  it('the zip holds both files, and a restarted app answers the same bytes', async () => {
    const zip = new Uint8Array(
      await (await t.app.request('/api/public/data/doses.zip')).arrayBuffer(),
    )
    const files = unzipSync(zip)
    const csv = await (await t.app.request('/api/public/data/doses.csv')).text()
    const meta = await (await t.app.request('/api/public/data/doses.json')).text()
    expect(new TextDecoder().decode(files['doses.csv'])).toBe(csv)
    expect(new TextDecoder().decode(files['doses.json'])).toBe(meta)
    const again = await appOver(t.database)
    try {
      expect(await (await again.app.request('/api/public/data/doses.csv')).text()).toBe(csv)
      expect(await (await again.app.request('/api/public/data/doses.json')).text()).toBe(meta)
      const zip2 = new Uint8Array(
        await (await again.app.request('/api/public/data/doses.zip')).arrayBuffer(),
      )
      expect(toHex(zip2)).toBe(toHex(zip))
    } finally {
      await again.ledger.close()
    }
  })
})
