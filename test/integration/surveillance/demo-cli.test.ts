/**
 * `vigil demo` and `vigil regions load` for real: a temp PGlite data directory, a small synthetic
 * year through the real issuing and exposure paths, then the facts and rollups it left behind.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { createDb, rowsOf } from '../../../src/platform/db/client.ts'
import { seedDataDir } from '../../helpers/db.ts'
import { BIN } from '../../helpers/server.ts'

const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'))
seedDataDir(join(dir, 'data'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, VIGIL_DATA_DIR: join(dir, 'data'), VIGIL_LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 120_000,
  })

describe('vigil demo', () => {
  it('seeds places, real credentials and codes, and a synthetic year with its rollups', {
    timeout: 150_000,
  }, async () => {
    const r = run(['demo', '--facts', '3000', '--credentials', '4', '--codes', '3', '--seed', '7'])
    expect(r.status, r.stderr).toBe(0)
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) as string)
    expect(summary).toMatchObject({ demo: 'done', places: 14, credentials: 4, codes: 3 })
    expect(summary.facts).toBeGreaterThan(2900)
    expect(summary.factsPerSecond).toBeGreaterThan(0)
    expect(r.stderr).toContain('issued 4 credentials')
    const bad = run(['demo', '--facts', 'many'])
    expect(bad.status).toBe(2)
    const file = join(dir, 'bad.csv')
    writeFileSync(file, 'code,name\nXX,Land\n')
    const refused = run(['regions', 'load', file])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('header')
    // The sample outlines came with the sample places; a boundary file with a bad ring is refused.
    expect(r.stderr).toContain('outlines: 14 places')
    const badOutline = join(dir, 'bad.geojson')
    writeFileSync(
      badOutline,
      JSON.stringify({
        type: 'Feature',
        id: 'XV-N',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [0, 0],
            ],
          ],
        },
      }),
    )
    const refusedOutline = run(['regions', 'load', badOutline])
    expect(refusedOutline.status).toBe(1)
    expect(refusedOutline.stderr).toContain('features[0].geometry.coordinates[0]')

    const database = await createDb({ kind: 'pglite', dataDir: join(dir, 'data', 'db') })
    try {
      const q = async (query: ReturnType<typeof sql>) =>
        rowsOf<Record<string, unknown>>(await database.db.execute(query))
      const [facts] = await q(sql`select count(*)::int as n from facts`)
      const [rolled] = await q(sql`
        select sum(n)::int as n from surveillance_rollups
        where grain = 'month' and dim = '' and measure in ('doses', 'tests', 'uploads', 'codes_issued', 'codes_redeemed')`)
      expect(Number(rolled?.n)).toBe(Number(facts?.n))
      // The real paths ran: the ledger holds the credentials (and any revocations).
      const [entries] = await q(sql`select count(*)::int as n from log_entries`)
      expect(Number(entries?.n)).toBeGreaterThanOrEqual(4)
      const [places] = await q(sql`select count(*)::int as n from regions`)
      expect(Number(places?.n)).toBe(14)
      const [outlines] = await q(sql`select count(*)::int as n from region_boundaries`)
      expect(Number(outlines?.n)).toBe(14)
    } finally {
      await database.close()
    }
  })
})
