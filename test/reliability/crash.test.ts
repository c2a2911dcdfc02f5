/**
 * The crash campaign, small (the full one: `npm run soak -- crash`): a real `vigil serve` on
 * Postgres issuing to four clients through 10 connection cuts, one database outage and 3
 * SIGKILLs. Only 201 and 503 (with Retry-After) answers, no exit, no acknowledged credential
 * lost, /readyz 503 during the outage and 200 after.
 */
import { describe, expect, it } from 'vitest'
import { POSTGRES_SKIP_REASON, POSTGRES_URL } from '../helpers/db.ts'
import { runCrash } from '../soak/crash.ts'

if (POSTGRES_URL === undefined) it.skip(POSTGRES_SKIP_REASON as string, () => {})

describe.skipIf(POSTGRES_URL === undefined)('database faults under load', () => {
  it('cuts, an outage and kills: 201 or 503 only, no exit, nothing acknowledged lost', async () => {
    const report = await runCrash({
      postgresUrl: POSTGRES_URL as string,
      cuts: 10,
      outages: 1,
      kills: 3,
      port: 24_620,
      proxyPort: 24_621,
      log: (line) => console.error(line),
    })
    expect(report.unexpected).toEqual([])
    expect(report.exits).toBe(0)
    expect(report.lost).toBe(0)
    expect([report.cuts, report.outages, report.kills]).toEqual([10, 1, 3])
    expect(report.acknowledged).toBeGreaterThan(0)
    expect(report.readyDuringOutage).toEqual([503])
    expect(report.readyAfterOutage).toEqual([200])
    expect(Object.keys(report.statuses).sort()).toEqual(expect.arrayContaining(['201']))
    for (const status of Object.keys(report.statuses))
      expect(['201', '503', 'refused']).toContain(status)
  }, 240_000)
})
