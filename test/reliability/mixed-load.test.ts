/**
 * The mixed load, small (the full one: `npm run soak -- mixed-load`, 10 minutes): a real
 * `vigil serve` on Postgres answers 30 s of the default mix at 20 requests/s with no error and
 * every request sent. Latency is reported, not asserted: it depends on the machine's load.
 */
import { describe, expect, it } from 'vitest'
import { POSTGRES_SKIP_REASON, POSTGRES_URL } from '../helpers/db.ts'
import { KINDS, kindsOf, MIX, parseMix, percentile, runMixedLoad } from '../soak/mixed-load.ts'

if (POSTGRES_URL === undefined) it.skip(POSTGRES_SKIP_REASON as string, () => {})

describe('the driver', () => {
  it('sends each kind its share of every 100 requests, interleaved', () => {
    const kinds = kindsOf(MIX)
    expect(kinds).toHaveLength(100)
    for (const [kind, weight] of MIX) expect(kinds.filter((k) => k === kind)).toHaveLength(weight)
    // Never a run of one kind longer than its share could explain (no 10 issues in a row).
    expect(kinds.some((k, i) => k === 'issue' && kinds[i + 1] === 'issue')).toBe(false)
    expect(kindsOf(parseMix('stats=100'))).toEqual(Array(100).fill('stats'))
    expect(() => parseMix('stats=100,nope=1')).toThrow(/nope=1/)
  })

  it('a window with no answer has no latency, not 0 ms', () => {
    expect(percentile([], 0.99)).toBeNull()
    expect(percentile([1, 2, 3, 400], 0.5)).toBe(2)
    expect(percentile([1, 2, 3, 400], 0.99)).toBe(400)
  })
})

describe.skipIf(POSTGRES_URL === undefined)('mixed load', () => {
  it('30 s at 20 requests/s: no errors, nothing left unsent, every kind asked', async () => {
    const report = await runMixedLoad({
      port: 27_480,
      seconds: 30,
      rate: 20,
      window: 10,
      onLine: (line) => console.error(JSON.stringify(line)),
    })
    expect(report.errorSamples).toEqual([])
    expect(report.errors).toBe(0)
    expect(report.total).toBe(600)
    expect(report.windows.map((w) => w.count)).toEqual([200, 200, 200])
    expect(report.windows.map((w) => w.dropped)).toEqual([0, 0, 0])
    expect(Object.keys(report.byKind).sort()).toEqual([...KINDS].sort())
  }, 180_000)
})
